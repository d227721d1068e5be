import "server-only";
import { limitSignInLink, RateLimited } from "@/lib/rate-limit";
import { emailSchema } from "@/lib/validation";
import { clientInfoFromHeaders } from "./client-address";

const plain = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers } });

/** 429 with Retry-After in seconds, and the refusal's sentence. */
export function tooManyRequests(error: RateLimited): Response {
  return plain(429, error.message, { "Retry-After": String(error.retryAfterSeconds) });
}

/** Awaits a limit check: null when it passed, a 429 response when it refused. Other failures are thrown. */
export async function refusedByLimit(check: Promise<unknown>): Promise<Response | null> {
  try {
    await check;
    return null;
  } catch (error) {
    if (error instanceof RateLimited) return tooManyRequests(error);
    throw error;
  }
}

// Auth.js's own route also sends a sign-in link, to anyone who POSTs an
// address and a CSRF token (any script can fetch one): the limits hold there
// as on the sign-in form. Its action and provider are read from the path as
// Auth.js reads them (@auth/core toInternalRequest), so no spelling of the
// path reaches the provider without passing here.
const AUTH_BASE_PATH = "/api/auth";

function isEmailSignIn(url: string): boolean {
  const { pathname } = new URL(url);
  if (!pathname.startsWith(AUTH_BASE_PATH)) return false;
  const segments = pathname.slice(AUTH_BASE_PATH.length).split("/").filter(Boolean);
  return segments.length === 2 && segments[0] === "signin" && segments[1] === "email";
}

/**
 * The body's `email`, parsed as Auth.js parses a POST body (JSON or a
 * URL-encoded form; anything else has none). A form naming `email` more than
 * once has none either: Auth.js would send to the last one, and counting the
 * first would let a fresh first address carry any number of links to the last.
 */
async function postedEmail(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) return ((await request.json()) as { email?: unknown } | null)?.email;
    if (type.includes("application/x-www-form-urlencoded")) {
      const emails = new URLSearchParams(await request.text()).getAll("email");
      return emails.length === 1 ? emails[0] : undefined;
    }
  } catch {
    // Unparsable: Auth.js cannot read an address from it either.
  }
  return undefined;
}

/**
 * For POST /api/auth/*: a response refusing a sign-in link request (a 400 for
 * anything that is not one email address, which the form would refuse too; a
 * 429 over a limit), or null to let Auth.js handle the request.
 */
export async function refuseEmailSignIn(request: Request): Promise<Response | null> {
  if (!isEmailSignIn(request.url)) return null;
  const parsed = emailSchema.safeParse(await postedEmail(request.clone()));
  if (!parsed.success) return plain(400, parsed.error.issues[0]?.message ?? "Enter a valid email address.");
  return refusedByLimit(limitSignInLink(parsed.data, clientInfoFromHeaders(request.headers).ip));
}
