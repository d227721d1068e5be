import { tenantCookieOptions } from "@/lib/tenancy";

/**
 * The address the last sign-in link went to, for the page that says to check
 * the inbox: a typo is seen there, not after waiting for an email that never
 * comes. A cookie rather than the URL, so the address stays out of history and
 * logs; sent only to that page, for as long as a link takes to arrive.
 */
export const LINK_SENT_TO_COOKIE = "tenantry_link_sent_to";

/** The page that says to check the inbox (Auth.js's pages.verifyRequest, lib/auth.ts). */
export const CHECK_EMAIL_PATH = "/sign-in/check-email";

export function linkSentToCookieOptions() {
  return { ...tenantCookieOptions(), path: CHECK_EMAIL_PATH, maxAge: 15 * 60 };
}
