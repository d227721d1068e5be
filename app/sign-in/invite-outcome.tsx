import Link from "next/link";
import { Alert, Button, Card, buttonClass, cx } from "@/components/ui";
import { getTenantContext } from "@/lib/tenancy";
import { signOutForSwitch } from "./actions";
import { INVITE_MESSAGES, type InviteOutcome } from "./invite-messages";

/** What happened to the invitation, as a heading. */
const TITLES: Record<InviteOutcome, string> = {
  invalid: "This invitation link is not valid",
  not_found: "This invitation was not found",
  already_used: "This invitation has already been used",
  replaced: "This invitation was replaced",
  revoked: "This invitation was revoked",
  expired: "This invitation has expired",
  email_mismatch: "This invitation is for another address",
};

/** What a signed-in visitor can do about it, after the outcome's own message. */
const SIGNED_IN_HINTS: Partial<Record<InviteOutcome, string>> = {
  already_used: "If it was yours, you are already a member: the workspace is in your workspace switcher.",
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
  const message = outcome === "email_mismatch" ? INVITE_MESSAGES.email_mismatch.replace("Sign in with", "Sign out, then sign in with") : INVITE_MESSAGES[outcome];
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <Card className="w-full max-w-md space-y-5 p-6">
        <div>
          <p className="text-sm font-semibold tracking-widest text-zinc-500 uppercase">Invitation</p>
          <h1 className="mt-2 text-xl font-semibold" data-testid="invite-outcome-title">
            {TITLES[outcome]}
          </h1>
        </div>
        <Alert variant="warning">
          {message} {SIGNED_IN_HINTS[outcome] ?? ""}
        </Alert>
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
