// Who sent this request: the client address and user agent an audit row
// records, and whether the request reached us over https.
//
// What Next.js 16 does with the address (node_modules/next/dist/server/
// base-server.js, handleRequestImpl, reached by `next start`, `next dev` and
// a custom server alike, before middleware, pages, actions and route
// handlers run):
//
//   req.headers['x-forwarded-for'] ??= originalRequest.socket.remoteAddress
//
// It fills X-Forwarded-For with the socket's address only when the request
// has none, and never appends. A client that sends `X-Forwarded-For:
// 203.0.113.66` is seen by every part of the app as coming from
// 203.0.113.66, and the socket's address is not in any header. Next.js
// exposes the socket to no server component, action, route handler or
// middleware (NextRequest lost `ip` in Next.js 15).
//
// So the socket's address has to be captured before Next.js sees the
// request: server.mjs writes it into SOCKET_ADDRESS_HEADER, overwriting
// anything a client sent under that name. Here the client address is taken
// from that socket address unless TRUSTED_PROXIES says the socket is a
// trusted proxy; then X-Forwarded-For is walked from the right past trusted
// hops, as Express and proxy-addr do, and the first untrusted entry is the
// client. Anything that is not an IP address is recorded as no address.
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";
import { SOCKET_ADDRESS_HEADER, trustedProxies, type HeaderSource, type TrustProxy } from "./edge.mjs";

// The socket header, the proxies' trust and the https test live with the
// rest of what server.mjs does per request (edge.mjs); re-exported for the
// app's code.
export { SOCKET_ADDRESS_HEADER, isHttpsRequest, parseTrustedProxies, type HeaderSource, type TrustProxy } from "./edge.mjs";

/** Longest user agent kept, in characters. */
export const USER_AGENT_MAX_LENGTH = 512;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/**
 * A valid IPv4 or IPv6 address in one canonical spelling (IPv4-mapped IPv6
 * as IPv4, IPv6 per RFC 5952, no zone index), or null. Only the strict
 * forms count: `127.1` and `0x7f.0.0.1` are not addresses here.
 */
export function normalizeAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const zone = value.indexOf("%");
  const bare = zone === -1 ? value : value.slice(0, zone);
  const version = isIP(bare);
  if (version === 0 || (zone !== -1 && version !== 6)) return null;
  const address = ipaddr.process(bare);
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

/**
 * The client's address: the socket's, unless `trust` trusts it, in which case
 * the right-most X-Forwarded-For entry that `trust` does not trust (or the
 * left-most, when every hop is trusted). Null without a socket address —
 * the app was started without server.mjs, so X-Forwarded-For proves nothing —
 * and when the chosen entry is not an IP address.
 */
export function clientAddress(input: { socketAddress: string | null; forwardedFor: string | null; trust: TrustProxy }): string | null {
  if (!input.socketAddress) return null;
  const chosen = proxyaddr(
    { socket: { remoteAddress: input.socketAddress }, headers: { "x-forwarded-for": input.forwardedFor ?? "" } },
    input.trust,
  );
  return normalizeAddress(chosen);
}

/** At most USER_AGENT_MAX_LENGTH UTF-16 units, never half a surrogate pair; empty → null. */
export function capUserAgent(value: string | null | undefined): string | null {
  if (!value) return null;
  const cut = value.slice(0, USER_AGENT_MAX_LENGTH);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The client address and user agent of a request, from its headers (TRUSTED_PROXIES read from `env`). */
export function clientInfoFromHeaders(headers: HeaderSource, env: Record<string, string | undefined> = process.env): ClientInfo {
  return {
    ip: clientAddress({
      socketAddress: headers.get(SOCKET_ADDRESS_HEADER),
      forwardedFor: headers.get("x-forwarded-for"),
      trust: trustedProxies(env.TRUSTED_PROXIES),
    }),
    userAgent: capUserAgent(headers.get("user-agent")),
  };
}
