/**
 * The notice a workspace's overview shows after /admin/workspaces/new created
 * it and the email to its first owner did not go out: the redirect carries the
 * owner's address in a query flag, and the page shows it only when that
 * address is one of the workspace's owners (read with the page's members).
 */
export const UNSENT_PARAM = "unsent";

/** Where the console goes after creating a workspace: its overview, flagged when the owner's email did not go out. */
export function createdWorkspaceHref(id: string, emailDispatched: boolean, ownerEmail: string): string {
  const base = `/admin/workspaces/${id}`;
  return emailDispatched ? base : `${base}?${new URLSearchParams({ [UNSENT_PARAM]: ownerEmail })}`;
}

/** The owner whose email did not go out, from the page's flag: only an owner among the members read, never any other address. */
export function unsentOwnerEmail(flag: string | string[] | undefined, members: ReadonlyArray<{ email: string; role: string }>): string | null {
  if (typeof flag !== "string" || flag === "") return null;
  const wanted = flag.trim().toLowerCase();
  return members.find((m) => m.role === "owner" && m.email.toLowerCase() === wanted)?.email ?? null;
}
