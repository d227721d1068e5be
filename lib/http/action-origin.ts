// Cross-site request forgery against server actions. Next.js refuses a
// server-action POST whose Origin names another host than the request's —
// but by throwing, which it answers with a 500 (and an Origin that is not a
// URL makes its own check throw). middleware.ts asks this first and answers
// 403 instead. The rule mirrors Next.js's (app-render/action-handler.js,
// Next.js 16): a POST carrying a Next-Action header or a multipart/form-data
// body may be an action; its Origin's host must equal the first
// X-Forwarded-Host value, or the Host header when there is none; "null" is
// no host; a request without Origin (not from a browser, which always sends
// one on a POST) is left to Next.js, which lets it through. This app sets no
// `serverActions.allowedOrigins`; one that does must admit the same here.
// Pure: no I/O, as middleware.ts requires.

/** Why a request is refused as a cross-origin server action, or null to let it through. */
export function crossOriginAction(method: string, headers: Headers): string | null {
  if (method !== "POST") return null;
  const mayBeAction = headers.has("next-action") || (headers.get("content-type") ?? "").startsWith("multipart/form-data");
  if (!mayBeAction) return null;
  const origin = headers.get("origin");
  if (origin === null) return null;
  const originHost = origin === "null" ? "null" : hostOf(origin);
  if (originHost === null) return "The request's Origin is not a URL.";
  const forwardedHost = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  const host = forwardedHost || headers.get("host");
  if (!host) return "The request names no host to compare its Origin with.";
  return originHost === host ? null : "A form on another site cannot act here.";
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
