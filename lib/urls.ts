/**
 * A post-sign-in destination from a query string, kept on this site: a path
 * that starts with one slash (not `//host` or `/\host`), else the dashboard.
 */
export function safeNextPath(next: string | null | undefined, fallback = "/app/dashboard"): string {
  if (!next || typeof next !== "string") return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f]/.test(next)) return fallback;
  return next;
}

/** The app's public base URL (links in emails). */
export function appBaseUrl(): string {
  return (process.env.AUTH_URL || `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, "");
}
