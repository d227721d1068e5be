// The gate in front of the app, and the per-request security headers. It
// performs no database I/O: it refuses a server-action POST from another
// origin with 403 (lib/http/action-origin.ts) and one larger than Next.js
// reads with 413 (lib/http/action-body.ts), checks that a session cookie
// is present (the session itself is verified on the server by
// getTenantContext), rejects malformed invitation links outright, and gives
// every response a Content-Security-Policy with a fresh script nonce
// (lib/http/).
import { NextResponse, type NextRequest } from "next/server";
import { oversizedAction } from "@/lib/http/action-body";
import { crossOriginAction } from "@/lib/http/action-origin";
import { requestSecurity } from "@/lib/http/request-security";
import { IMAGE_CONTENT_SECURITY_POLICY, servesImage } from "@/lib/http/security-headers";
import { isInviteTokenShape } from "@/lib/invite-token";
import { SESSION_COOKIES } from "@/lib/session-cookie";

export function middleware(request: NextRequest) {
  const security = requestSecurity(request.headers);
  const response =
    refuseCrossOrigin(request) ?? refuseOversized(request) ?? gate(request) ?? NextResponse.next({ request: { headers: security.forwardedHeaders } });
  for (const [name, value] of Object.entries(security.responseHeaders)) response.headers.set(name, value);
  // Headers set here win over a route's own, so an image's stricter policy is set here too.
  if (servesImage(request.nextUrl.pathname)) response.headers.set("Content-Security-Policy", IMAGE_CONTENT_SECURITY_POLICY);
  return response;
}

function refuseCrossOrigin(request: NextRequest): NextResponse | null {
  const refusal = crossOriginAction(request.method, request.headers);
  return refusal
    ? new NextResponse(`${refusal}\n`, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } })
    : null;
}

/** A form larger than Next.js will read (a logo upload), refused before it reads it: a 413 rather than its 500. */
function refuseOversized(request: NextRequest): NextResponse | null {
  const refusal = oversizedAction(request.method, request.headers);
  return refusal
    ? new NextResponse(`${refusal}\n`, { status: 413, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } })
    : null;
}

/** A redirect for a request the gate turns away; null to let it through. */
function gate(request: NextRequest): NextResponse | null {
  const { pathname, search } = request.nextUrl;
  if (!isGated(pathname)) return null;

  if (pathname.startsWith("/invite/")) {
    // base64url needs no percent-encoding: anything encoded is not a token.
    const token = pathname.slice("/invite/".length);
    if (!isInviteTokenShape(token)) return redirectTo(request, "/sign-in?invite=invalid");
    return null;
  }

  const hasSession = SESSION_COOKIES.some((name) => request.cookies.get(name)?.value);
  // The platform's console: nothing says it exists to a request without a
  // session (every page and action checks the administrator flag again in
  // the database, and answers anyone else 404 as well).
  if (!hasSession && isUnder(pathname, "/admin")) return notFound();
  if (!hasSession) {
    const next = encodeURIComponent(`${pathname}${search}`);
    return redirectTo(request, `/sign-in?next=${next}`);
  }
  return null;
}

// /app and /invite and everything under them, matched as Next.js matches a
// middleware matcher: against the path as sent and as decoded.
function isGated(pathname: string): boolean {
  const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // Not decodable: only the path as sent can match.
  }
  return [pathname, decoded].some((path) => under(path, "/app") || under(path, "/invite") || under(path, "/admin"));
}

/** The path, as sent or decoded, is `prefix` or under it. */
function isUnder(pathname: string, prefix: string): boolean {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // Not decodable: only the path as sent can match.
  }
  return [pathname, decoded].some((path) => path === prefix || path.startsWith(`${prefix}/`));
}

function notFound() {
  return new NextResponse("Not found.\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

function redirectTo(request: NextRequest, path: string) {
  return NextResponse.redirect(new URL(path, request.url));
}

export const config = {
  // Every path but Next.js's static files, which carry next.config.ts's headers.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
  // Node.js rather than the edge runtime: TRUSTED_PROXIES and AUTH_URL are read when the request arrives.
  runtime: "nodejs",
};
