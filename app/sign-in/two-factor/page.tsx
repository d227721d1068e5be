import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui";
import { awaitingSecondFactor, currentRequest, getTenantContext } from "@/lib/tenancy";
import { safeNextPath } from "@/lib/urls";
import { signOutForSwitch } from "../actions";
import { TwoFactorSignInForm } from "./two-factor-form";

export const metadata: Metadata = { title: "Two-factor authentication" };

/** After the magic link, for an account with two-factor on: the code, then where the sign-in was headed (`next`), or the app. */
export default async function TwoFactorSignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);
  const resolved = await getTenantContext();
  if (resolved.kind !== "signed-out" && resolved.kind !== "inactive") redirect(next);
  const { credential } = await currentRequest();
  const awaiting = await awaitingSecondFactor(credential);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          <p className="text-sm font-semibold tracking-widest text-zinc-500 uppercase">Tenantry</p>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">Two-factor authentication</h1>
          <p className="mt-1 text-sm text-zinc-600">
            {awaiting ? "One more step: enter the code from your authenticator app." : "This sign-in has expired or was completed elsewhere."}
          </p>
        </div>
        <Card className="space-y-5 p-6">
          {awaiting ? (
            <>
              <TwoFactorSignInForm next={next} />
              <form action={signOutForSwitch}>
                <button type="submit" className="text-sm text-zinc-600 underline">
                  Cancel and sign out
                </button>
              </form>
            </>
          ) : (
            <p className="text-sm">
              <Link href="/sign-in" className="underline">
                Request a new sign-in link
              </Link>
            </p>
          )}
        </Card>
      </div>
    </main>
  );
}
