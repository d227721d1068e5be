// The gate in front of /app and /invite: what it redirects, and that it can
// do so without any database I/O (its module graph never reaches lib/db).
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { middleware } from "./middleware";
import { randomBytes } from "node:crypto";

const ROOT = import.meta.dirname;
const request = (url: string, cookie?: string) =>
  new NextRequest(new URL(url, "http://localhost:3000"), cookie ? { headers: { cookie } } : undefined);
const location = (response: Response) => {
  const to = response.headers.get("location");
  return to ? to.replace("http://localhost:3000", "") : null;
};

describe("middleware.ts", () => {
  it("rejects invitation links of the wrong shape before anything else", () => {
    const good = randomBytes(32).toString("base64url");
    for (const bad of ["", "short", good.slice(0, 42), `${good}A`, `${good.slice(0, 42)}B`, `${good.slice(0, 40)}%2F%2F`, `${good.slice(0, 42)}=`]) {
      expect(location(middleware(request(`/invite/${bad}`))), bad).toBe("/sign-in?invite=invalid");
    }
    // A well-formed token passes through (signed in or not) to the page, which looks it up.
    expect(location(middleware(request(`/invite/${good}`)))).toBeNull();
  });

  it("sends a visitor without a session cookie to sign-in, keeping where they were going", () => {
    expect(location(middleware(request("/app/audit?action=member.invite&q=a%20b")))).toBe(
      `/sign-in?next=${encodeURIComponent("/app/audit?action=member.invite&q=a%20b")}`,
    );
    expect(location(middleware(request("/app/dashboard", "authjs.session-token=anything")))).toBeNull();
    expect(location(middleware(request("/app/dashboard", "__Secure-authjs.session-token=anything")))).toBeNull();
  });

  it("gives the logo route an image's policy, where pages get theirs", () => {
    const cookie = "authjs.session-token=anything";
    const logo = middleware(request("/app/logo/5f0c8a52-7d4e-4a43-9d64-0d3b2b8f6c11?v=0123456789abcdef", cookie));
    expect(logo.headers.get("content-security-policy")).toBe("default-src 'none'");
    expect(middleware(request("/app/settings/general", cookie)).headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-/);
  });

  it("gates /app and /invite only, however the path is spelled", () => {
    expect(location(middleware(request("/%61pp/dashboard")))).toBe(`/sign-in?next=${encodeURIComponent("/%61pp/dashboard")}`);
    expect(location(middleware(request("/app")))).toBe(`/sign-in?next=${encodeURIComponent("/app")}`);
    expect(location(middleware(request("/invite")))).toBe(`/sign-in?next=${encodeURIComponent("/invite")}`);
    for (const open of ["/sign-in", "/api/health", "/application", "/", "/%E0%A4%A"]) {
      expect(location(middleware(request(open))), open).toBeNull();
    }
  });

  it("answers /admin without a session cookie 404, however spelled, without a redirect that would say it exists", () => {
    for (const path of ["/admin", "/admin/workspaces/x", "/%61dmin", "/admin/plans?x=1"]) {
      const response = middleware(request(path));
      expect(response.status, path).toBe(404);
      expect(location(response), path).toBeNull();
    }
    // With a session cookie it passes to the page, which checks the flag in the database.
    expect(middleware(request("/admin", "authjs.session-token=abc")).status).toBe(200);
    expect(middleware(request("/administrator")).status).toBe(200);
  });

  it("answers a server-action POST from another origin with 403 (Next.js would throw, a 500), and lets the page's own through", () => {
    const post = (origin: string) =>
      middleware(
        new NextRequest(new URL("/app/settings", "http://localhost:3000"), {
          method: "POST",
          headers: { host: "localhost:3000", origin, "next-action": "7f00", cookie: "authjs.session-token=anything" },
          body: "[]",
        }),
      );
    const foreign = post("https://evil.example");
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(post("not a url").status).toBe(403);
    const own = post("http://localhost:3000");
    expect(own.status).toBe(200);
    expect(own.headers.get("x-middleware-next")).toBe("1");
  });

  describe("security headers", () => {
    afterEach(() => vi.unstubAllEnvs());
    const policyOf = (response: Response) => response.headers.get("content-security-policy");

    it("gives every response, redirect or not, a policy with a fresh nonce, and hands the page renderer the same one", () => {
      const page = middleware(request("/sign-in"));
      const policy = policyOf(page);
      expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      // How NextResponse.next({ request: { headers } }) passes request headers on.
      expect(page.headers.get("x-middleware-override-headers")?.split(",")).toContain("content-security-policy");
      expect(page.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
      expect(policyOf(middleware(request("/sign-in")))).not.toBe(policy);

      const redirect = middleware(request("/app/dashboard"));
      expect(location(redirect)).toMatch(/^\/sign-in/);
      expect(policyOf(redirect)).toMatch(/frame-ancestors 'none'/);
    });

    it("adds HSTS only when the public URL is https", () => {
      vi.stubEnv("AUTH_URL", "http://localhost:3000");
      expect(middleware(request("/sign-in")).headers.get("strict-transport-security")).toBeNull();
      vi.stubEnv("AUTH_URL", "https://tenantry.example");
      expect(middleware(request("/sign-in")).headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
      expect(middleware(request("/app/dashboard")).headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    });
  });

  it("imports nothing that reaches the database", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const [, spec] of source.matchAll(/(?:import|export)[^"']*from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
        if (!spec) continue;
        const base = spec.startsWith("@/") ? path.join(ROOT, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : null;
        if (!base) continue;
        const resolved = [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find(existsSync);
        if (resolved) visit(resolved);
      }
    };
    visit(path.join(ROOT, "middleware.ts"));
    const local = [...seen].map((f) => path.relative(ROOT, f));
    expect(local).toContain("lib/invite-token.ts");
    expect(local.filter((f) => f.startsWith("lib/db") || f.startsWith("lib/generated") || f.startsWith("lib/tenancy"))).toEqual([]);
  });
});
