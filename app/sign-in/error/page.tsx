import type { Metadata } from "next";
import Link from "next/link";
import { Card, buttonClass } from "@/components/ui";
import { signInErrorMessage } from "./messages";

export const metadata: Metadata = { title: "Sign-in problem" };

export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  const message = signInErrorMessage((await searchParams).error);
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
