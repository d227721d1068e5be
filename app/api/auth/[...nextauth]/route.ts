import { refuseEmailSignIn } from "@/lib/http/rate-limited";
import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth";
import { badCallbackUrl } from "@/lib/auth-redirect";

// A callbackUrl that is not a URL is the client's mistake, answered 400
// before Auth.js, which would call it a server misconfiguration (a 500).
function guarded(handler: (request: NextRequest) => Promise<Response>) {
  return (request: NextRequest) => {
    const bad = badCallbackUrl(request.nextUrl, request.cookies);
    if (bad) return new Response(`${bad}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
    return handler(request);
  };
}

export const GET = guarded(handlers.GET);
// Sign-in links are rate limited here too: this route sends them without the form.
export const POST = guarded(async (request) => (await refuseEmailSignIn(request)) ?? handlers.POST(request));
