import Link from "next/link";
import { Alert, Button, Card, buttonClass, cx } from "@/components/ui";
import { inspectInvitationToken } from "@/lib/invitations";
import { RateLimited } from "@/lib/rate-limit";
import { currentRequestInfo, getTenantContext, isSignedIn, type TenantResolution } from "@/lib/tenancy";
import { signOutForSwitch } from "./actions";
import { NAMES_WORKSPACE, signedInInviteMessage, type InviteOutcome } from "./invite-messages";

/** What happened to the invitation, as a heading. */
const TITLES: Record<InviteOutcome, string> = {
  invalid: "This invitation link is not valid",
  not_found: "This invitation was not found",
  already_used: "This invitation has already been used",
  no_longer_member: "This invitation has already been used",
  replaced: "This invitation was replaced",
  revoked: "This invitation was revoked",
  declined: "You declined this invitation",
  expired: "This invitation has expired",
  workspace_deleted: "This invitation's workspace was deleted",
  workspace_suspended: "This invitation's workspace is suspended",
  email_mismatch: "This invitation is for another address",
};

/**
 * A signed-in visitor whose invitation link cannot be used: what happened,
 * and a way back to their workspace (or to onboarding when they have none).
 * Signing out is offered only where it helps: an invitation sent to another
 * of their addresses.
 */
export async function InviteOutcomeForSignedIn({ outcome, email, next }: { outcome: InviteOutcome; email: string; next?: string }) {
  const resolved = await getTenantContext();
  const workspace = resolved.kind === "tenant" ? resolved.tenant.name : null;
  const message = signedInInviteMessage(outcome, await invitedWorkspace(resolved, outcome, next));
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <Card className="w-full max-w-md space-y-5 p-6">
        <div>
          <p className="text-sm font-semibold tracking-widest text-zinc-500 uppercase">Invitation</p>
          <h1 className="mt-2 text-xl font-semibold" data-testid="invite-outcome-title">
            {TITLES[outcome]}
          </h1>
        </div>
        <Alert variant="warning">{message}</Alert>
        <p className="text-sm text-zinc-600">
          You are signed in as <strong>{email}</strong>.
        </p>
        <Link href="/app" className={cx(buttonClass("primary", "md"), "w-full")} data-testid="back-to-workspace">
          {workspace ? `Back to ${workspace}` : "Continue to Tenantry"}
        </Link>
        {outcome === "email_mismatch" ? (
          <form action={signOutForSwitch}>
            {next ? <input type="hidden" name="next" value={next} /> : null}
            <Button type="submit" variant="secondary" className="w-full">
              Sign out to use another address
            </Button>
          </form>
        ) : null}
      </Card>
    </main>
  );
}

/**
 * The name of the workspace the link in `next` invites to, for the outcomes
 * that name it — read again from the link rather than taken from the address
 * bar, where anyone could write any name — or null.
 */
async function invitedWorkspace(resolved: TenantResolution, outcome: InviteOutcome, next: string | undefined): Promise<string | null> {
  const token = next?.startsWith("/invite/") ? next.slice("/invite/".length) : null;
  if (!token || !NAMES_WORKSPACE.includes(outcome) || !isSignedIn(resolved)) return null;
  // Over the limit on links that match nothing, the message goes without the name.
  const preview = await inspectInvitationToken(token, resolved, await currentRequestInfo()).catch((error: unknown) => {
    if (error instanceof RateLimited) return null;
    throw error;
  });
  return preview && !preview.ok && preview.reason === outcome ? (preview.tenantName ?? null) : null;
}
