/** Where a sign-in goes when it was not headed anywhere. */
export const HOME_PATH = "/app/dashboard";

/**
 * A post-sign-in destination from a query string, kept on this site: a path
 * that starts with one slash (not `//host` or `/\host`), else the dashboard.
 * It becomes a Location header, which carries only Latin-1 (Node.js throws
 * on anything above U+00FF, a 500) and which browsers read as UTF-8
 * percent-encoded: so every character outside printable ASCII is
 * percent-encoded as UTF-8, and a path holding control characters or a lone
 * surrogate (no UTF-8 form) is refused.
 */
export function safeNextPath(next: string | null | undefined, fallback = HOME_PATH): string {
  if (!next || typeof next !== "string") return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\u007f]/.test(next) || /\p{Cs}/u.test(next)) return fallback;
  return next.replace(/[^\x21-\x7e]+/gu, (run) => encodeURIComponent(run));
}

/** The app's public base URL (links in emails). */
export function appBaseUrl(): string {
  return (process.env.AUTH_URL || `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, "");
}
