import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Alert, Button, Card } from "@/components/ui";
import { auth, githubConfigured } from "@/lib/auth";
import { awaitingSecondFactor, currentRequest, SECOND_FACTOR_PATH } from "@/lib/tenancy";
import { safeNextPath } from "@/lib/urls";
import { signInWithGitHub } from "./actions";
import { signInErrorMessage } from "./error/messages";
import { InviteOutcomeForSignedIn } from "./invite-outcome";
import { inviteMessage, type InviteOutcome } from "./invite-messages";
import { SignInForm } from "./sign-in-form";

type Search = Promise<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export async function generateMetadata({ searchParams }: { searchParams: Search }): Promise<Metadata> {
  return { title: inviteMessage(first((await searchParams).invite)) ? "Invitation" : "Sign in" };
}

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const next = first(params.next);
  const email = first(params.email);
  const invite = inviteMessage(first(params.invite));
  // Auth.js sends its sign-in errors here (?error=OAuthAccountNotLinked when
  // GitHub names an address that already signs in by email link).
  const error = first(params.error);
  const session = await auth();

  if (session?.user && !invite) redirect(safeNextPath(next));
  // Signed in: not a sign-in page, but what happened to the invitation and the way back.
  if (session?.user && invite) return <InviteOutcomeForSignedIn outcome={first(params.invite) as InviteOutcome} email={session.user.email ?? ""} next={next} />;
  // A sign-in that awaits its two-factor code continues there, and then where it was headed.
  if (!session?.user && (await awaitingSecondFactor((await currentRequest()).credential))) {
    redirect(next ? `${SECOND_FACTOR_PATH}?next=${encodeURIComponent(safeNextPath(next))}` : SECOND_FACTOR_PATH);
  }

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          <p className="text-sm font-semibold tracking-widest text-zinc-500 uppercase">Tenantry</p>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">Sign in</h1>
          <p className="mt-1 text-sm text-zinc-600">One account for every workspace you belong to.</p>
        </div>
        {invite ? <Alert variant="warning">{invite}</Alert> : null}
        {error ? <Alert variant="error">{signInErrorMessage(error)}</Alert> : null}
        {email && next?.startsWith("/invite/") ? (
          <Alert variant="info">Sign in as {email} to accept your invitation.</Alert>
        ) : null}
        <Card className="space-y-5 p-6">
          <SignInForm email={email} next={next} />
          {githubConfigured ? (
            <>
              <div className="flex items-center gap-3 text-xs text-zinc-500">
                <span className="h-px flex-1 bg-zinc-200" />
                or
                <span className="h-px flex-1 bg-zinc-200" />
              </div>
              <form action={signInWithGitHub}>
                {next ? <input type="hidden" name="next" value={next} /> : null}
                <Button type="submit" variant="secondary" className="w-full">
                  Continue with GitHub
                </Button>
              </form>
            </>
          ) : null}
        </Card>
      </div>
    </main>
  );
}
