// The per-request half of the security headers (security-headers.ts has the
// fixed half): what middleware.ts adds to each response and passes on to
// the page it renders.
import { isHttpsRequest } from "./client-address";
import { STRICT_TRANSPORT_SECURITY, contentSecurityPolicy, createNonce } from "./security-headers";

export interface RequestSecurity {
  nonce: string;
  /** Response headers: the policy, and HSTS over https. */
  responseHeaders: Record<string, string>;
  /**
   * The request's headers with the policy added: Next.js takes the nonce for
   * its scripts from the request's Content-Security-Policy header. A client's
   * own value of that header is replaced.
   */
  forwardedHeaders: Headers;
}

/** Origins of the OAuth providers' sign-in pages a sign-in form may be redirected to (lib/auth.ts enables GitHub on the same condition). */
export function oauthFormActionOrigins(env: Record<string, string | undefined>): string[] {
  return env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET ? ["https://github.com"] : [];
}

export function requestSecurity(
  headers: Headers,
  env: Record<string, string | undefined> = process.env,
  nonce: string = createNonce(),
): RequestSecurity {
  const https = isHttpsRequest(headers, env);
  const policy = contentSecurityPolicy({
    nonce,
    development: env.NODE_ENV === "development",
    https,
    formActionOrigins: oauthFormActionOrigins(env),
  });
  const forwardedHeaders = new Headers(headers);
  forwardedHeaders.delete("content-security-policy-report-only");
  forwardedHeaders.set("content-security-policy", policy);
  const responseHeaders: Record<string, string> = { "Content-Security-Policy": policy };
  if (https) responseHeaders["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY;
  return { nonce, responseHeaders, forwardedHeaders };
}
