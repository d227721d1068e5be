// The security headers every response carries. The fixed ones come from
// next.config.ts, so static files get them too; the Content-Security-Policy
// (a fresh script nonce per request) and HSTS (only over https) are set by
// server.mjs on every response (edge.mjs, which
// explains why there and not in middleware.ts). This module imports
// nothing, so next.config.ts can load it.

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
