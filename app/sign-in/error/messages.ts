// What /sign-in/error?error=<code> tells the visitor, for the codes Auth.js
// redirects with (and GitHubEmailUnverified, lib/auth.ts's own). Auth.js sends
// its sign-in errors (OAuthAccountNotLinked, OAuthCallbackError) to the
// sign-in page instead, which shows the same sentences.
const MESSAGES: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Request a new one.",
  AccessDenied: "This account cannot sign in. It may have been deactivated; contact your workspace owner.",
  OAuthAccountNotLinked:
    "A Tenantry account with that email address already exists, and GitHub is not linked to it. Sign in with an email link instead.",
  OAuthCallbackError: "GitHub did not complete the sign-in (it may have been cancelled). Try again, or sign in with an email link.",
  GitHubEmailUnverified: "Your GitHub account has no verified primary email address. Verify it on GitHub, or sign in with an email link.",
  Configuration: "Sign-in is not configured correctly on this server. Contact the administrator.",
};

const FALLBACK = "Something went wrong while signing you in. Try again.";

/**
 * The message for a code from the URL: only a code of the table's own, never
 * what every object inherits (`?error=__proto__` or `constructor` would
 * otherwise find an object or a function to render).
 */
export function signInErrorMessage(error: string | string[] | undefined): string {
  return typeof error === "string" && Object.hasOwn(MESSAGES, error) ? MESSAGES[error]! : FALLBACK;
}
