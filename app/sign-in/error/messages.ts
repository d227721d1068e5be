// What /sign-in/error?error=<code> tells the visitor, for the codes Auth.js
// redirects with.
const MESSAGES: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Request a new one.",
  AccessDenied: "This account cannot sign in. It may have been deactivated; contact your workspace owner.",
  OAuthAccountNotLinked: "That email address already signs in another way. Use the email link instead.",
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
