// Types of edge.mjs (server.mjs loads it without a build step).

export interface HeaderSource {
  get(name: string): string | null;
}

/** Whether the address at `hop` (0 = the socket, 1 = the right-most X-Forwarded-For entry, …) is a trusted proxy. */
export type TrustProxy = (address: string, hop: number) => boolean;

export interface PolicyOptions {
  nonce: string;
  /** `next dev`: React's development build evaluates code for its debugging aids. */
  development: boolean;
  /** Served over https: ask the browser to upgrade any http subresource. */
  https: boolean;
  /** Origins a form may post to besides this one (an OAuth provider's sign-in page). */
  formActionOrigins?: readonly string[];
}

export interface EdgeSecurityHeaders {
  /** Request headers to set before Next.js sees the request (null: remove it). */
  request: Record<string, string | null>;
  /** Response headers. */
  response: Record<string, string>;
}

export const SOCKET_ADDRESS_HEADER: "x-tenantry-socket-address";
export const REQUEST_PATH_HEADER: "x-tenantry-request-path";
export function requestPath(url?: string): string;
export const STRICT_TRANSPORT_SECURITY: string;
export const IMAGE_CONTENT_SECURITY_POLICY: string;
export function servesImage(pathname: string): boolean;
export function createNonce(): string;
export function contentSecurityPolicy(options: PolicyOptions): string;
export function oauthFormActionOrigins(env: Record<string, string | undefined>): string[];
export function parseTrustedProxies(value: string | undefined): TrustProxy;
export function trustedProxies(source: string | undefined): TrustProxy;
export function isHttpsRequest(headers: HeaderSource, env?: Record<string, string | undefined>): boolean;
export function edgeSecurityHeaders(
  pathname: string,
  headers: HeaderSource,
  env?: Record<string, string | undefined>,
  nonce?: string,
): EdgeSecurityHeaders;
