import type { Metadata } from "next";
import Link from "next/link";
import { cookies } from "next/headers";
import { connection } from "next/server";
import { Card } from "@/components/ui";
import { auth } from "@/lib/auth";
import { safeNextPath } from "@/lib/urls";
import { emailSchema } from "@/lib/validation";
import { LINK_SENT_TO_COOKIE } from "../link-sent";

export const metadata: Metadata = { title: "Check your email" };

export default async function CheckEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  // Where the sign-in was headed (the form sends it along): another address keeps it.
  const headed = safeNextPath(Array.isArray(raw) ? raw[0] : raw, "");
  // Read at request time: the mail catcher's address is known only at run time.
  await connection();
  const mailCatcher = process.env.MAIL_CATCHER_URL;
  // Someone already signed in asked for a fresh sign-in (the ownership
  // transfer's steps): their way on is back to the app, not another address.
  const signedIn = Boolean((await auth())?.user);
  // The address the form sent the link to (app/sign-in/link-sent.ts), when it is one.
  const sentTo = emailSchema.safeParse((await cookies()).get(LINK_SENT_TO_COOKIE)?.value);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <Card className="w-full max-w-sm space-y-3 p-6 text-center">
        <h1 className="text-xl font-semibold">Check your email</h1>
        <p className="text-sm text-zinc-600">
          {sentTo.success ? (
            <>
              We sent a sign-in link to{" "}
              <strong className="font-medium break-all text-zinc-900" data-testid="link-sent-to">
                {sentTo.data}
              </strong>
              .
            </>
          ) : (
            "We sent you a sign-in link."
          )}{" "}
          It works once and expires in an hour. You can close this tab.
        </p>
        {mailCatcher ? (
          <p className="text-sm">
            Running locally: read it in the{" "}
            <a className="font-medium underline" href={mailCatcher} target="_blank" rel="noreferrer">
              mail catcher
            </a>
            .
          </p>
        ) : null}
        <p className="text-sm">
          {signedIn ? (
            <Link className="text-zinc-600 underline" href="/app">
              Back to the app
            </Link>
          ) : (
            <Link className="text-zinc-600 underline" href={headed ? `/sign-in?next=${encodeURIComponent(headed)}` : "/sign-in"}>
              Use a different address
            </Link>
          )}
        </p>
      </Card>
    </main>
  );
}
