"use server";

import { AuthError } from "next-auth";
import { cookies } from "next/headers";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { signIn, signOut } from "@/lib/auth";
import { limitSignInLink } from "@/lib/rate-limit";
import { formAction, publicAction } from "@/lib/tenancy";
import { safeNextPath } from "@/lib/urls";
import { emailSchema } from "@/lib/validation";
import { CHECK_EMAIL_PATH, LINK_SENT_TO_COOKIE, linkSentToCookieOptions } from "./link-sent";

const next = z.string().max(2048).optional();

export const requestMagicLink = publicAction({ schema: z.object({ email: emailSchema, next }) }, async (input, { request }) => {
  await limitSignInLink(input.email, request.ip);
  let verifyRequest: string;
  try {
    verifyRequest = await signIn("email", { email: input.email, redirectTo: safeNextPath(input.next), redirect: false });
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof AuthError) {
      console.error("[sign-in] magic link not sent", error);
      return { ok: false, error: "We could not send the sign-in email just now. Try again in a moment." };
    }
    throw error;
  }
  // That page names the address the link went to.
  (await cookies()).set(LINK_SENT_TO_COOKIE, input.email, linkSentToCookieOptions());
  // On to the page that says to check the inbox — at once, rather than through Auth.js's verify-request
  // route, which only redirects there and would be the address the browser shows — with where the sign-in
  // is headed: its "Use a different address" goes back to the form still headed there.
  const returned = new URL(verifyRequest, "http://localhost");
  const to = returned.pathname === "/api/auth/verify-request" ? new URL(CHECK_EMAIL_PATH, "http://localhost") : returned;
  const headed = safeNextPath(input.next, "");
  if (headed) to.searchParams.set("next", headed);
  redirect(`${to.pathname}${to.search}`);
});

// Plain form actions, with no form state to show an error in: what is not a
// form, holds a NUL byte or does not parse does nothing at all.

export const signInWithGitHub = formAction({ schema: z.object({ next }) }, async (input) => {
  await signIn("github", { redirectTo: safeNextPath(input.next) });
});

/**
 * Signs out so another address can sign in, keeping where they were headed.
 * An invitation link is opened again, signed out: it leads to the sign-in
 * page as it leads any visitor, with the invited address filled in.
 */
export const signOutForSwitch = formAction({ schema: z.object({ next }) }, async (input) => {
  const to = safeNextPath(input.next, "");
  await signOut({ redirectTo: to.startsWith("/invite/") ? to : to ? `/sign-in?next=${encodeURIComponent(to)}` : "/sign-in" });
});
