// The HTTP edge: what server.mjs does to every request before Next.js sees
// it, in plain JavaScript because server.mjs runs without a build step (types
// in edge.d.mts). Four things, all without I/O:
//
// - the TCP peer's address, written into SOCKET_ADDRESS_HEADER (a client's
//   own value of that header is replaced; lib/http/client-address.ts);
// - the request's path and query, written into REQUEST_PATH_HEADER: Next.js
//   tells a page nothing of its own URL, and a page that sends its visitor to
//   sign in asks to come back there (lib/tenancy/guards.ts);
// - the Content-Security-Policy with a fresh script nonce, on the response
//   and on the request: Next.js takes the nonce for its scripts from the
//   request's Content-Security-Policy header while it renders;
// - HSTS, on responses to https requests.
//
// Why here and not in middleware.ts: Next.js runs a middleware by building a
// web Request and Response around the Node.js ones, which costs more than a
// small page's whole render (about 2 ms of CPU per request here; README,
// Performance). middleware.ts now runs only where it
// can refuse or redirect something (see its matcher); every response gets
// its headers here.
//
// Why a nonce and not `script-src 'self'`: the App Router streams its
// payload to the browser in inline <script> tags (self.__next_f.push), so a
// policy without 'unsafe-inline' or a nonce stops every page from hydrating.
// Next.js puts the nonce on its own scripts only while rendering, so every
// page is rendered per request (app/layout.tsx makes them dynamic).
import { randomBytes } from "node:crypto";
import proxyaddr from "proxy-addr";

/** Set by server.mjs to the TCP peer's address; a client's value never survives it. */
export const SOCKET_ADDRESS_HEADER = "x-tenantry-socket-address";

/** Two years, subdomains included: sent only on responses to https requests. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/**
 * The policy of what the app serves as an image (a workspace's logo): no
 * script, style or anything else in it may run or load, should a browser
 * ever be persuaded to render it as a document.
 */
export const IMAGE_CONTENT_SECURITY_POLICY = "default-src 'none'";

/** Paths whose responses are images: they carry IMAGE_CONTENT_SECURITY_POLICY instead of the pages' policy. */
export function servesImage(pathname) {
  return pathname.startsWith("/app/logo/");
}

/** Set by server.mjs to the request's path and query; a client's value never survives it. */
export const REQUEST_PATH_HEADER = "x-tenantry-request-path";

/**
 * The request target as a page sees it: the path and query a browser asked
 * for, without `_rsc` (the cache-busting parameter Next.js's router adds to
 * its requests for a page's payload).
 */
export function requestPath(url = "/") {
  const query = url.indexOf("?");
  if (query === -1) return url;
  const kept = url
    .slice(query + 1)
    .split("&")
    .filter((pair) => pair !== "" && pair.split("=")[0] !== "_rsc");
  return kept.length ? `${url.slice(0, query)}?${kept.join("&")}` : url.slice(0, query);
}

/** 128 random bits, base64: a nonce-source Next.js accepts. */
export function createNonce() {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy({ nonce, development, https, formActionOrigins = [] }) {
  const directives = [
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

/** Origins of the OAuth providers' sign-in pages a sign-in form may be redirected to (lib/auth.ts enables GitHub on the same condition). */
export function oauthFormActionOrigins(env) {
  return env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET ? ["https://github.com"] : [];
}

const trustNothing = () => false;

/**
 * TRUSTED_PROXIES: empty → trust nothing, the socket is the client; a whole
 * number N → the N nearest hops are proxies, whatever their addresses; else
 * a comma-separated list of addresses, CIDR ranges and proxy-addr's names
 * (loopback, linklocal, uniquelocal). A malformed list throws: a deployment
 * that cannot say which proxies it trusts must not guess.
 */
export function parseTrustedProxies(value) {
  const text = value?.trim() ?? "";
  if (text === "") return trustNothing;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  const entries = text.split(",").map((entry) => entry.trim());
  if (entries.some((entry) => entry === "")) throw new Error(`TRUSTED_PROXIES has an empty entry: "${text}"`);
  try {
    return proxyaddr.compile(entries);
  } catch (error) {
    throw new Error(`TRUSTED_PROXIES is not a hop count or a list of addresses and CIDR ranges: ${error.message}`);
  }
}

let compiled;
/** parseTrustedProxies, compiled once per value of TRUSTED_PROXIES. */
export function trustedProxies(source) {
  if (!compiled || compiled.source !== source) compiled = { source, trust: parseTrustedProxies(source) };
  return compiled.trust;
}

/**
 * Whether the visitor reached the app over https: the public URL (AUTH_URL)
 * is https, or the socket is a trusted proxy that says so in
 * X-Forwarded-Proto (its first value, as Express reads it). A client's own
 * X-Forwarded-Proto counts for nothing when it connects directly.
 */
export function isHttpsRequest(headers, env = process.env) {
  if (env.AUTH_URL?.startsWith("https://")) return true;
  const socketAddress = headers.get(SOCKET_ADDRESS_HEADER);
  if (!socketAddress || !trustedProxies(env.TRUSTED_PROXIES)(socketAddress, 0)) return false;
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * The security headers of one request: `request`, what replaces the
 * request's own Content-Security-Policy headers before Next.js renders (the
 * same policy the browser gets, so the nonce on the scripts is the one the
 * browser accepts; null: the report-only header is removed); `response`,
 * what the response carries. Every response gets them, static files too
 * (a browser applies a policy only to documents and workers, and ignores it
 * elsewhere): an exception by path would be a way around it, since Next.js
 * renders a page for paths such as /favicon.ico/../sign-in.
 */
export function edgeSecurityHeaders(pathname, headers, env = process.env, nonce = createNonce()) {
  const https = isHttpsRequest(headers, env);
  const policy = contentSecurityPolicy({ nonce, development: env.NODE_ENV === "development", https, formActionOrigins: oauthFormActionOrigins(env) });
  const response = { "Content-Security-Policy": servesImage(pathname) ? IMAGE_CONTENT_SECURITY_POLICY : policy };
  if (https) response["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY;
  return { request: { "content-security-policy": policy, "content-security-policy-report-only": null }, response };
}
