// The gate in front of /app and /invite: what it redirects, which requests
// it is run for at all (its matcher, read as Next.js reads it), and that it
// can do so without any database I/O (its module graph never reaches lib/db).
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import * as staticInfo from "next/dist/build/analysis/get-page-static-info";
import { getMiddlewareRouteMatcher } from "next/dist/shared/lib/router/utils/middleware-route-matcher";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { SESSION_COOKIES } from "@/lib/session-cookie";
import { config, middleware } from "./middleware";
import { randomBytes } from "node:crypto";

// How Next.js turns a middleware's `config.matcher` into the test it runs per request (exported, not typed).
const { getMiddlewareMatchers } = staticInfo as unknown as {
  getMiddlewareMatchers: (matcher: unknown, nextConfig: { basePath: string; i18n: null }) => Parameters<typeof getMiddlewareRouteMatcher>[0];
};

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
    expect(post("not a url").status).toBe(403);
    const own = post("http://localhost:3000");
    expect(own.status).toBe(200);
    expect(own.headers.get("x-middleware-next")).toBe("1");
  });

  describe("runs only where it acts (its matcher, as Next.js reads it)", () => {
    const runs = getMiddlewareRouteMatcher(getMiddlewareMatchers(config.matcher, { basePath: "", i18n: null }));
    const enters = (pathname: string, headers: Record<string, string> = {}) => runs(pathname, { headers } as never, {});
    const session = { cookie: "authjs.session-token=abc" };

    it("not for a signed-in page view, API call or static file: their security headers come from server.mjs", () => {
      for (const pathname of ["/app/dashboard", "/app/settings", "/app/audit", "/admin", "/admin/plans"]) {
        expect(enters(pathname, session), pathname).toBe(false);
        expect(enters(pathname, { cookie: "__Secure-authjs.session-token=abc" }), pathname).toBe(false);
      }
      for (const pathname of ["/sign-in", "/api/health", "/api/v1/me", "/", "/_next/static/chunks/a.js"]) expect(enters(pathname), pathname).toBe(false);
    });

    it("for the signed-in areas without a session cookie (an empty one counts as none)", () => {
      for (const pathname of ["/app", "/app/dashboard", "/app/audit/export", "/admin", "/admin/workspaces/x"]) {
        expect(enters(pathname), pathname).toBe(true);
        expect(enters(pathname, { cookie: "authjs.session-token=" }), pathname).toBe(true);
        expect(enters(pathname, { cookie: "other=1" }), pathname).toBe(true);
      }
      // The names it looks for are the session cookies'.
      const missing = config.matcher.flatMap((m) => ("missing" in m ? (m.missing ?? []).map((c) => c.key) : []));
      expect(new Set(missing)).toEqual(new Set(SESSION_COOKIES));
    });

    it("for invitation links and for anything that may be a server action, signed in or not", () => {
      expect(enters("/invite/abc", session)).toBe(true);
      expect(enters("/app/settings", { ...session, "next-action": "7f00" })).toBe(true);
      expect(enters("/sign-in", { "next-action": "7f00" })).toBe(true);
      expect(enters("/favicon.ico/../app/settings", { "next-action": "7f00" })).toBe(true);
      expect(enters("/app/settings/general", { ...session, "content-type": "multipart/form-data; boundary=x" })).toBe(true);
      expect(enters("/app/settings", { ...session, "content-type": "application/json" })).toBe(false);
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
