// The Content-Security-Policy and HSTS each response gets, and the policy the
// page renderer is handed for its nonce.
import { describe, expect, it } from "vitest";
import { SOCKET_ADDRESS_HEADER } from "./client-address";
import { requestSecurity } from "./request-security";
import { STATIC_SECURITY_HEADERS, STRICT_TRANSPORT_SECURITY, contentSecurityPolicy, createNonce } from "./security-headers";

const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("contentSecurityPolicy", () => {
  it("allows only this origin's and the nonce's scripts in production, and no framing", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc123==", development: false, https: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
  });

  it("adds 'unsafe-eval' only in development, the https upgrade only over https, and OAuth form targets when given", () => {
    expect(directives(contentSecurityPolicy({ nonce: "n", development: true, https: false })).get("script-src")).toContain("'unsafe-eval'");
    expect(directives(contentSecurityPolicy({ nonce: "n", development: false, https: true })).has("upgrade-insecure-requests")).toBe(true);
    expect(
      directives(contentSecurityPolicy({ nonce: "n", development: false, https: false, formActionOrigins: ["https://github.com"] })).get("form-action"),
    ).toEqual(["'self'", "https://github.com"]);
  });
});

describe("createNonce", () => {
  it("is 128 random bits in base64, different every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("requestSecurity", () => {
  it("hands the page renderer the same policy the browser gets, replacing any the client sent", () => {
    const headers = new Headers({
      "content-security-policy": "script-src 'nonce-chosen-by-client'",
      "content-security-policy-report-only": "script-src 'nonce-also-chosen'",
      cookie: "a=b",
    });
    const security = requestSecurity(headers, { NODE_ENV: "production" }, "fresh+nonce/==");
    expect(security.responseHeaders["Content-Security-Policy"]).toContain("'nonce-fresh+nonce/=='");
    expect(security.forwardedHeaders.get("content-security-policy")).toBe(security.responseHeaders["Content-Security-Policy"]);
    expect(security.forwardedHeaders.has("content-security-policy-report-only")).toBe(false);
    expect(security.forwardedHeaders.get("cookie")).toBe("a=b");
  });

  it("sends HSTS only over https", () => {
    expect(requestSecurity(new Headers(), { AUTH_URL: "http://localhost:3000" }).responseHeaders).not.toHaveProperty("Strict-Transport-Security");
    expect(requestSecurity(new Headers(), { AUTH_URL: "https://tenantry.example" }).responseHeaders["Strict-Transport-Security"]).toBe(STRICT_TRANSPORT_SECURITY);
    const proxied = new Headers({ [SOCKET_ADDRESS_HEADER]: "10.0.0.2", "x-forwarded-proto": "https" });
    expect(requestSecurity(proxied, {}).responseHeaders).not.toHaveProperty("Strict-Transport-Security");
    expect(requestSecurity(proxied, { TRUSTED_PROXIES: "10.0.0.0/8" }).responseHeaders["Strict-Transport-Security"]).toBe(STRICT_TRANSPORT_SECURITY);
  });

  it("lets the sign-in form reach GitHub only when GitHub sign-in is configured", () => {
    const formAction = (env: Record<string, string>) => directives(requestSecurity(new Headers(), env).responseHeaders["Content-Security-Policy"]!).get("form-action");
    expect(formAction({})).toEqual(["'self'"]);
    expect(formAction({ AUTH_GITHUB_ID: "id" })).toEqual(["'self'"]);
    expect(formAction({ AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "secret" })).toEqual(["'self'", "https://github.com"]);
  });
});

describe("STATIC_SECURITY_HEADERS", () => {
  it("forbids framing and sniffing, trims referrers and turns off powerful features", () => {
    expect(Object.fromEntries(STATIC_SECURITY_HEADERS.map((h) => [h.key, h.value]))).toEqual({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    });
  });
});
