import "server-only";
import { cookies } from "next/headers";
import { getTenantContext, type Membership } from "./context";
import { tenantCookieOptions } from "./cookie";
import {
  judgeSeenWorkspace,
  openSeenWorkspace,
  sealSeenWorkspace,
  seenWorkspaceSecret,
  SEEN_WORKSPACE_COOKIE,
  type SeenWorkspace,
  type SeenWorkspaceVerdict,
  type ShownWorkspace,
} from "./seen-workspace";

/** The workspace this request's receipt says `userId` was last shown, or null (none, not theirs, or no secret configured). */
export async function seenWorkspace(userId: string): Promise<SeenWorkspace | null> {
  const secret = seenWorkspaceSecret();
  if (!secret) return null;
  return openSeenWorkspace(secret, userId, (await cookies()).get(SEEN_WORKSPACE_COOKIE)?.value);
}

/** What this request's receipt of the last workspace shown says (see seen-workspace.ts). */
export async function seenWorkspaceVerdict(
  userId: string,
  current: ShownWorkspace | null,
  memberships: readonly Membership[],
): Promise<SeenWorkspaceVerdict> {
  if (!seenWorkspaceSecret()) return { lost: null, renew: false };
  return judgeSeenWorkspace(await seenWorkspace(userId), current, memberships);
}

/**
 * Renews the receipt from what the request resolves now (a route handler's
 * work: it takes no input, so it can only record what the session is shown).
 */
export async function renewSeenWorkspace(): Promise<"renewed" | "cleared" | "signed-out"> {
  const resolved = await getTenantContext();
  const store = await cookies();
  const secret = seenWorkspaceSecret();
  if (resolved.kind === "tenant" && secret) {
    store.set(SEEN_WORKSPACE_COOKIE, sealSeenWorkspace(secret, resolved.userId, { tenantId: resolved.tenantId, name: resolved.tenant.name, via: resolved.delegation?.viaTenantName }), tenantCookieOptions());
    return "renewed";
  }
  store.delete(SEEN_WORKSPACE_COOKIE);
  return resolved.kind === "signed-out" || resolved.kind === "inactive" ? "signed-out" : "cleared";
}

/** Forgets the receipt: after leaving or deleting a workspace, one's own doing, which needs no notice. */
export async function forgetSeenWorkspace(): Promise<void> {
  (await cookies()).delete(SEEN_WORKSPACE_COOKIE);
}
