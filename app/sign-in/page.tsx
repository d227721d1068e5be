import type { Metadata } from "next";
import { redirect } from "next/navigation";
import Link from "next/link";
import { Alert, Button, Card, buttonClass, cx } from "@/components/ui";
import { auth, githubConfigured } from "@/lib/auth";
import { awaitingSecondFactor, currentRequest, SECOND_FACTOR_PATH } from "@/lib/tenancy";
import { safeNextPath } from "@/lib/urls";
import { signInWithGitHub, signOutForSwitch } from "./actions";
import { inviteMessage } from "./invite-messages";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type Search = Promise<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const next = first(params.next);
  const email = first(params.email);
  const invite = inviteMessage(first(params.invite));
  const session = await auth();

  if (session?.user && !invite) redirect(safeNextPath(next));
  // A sign-in that awaits its two-factor code continues there.
  if (!session?.user && (await awaitingSecondFactor((await currentRequest()).credential))) redirect(SECOND_FACTOR_PATH);

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          <p className="text-sm font-semibold tracking-widest text-zinc-500 uppercase">Tenantry</p>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">Sign in</h1>
          <p className="mt-1 text-sm text-zinc-600">One account for every workspace you belong to.</p>
        </div>
        {invite ? <Alert variant="warning">{invite}</Alert> : null}
        {email && next?.startsWith("/invite/") ? (
          <Alert variant="info">Sign in as {email} to accept your invitation.</Alert>
        ) : null}
        <Card className="space-y-5 p-6">
          {session?.user ? (
            <div className="space-y-3 text-sm">
              <p>
                You are signed in as <strong>{session.user.email}</strong>.
              </p>
              <Link href="/app" className={cx(buttonClass("primary", "md"), "w-full")} data-testid="back-to-workspace">
                Back to your workspace
              </Link>
              <form action={signOutForSwitch}>
                {next ? <input type="hidden" name="next" value={next} /> : null}
                <Button type="submit" variant="secondary" className="w-full">
                  Sign out to use another address
                </Button>
              </form>
            </div>
          ) : (
            <>
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
            </>
          )}
        </Card>
      </div>
    </main>
  );
}
