// The gate in front of /app and /invite: what it redirects, and that it can
// do so without any database I/O (its module graph never reaches lib/db).
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
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
