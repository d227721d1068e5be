// The gate in front of the app. It performs no database I/O: it checks that
// a session cookie is present (the session itself is verified on the server
// by getTenantContext) and rejects malformed invitation links outright.
import { NextResponse, type NextRequest } from "next/server";
import { isInviteTokenShape } from "@/lib/invite-token";

const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function middleware(request: NextRequest) {
  const { pathname, search } = request.nextUrl;

  if (pathname.startsWith("/invite/")) {
    // base64url needs no percent-encoding: anything encoded is not a token.
    const token = pathname.slice("/invite/".length);
    if (!isInviteTokenShape(token)) return redirectTo(request, "/sign-in?invite=invalid");
    return NextResponse.next();
  }

  const hasSession = SESSION_COOKIES.some((name) => request.cookies.get(name)?.value);
  if (!hasSession) {
    const next = encodeURIComponent(`${pathname}${search}`);
    return redirectTo(request, `/sign-in?next=${next}`);
  }
  return NextResponse.next();
}

function redirectTo(request: NextRequest, path: string) {
  return NextResponse.redirect(new URL(path, request.url));
}

export const config = {
  matcher: ["/app/:path*", "/invite/:path*"],
};
