import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Alert, Card, RoleBadge } from "@/components/ui";
import { inspectInvitationToken, type InvitationPreview } from "@/lib/invitations";
import { RateLimited } from "@/lib/rate-limit";
import { currentRequestInfo, getTenantContext, isSignedIn } from "@/lib/tenancy";
import { NAMES_WORKSPACE } from "@/app/sign-in/invite-messages";
import { AcceptInvitationForm } from "./accept-form";

export const metadata: Metadata = { title: "Invitation" };

/**
 * The link in an invitation email. It changes nothing by being opened: a
 * signed-out visitor is sent to sign in with the invited address filled in;
 * a signed-in one is asked to confirm ("Join Acme as admin?") and joins by
 * submitting the form. Every refusal redirects to /sign-in?invite=<reason>
 * (seed 004's outcomes), which offers a way back to one's workspace — except
 * the rate limit on links that match nothing, which has to say when to retry.
 */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const here = `/invite/${token}`;
  const resolved = await getTenantContext();
  // Signed in whatever the active workspace is — held out of a suspended one
  // too: looked up anonymously, the link would send them to /sign-in, which
  // sends a signed-in visitor straight back here (a redirect loop).
  const signedIn = isSignedIn(resolved);
  let preview: InvitationPreview;
  try {
    // Within the limit on links that match nothing, by the visitor's address (lib/invitations.ts).
    preview = await inspectInvitationToken(token, signedIn ? resolved : null, await currentRequestInfo());
  } catch (error) {
    if (!(error instanceof RateLimited)) throw error;
    return (
      <main className="flex min-h-screen items-center justify-center px-4 py-12">
        <Card className="w-full max-w-md space-y-4 p-6">
          <p className="text-sm font-semibold tracking-widest text-zinc-500 uppercase">Invitation</p>
          <Alert variant="error">{error.message}</Alert>
          {signedIn ? (
            <Link href="/app" className="block text-center text-sm text-zinc-600 underline" data-testid="back-to-workspace">
              {resolved.kind === "tenant" ? `Back to ${resolved.tenant.name}` : "Continue to Tenantry"}
            </Link>
          ) : null}
        </Card>
      </main>
    );
  }

  if (!preview.ok) {
    // Someone signed in with another address can switch accounts and come back; the outcomes that name
    // the workspace read its name from the link again (app/sign-in/invite-outcome.tsx). A used link
    // opened signed out may be the visitor's own: signing in comes back here, which then says
    // whether they are in its workspace (on to it) or no longer are.
    const comesBack = signedIn ? preview.reason === "email_mismatch" || NAMES_WORKSPACE.includes(preview.reason) : preview.reason === "already_used";
    const back = comesBack ? `&next=${encodeURIComponent(here)}` : "";
    redirect(`/sign-in?invite=${preview.reason}${back}`);
  }
  if (!signedIn) {
    const email = preview.joined ? "" : `&email=${encodeURIComponent(preview.email)}`;
    redirect(`/sign-in?next=${encodeURIComponent(here)}${email}`);
  }
  // Re-opening a link one has already used is harmless: on to the workspace.
  if (preview.joined) redirect("/app/dashboard");

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <Card className="w-full max-w-md space-y-5 p-6">
        <div>
          <p className="text-sm font-semibold tracking-widest text-zinc-500 uppercase">Invitation</p>
          <h1 className="mt-2 text-xl font-semibold" data-testid="invitation-question">
            Join {preview.tenantName} as {preview.role === "admin" || preview.role === "auditor" ? "an" : "a"} {preview.role}?
          </h1>
          <p className="mt-2 text-sm text-zinc-600">
            {preview.inviterName ? `${preview.inviterName} invited ${preview.email}` : `This invitation is for ${preview.email}`} to{" "}
            <strong>{preview.tenantName}</strong> with the role <RoleBadge role={preview.role} />.
          </p>
        </div>
        <AcceptInvitationForm token={token} workspaceName={preview.tenantName} />
        <p className="text-center text-sm">
          <Link href="/app" className="text-zinc-600 underline">
            Not now
          </Link>
        </p>
      </Card>
    </main>
  );
}
