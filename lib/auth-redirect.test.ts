import { describe, expect, it } from "vitest";
import { authRedirect, badCallbackUrl } from "./auth-redirect";

const cookies = (jar: Record<string, string> = {}) => ({ get: (name: string) => (name in jar ? { value: jar[name]! } : undefined) });
const BASE = "http://localhost:3000";

describe("badCallbackUrl", () => {
  it.each(["/app/dashboard", "/app/日本", "http://localhost:3000/app", "https://elsewhere.example/", "//x"])("lets %j through to Auth.js", (value) => {
    expect(badCallbackUrl(new URL(`${BASE}/api/auth/session?callbackUrl=${encodeURIComponent(value)}`), cookies())).toBeNull();
  });

  it.each(["a\u0000b", "x".repeat(300), "__proto__", "0000-01-01", "javascript:alert(1)", "ftp://x.example/"])(
    "refuses the parameter %j, which Auth.js would answer with a 500",
    (value) => {
      expect(badCallbackUrl(new URL(`${BASE}/api/auth/session?callbackUrl=${encodeURIComponent(value)}`), cookies())).toMatch(/callbackUrl/);
    },
  );

  it("refuses a callback-url cookie that is not a URL, under either name", () => {
    const url = new URL(`${BASE}/api/auth/session`);
    expect(badCallbackUrl(url, cookies({ "authjs.callback-url": "nope" }))).toMatch(/cookie/);
    expect(badCallbackUrl(url, cookies({ "__Secure-authjs.callback-url": "nope" }))).toMatch(/cookie/);
    expect(badCallbackUrl(url, cookies({ "authjs.callback-url": "http://localhost:3000/app" }))).toBeNull();
    expect(badCallbackUrl(url, cookies())).toBeNull();
  });
});

describe("authRedirect", () => {
  it("keeps a path or a URL of this site, and sends anything else to the root without throwing", () => {
    expect(authRedirect({ url: "/app/audit", baseUrl: BASE })).toBe(`${BASE}/app/audit`);
    expect(authRedirect({ url: `${BASE}/app`, baseUrl: BASE })).toBe(`${BASE}/app`);
    for (const url of ["https://evil.example/", "not a url", "a\u0000b", "__proto__", ""]) expect(authRedirect({ url, baseUrl: BASE }), url).toBe(BASE);
  });
});
