import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { CreateWorkspaceForm } from "@/components/create-workspace-form";
import { LostWorkspaceNotice } from "@/components/lost-workspace-notice";
import { LEFT_PARAM, LeftWorkspaceNotice, leftWorkspace } from "@/components/members/left-workspace-notice";
import { PendingInvitations } from "@/components/pending-invitations";
import { Button, Card } from "@/components/ui";
import { onboardingRead } from "@/lib/invitations";
import { requireUserWith, seenWorkspaceVerdict } from "@/lib/tenancy";
import { signOutAction } from "../actions";

export const metadata: Metadata = { title: "Welcome" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function OnboardingPage({ searchParams }: { searchParams: Search }) {
  const { user, context, memberships, data } = await requireUserWith(onboardingRead);
  const { invitations, restorable } = data;
  const left = leftWorkspace((await searchParams)[LEFT_PARAM], user.id);
  if (context) redirect("/app/dashboard");
  // The notice of a workspace lost since the last page: the welcome then says "any more", not "yet".
  const seen = await seenWorkspaceVerdict(user.id, null, memberships);
  // An owner whose workspaces are in the trash can restore one there.
  const trash =
    restorable.length > 0 ? (
      <>
        restore {restorable.length === 1 ? "the one" : "one"} in{" "}
        <Link href="/app/trash" className="underline" data-testid="onboarding-trash">
          your trash
        </Link>
        ,{" "}
      </>
    ) : null;
  // Member only of suspended workspaces: they belong somewhere, and are told where and why they cannot enter.
  const blocked = memberships.filter((m) => m.status === "blocked");
  const suspended = blocked.map((m) => m.tenantName);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md space-y-6">
        <LostWorkspaceNotice userId={user.id} current={null} memberships={memberships} verdict={seen} restorable={restorable} />
        <LeftWorkspaceNotice name={left} />
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Welcome to Tenantry</h1>
          {suspended.length > 0 ? (
            <p className="mt-1 text-sm text-zinc-600" data-testid="onboarding-suspended">
              Signed in as {user.email}. {listOf(suspended)} {suspended.length === 1 ? "is" : "are"} suspended by the platform: nothing
              in {suspended.length === 1 ? "it" : "them"} can be read or changed until the suspension is lifted
              {whoCanAsk(
                blocked.filter((m) => m.role === "owner").map((m) => m.tenantName),
                blocked.filter((m) => m.role !== "owner").map((m) => m.tenantName),
              )}{" "}
              Meanwhile, {trash ? <>{trash}create a workspace,</> : "create a workspace"} or accept an invitation sent to this address.
            </p>
          ) : (
            <p className="mt-1 text-sm text-zinc-600">
              Signed in as {user.email}. You do not belong to a workspace {left || seen.lost || trash ? "any more" : "yet"}: {trash}create one, or
              accept an invitation sent to this address.
            </p>
          )}
        </div>
        <PendingInvitations heading={`Invitations for ${user.email}`} invitations={invitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() }))} />
        <Card className="p-6">
          <h2 className="mb-4 text-sm font-semibold">Create a workspace</h2>
          <CreateWorkspaceForm />
        </Card>
        <div className="flex items-center justify-center gap-2">
          {/* The profile needs no workspace: a name, the second factor and the sessions are the user's own. */}
          <Link href="/app/profile" className="px-3 py-1.5 text-sm text-zinc-600 hover:underline" data-testid="profile-link">
            Your profile
          </Link>
          <form action={signOutAction}>
            <Button type="submit" variant="ghost" size="sm">
              Sign out
            </Button>
          </form>
        </div>
      </div>
    </main>
  );
}

/** Who can ask the operators why: the viewer for the workspaces they own, the owners for the others. */
function whoCanAsk(owned: string[], others: string[]): string {
  if (owned.length === 0) return `, and ${others.length === 1 ? "its" : "their"} owners can ask the platform's operators why.`;
  if (others.length === 0) return ", and you can ask the platform's operators why.";
  return (
    `. You can ask the platform's operators why ${listOf(owned)} ${owned.length === 1 ? "was" : "were"} suspended, ` +
    `and the owners of ${listOf(others)} can ask about ${others.length === 1 ? "it" : "them"}.`
  );
}

/** “A”, “A and B”, “A, B and C”. */
function listOf(names: string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
