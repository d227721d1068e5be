// The gate in front of the app. It performs no database I/O: it refuses a
// server-action POST from another origin with 403 (lib/http/action-origin.ts)
// and one larger than Next.js reads with 413 (lib/http/action-body.ts),
// sends a request without a session cookie to sign in (the session itself
// is verified on the server by getTenantContext) and rejects malformed
// invitation links outright.
//
// It runs only for requests it may act on (the matcher below): Next.js
// wraps every request a middleware sees in a web Request and Response, which
// costs more CPU than a small page's render, so a signed-in page view or API
// call never enters it. The security headers every response carries are set
// by server.mjs (lib/http/edge.mjs).
import { NextResponse, type NextRequest } from "next/server";
import { oversizedAction } from "@/lib/http/action-body";
import { crossOriginAction } from "@/lib/http/action-origin";
import { isInviteTokenShape } from "@/lib/invite-token";
import { SESSION_COOKIES } from "@/lib/session-cookie";

export function middleware(request: NextRequest) {
  return refuseCrossOrigin(request) ?? refuseOversized(request) ?? gate(request) ?? NextResponse.next();
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

// Each entry is one case the middleware acts on; a request that matches none
// never enters it. Next.js reads this object without running the module, so
// it is written out literally, the cookie names too (lib/session-cookie.ts;
// middleware.test.ts compares). A cookie that is present but empty counts as
// missing, as in gate().
export const config = {
  matcher: [
    // What may be a server action (see lib/http/action-origin.ts): refused when cross-origin or too large.
    // Every path: Next.js renders pages at paths such as /favicon.ico/../app/settings too.
    { source: "/:path*", has: [{ type: "header", key: "next-action" }] },
    { source: "/:path*", has: [{ type: "header", key: "content-type", value: "multipart/form-data.*" }] },
    // Invitation links, whose shape is checked.
    { source: "/invite/:path*" },
    // The signed-in areas without a session cookie: to sign in (for /admin, nothing there).
    {
      source: "/app/:path*",
      missing: [
        { type: "cookie", key: "__Secure-authjs.session-token" },
        { type: "cookie", key: "authjs.session-token" },
      ],
    },
    {
      source: "/admin/:path*",
      missing: [
        { type: "cookie", key: "__Secure-authjs.session-token" },
        { type: "cookie", key: "authjs.session-token" },
      ],
    },
  ],
  runtime: "nodejs",
};
