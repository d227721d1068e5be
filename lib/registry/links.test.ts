import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NAV_ENTRIES, PERMISSION_DEFINITIONS, PERMISSIONS } from "@/lib/registry";

// The dashboard lists a permission only with a page where it is done, and the
// sidebar links every module's registered page: each such link must name a
// page the app has.
const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Every static page route under app/, as its URL path (route groups left out). */
function pageRoutes(dir = path.join(ROOT, "app"), prefix = ""): string[] {
  const routes: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "page.tsx") routes.push(prefix || "/");
    if (!entry.isDirectory()) continue;
    const group = /^\(.*\)$/.test(entry.name);
    routes.push(...pageRoutes(path.join(dir, entry.name), group ? prefix : `${prefix}/${entry.name}`));
  }
  return routes;
}

describe("links the registry declares", () => {
  const routes = new Set(pageRoutes());

  it("finds the app's pages", () => {
    expect(routes).toContain("/app/dashboard");
    expect(routes).toContain("/app/settings/general");
  });

  it("points every permission's href at a page of the app", () => {
    for (const permission of PERMISSIONS) {
      const href = PERMISSION_DEFINITIONS[permission].href;
      if (href) expect(routes, `${permission} → ${href}`).toContain(href.split(/[?#]/)[0]);
    }
  });

  it("gives every permission a page where it is used, so the dashboard lists them all", () => {
    expect(PERMISSIONS.filter((p) => !PERMISSION_DEFINITIONS[p].href)).toEqual([]);
  });

  it("points every sidebar entry at a page of the app", () => {
    expect(NAV_ENTRIES.length).toBeGreaterThan(0);
    for (const entry of NAV_ENTRIES) expect(routes, entry.label).toContain(entry.href);
  });
});
