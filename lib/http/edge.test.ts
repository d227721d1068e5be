// The security headers: the Content-Security-Policy and HSTS server.mjs gives
// each response (edge.mjs), the policy the page renderer is handed for its
// nonce, and the fixed headers next.config.ts sends on every path.
import { describe, expect, it } from "vitest";
import { SOCKET_ADDRESS_HEADER, STRICT_TRANSPORT_SECURITY, contentSecurityPolicy, createNonce, edgeSecurityHeaders, requestPath } from "./edge.mjs";
import { STATIC_SECURITY_HEADERS } from "./security-headers";

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

describe("edgeSecurityHeaders", () => {
  const none = new Headers();

  it("hands the page renderer the same policy the browser gets, replacing any the client sent", () => {
    const security = edgeSecurityHeaders("/sign-in", none, { NODE_ENV: "production" }, "fresh+nonce/==");
    expect(security.response["Content-Security-Policy"]).toContain("'nonce-fresh+nonce/=='");
    // server.mjs sets these on the request: the client's own policy headers are replaced or removed.
    expect(security.request).toEqual({ "content-security-policy": security.response["Content-Security-Policy"], "content-security-policy-report-only": null });
    expect(edgeSecurityHeaders("/sign-in", none).response["Content-Security-Policy"]).not.toBe(edgeSecurityHeaders("/sign-in", none).response["Content-Security-Policy"]);
  });

  it("gives the logo route an image's policy, and every other path the pages' — static files and dot-segment tricks too", () => {
    expect(edgeSecurityHeaders("/app/logo/5f0c8a52-7d4e-4a43-9d64-0d3b2b8f6c11", none, {}).response["Content-Security-Policy"]).toBe("default-src 'none'");
    expect(edgeSecurityHeaders("/app/settings/general", none, {}).response["Content-Security-Policy"]).toMatch(/script-src 'self' 'nonce-/);
    // Next.js renders a page at /favicon.ico/../sign-in: no path is let off.
    for (const path of ["/_next/static/chunks/a.js", "/_next/image", "/favicon.ico", "/favicon.ico/../sign-in", "/_next/static/../sign-in"]) {
      expect(edgeSecurityHeaders(path, none, {}).response["Content-Security-Policy"], path).toMatch(/script-src 'self' 'nonce-/);
    }
  });

  it("sends HSTS only over https", () => {
    const hsts = (headers: Headers, env: Record<string, string>) => edgeSecurityHeaders("/sign-in", headers, env).response["Strict-Transport-Security"];
    expect(hsts(none, { AUTH_URL: "http://localhost:3000" })).toBeUndefined();
    expect(hsts(none, { AUTH_URL: "https://tenantry.example" })).toBe(STRICT_TRANSPORT_SECURITY);
    const proxied = new Headers({ [SOCKET_ADDRESS_HEADER]: "10.0.0.2", "x-forwarded-proto": "https" });
    expect(hsts(proxied, {})).toBeUndefined();
    expect(hsts(proxied, { TRUSTED_PROXIES: "10.0.0.0/8" })).toBe(STRICT_TRANSPORT_SECURITY);
  });

  it("lets the sign-in form reach GitHub only when GitHub sign-in is configured", () => {
    const formAction = (env: Record<string, string>) => directives(edgeSecurityHeaders("/sign-in", none, env).response["Content-Security-Policy"]!).get("form-action");
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

describe("requestPath", () => {
  it("keeps the path and query a browser asked for, without the router's _rsc", () => {
    expect(requestPath("/app/audit")).toBe("/app/audit");
    expect(requestPath("/app/audit?action=member.invited&page=2")).toBe("/app/audit?action=member.invited&page=2");
    expect(requestPath("/app/audit?_rsc=1x2y")).toBe("/app/audit");
    expect(requestPath("/app/audit?page=2&_rsc=1x2y")).toBe("/app/audit?page=2");
    expect(requestPath("/app/audit?_rsc")).toBe("/app/audit");
    expect(requestPath("/app/audit?")).toBe("/app/audit");
    expect(requestPath(undefined)).toBe("/");
  });
});
