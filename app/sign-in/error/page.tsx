import type { Metadata } from "next";
import Link from "next/link";
import { Card, buttonClass } from "@/components/ui";

export const metadata: Metadata = { title: "Sign-in problem" };

const MESSAGES: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Request a new one.",
  AccessDenied: "This account cannot sign in. It may have been deactivated; contact your workspace owner.",
  OAuthAccountNotLinked: "That email address already signs in another way. Use the email link instead.",
  Configuration: "Sign-in is not configured correctly on this server. Contact the administrator.",
};

export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const message = (error && MESSAGES[error]) || "Something went wrong while signing you in. Try again.";
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <Card className="w-full max-w-sm space-y-4 p-6 text-center">
        <h1 className="text-xl font-semibold">Could not sign you in</h1>
        <p className="text-sm text-zinc-600">{message}</p>
        <Link href="/sign-in" className={buttonClass("primary")}>
          Back to sign in
        </Link>
      </Card>
    </main>
  );
}
