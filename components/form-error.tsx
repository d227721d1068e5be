"use client";

import { usePathname } from "next/navigation";
import { useSyncExternalStore } from "react";
import { SIGNED_OUT_CODE, SIGNED_OUT_PARTS, signInAgainHref } from "@/lib/tenancy/client";
import { Alert } from "./ui";

/** What a form shows of a refusal: its message, and the code it may carry (ActionResult). */
export interface Refusal {
  error: string;
  code?: string;
}

const noSubscription = () => () => {};

/**
 * The page the browser is on, with its query: read when rendered (a list's
 * search or page lives in the URL), and on the server, or before hydration,
 * the path alone.
 */
function useCurrentPage(): string | null {
  const pathname = usePathname();
  return useSyncExternalStore(
    noSubscription,
    () => `${window.location.pathname}${window.location.search}`,
    () => pathname,
  );
}

/**
 * An action's refusal as the app's forms show it. A refusal because the
 * session has ended (SIGNED_OUT_CODE) reads "Your session has ended. Sign in
 * again.", its last words a link to the sign-in page that comes back to this
 * page once signed in.
 */
export function RefusalText({ refusal }: { refusal: Refusal }) {
  const here = useCurrentPage();
  if (refusal.code !== SIGNED_OUT_CODE) return <>{refusal.error}</>;
  return (
    <>
      {SIGNED_OUT_PARTS.happened}{" "}
      <a href={signInAgainHref(here)} className="font-medium underline" data-testid="sign-in-again">
        {SIGNED_OUT_PARTS.signIn}
      </a>
      .
    </>
  );
}

/** The refusal in an error Alert (null shows nothing); `props` go to the Alert. */
export function FormError({ refusal, className, ...props }: { refusal: Refusal | null | undefined | false; className?: string; "data-testid"?: string }) {
  if (!refusal) return null;
  return (
    <Alert variant="error" className={className} {...props}>
      <RefusalText refusal={refusal} />
    </Alert>
  );
}
