// The security headers every response carries. The fixed ones come from
// next.config.ts, so static files get them too; the Content-Security-Policy
// (a fresh script nonce per request) and HSTS (only over https) are set by
// middleware.ts through request-security.ts, on every path but Next.js's
// static files. This module imports nothing, so next.config.ts can load it.
//
// Why a nonce and not `script-src 'self'`: the App Router streams its
// payload to the browser in inline <script> tags (self.__next_f.push), so a
// policy without 'unsafe-inline' or a nonce stops every page from hydrating.
// Next.js puts the nonce it finds in the request's Content-Security-Policy
// header on its own scripts, but only while rendering, so every page must be
// rendered per request (app/layout.tsx makes them dynamic).

export interface HeaderEntry {
  key: string;
  value: string;
}

/** Headers that never vary with the request or the environment: next.config.ts sends them on every path. */
export const STATIC_SECURITY_HEADERS: readonly HeaderEntry[] = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** Two years, subdomains included: sent only on responses to https requests. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/** 128 random bits, base64: a nonce-source Next.js accepts. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export interface PolicyOptions {
  nonce: string;
  /** `next dev`: React's development build evaluates code for its debugging aids. */
  development: boolean;
  /** Served over https: ask the browser to upgrade any http subresource. */
  https: boolean;
  /** Origins a form may post to besides this one (an OAuth provider's sign-in page). */
  formActionOrigins?: readonly string[];
}

export function contentSecurityPolicy({ nonce, development, https, formActionOrigins = [] }: PolicyOptions): string {
  const directives: Array<[string, ...string[]]> = [
    ["default-src", "'self'"],
    // 'strict-dynamic': the scripts Next.js's nonced bootstrap loads may run; nothing else.
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    // React writes style attributes, which a nonce cannot cover; styles cannot run code.
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'", "data:"],
    ["connect-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["form-action", "'self'", ...formActionOrigins],
    ["frame-ancestors", "'none'"],
  ];
  if (https) directives.push(["upgrade-insecure-requests"]);
  return directives.map((parts) => parts.join(" ")).join("; ");
}

/**
 * The policy of what the app serves as an image (a workspace's logo): no
 * script, style or anything else in it may run or load, should a browser
 * ever be persuaded to render it as a document.
 */
export const IMAGE_CONTENT_SECURITY_POLICY = "default-src 'none'";

/** Paths whose responses are images: they carry IMAGE_CONTENT_SECURITY_POLICY instead of the pages' policy. */
export function servesImage(pathname: string): boolean {
  return pathname.startsWith("/app/logo/");
}
