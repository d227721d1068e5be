// What client components bundle never reaches server-only code. Starting
// from every "use client" file, it follows the imports the bundler follows —
// static, re-exports and dynamic import() alike, but not `import type` — and
// stops at "use server" modules (the bundler replaces those with references).
// A module that imports "server-only" on the way is a build error in
// `next build`; this finds it in a second, and names the chain. (The roles
// matrix brings every module's definition to the client: a definition that
// named its server code, even lazily, would be caught here.)
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(import.meta.dirname, "../..");
const SOURCES = ["app", "components", "lib"];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" || e.name === "node_modules" ? [] : files(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const directive = (text: string, name: string) => new RegExp(`^(?:\\s*//[^\\n]*\\n|\\s*/\\*[\\s\\S]*?\\*/)*\\s*["']${name}["']`).test(text);

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? path.join(ROOT, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null; // a package: not the project's code
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (existsSync(candidate) && /\.tsx?$/.test(candidate)) return candidate;
  }
  return null;
}

/** The modules a file makes the bundler load: static imports and re-exports (not type-only) and import() calls. */
function importsOf(file: string, text: string): string[] {
  const specs = [
    ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!),
  ];
  return specs.map((s) => resolve(file, s)).filter((f): f is string => f !== null);
}

describe("client bundles", () => {
  it("reach no module that imports server-only from any \"use client\" file", () => {
    const entries = SOURCES.flatMap((d) => files(path.join(ROOT, d))).filter((f) => directive(readFileSync(f, "utf8"), "use client"));
    expect(entries.length).toBeGreaterThan(10);
    const via = new Map<string, string | null>(entries.map((e) => [e, null]));
    const queue = [...entries];
    const leaks: string[] = [];
    while (queue.length) {
      const file = queue.shift()!;
      const text = readFileSync(file, "utf8");
      if (via.get(file) !== null && directive(text, "use server")) continue;
      if (/^\s*import\s+["']server-only["']/m.test(text)) {
        const chain: string[] = [];
        for (let f: string | null | undefined = file; f; f = via.get(f)) chain.unshift(path.relative(ROOT, f));
        leaks.push(chain.join(" → "));
        continue;
      }
      for (const next of importsOf(file, text)) {
        if (!via.has(next)) {
          via.set(next, file);
          queue.push(next);
        }
      }
    }
    // The walk reaches the roles matrix and, through it, every module's definition.
    expect([...via.keys()].map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(["lib/registry/index.ts", "lib/projects/definition.ts"]));
    expect(leaks).toEqual([]);
  });

  it("would see a definition that names its server code lazily (the check's own control)", () => {
    const text = 'export const m = { api: () => import("@/lib/projects/api") };';
    expect(importsOf(path.join(ROOT, "lib/projects/definition.ts"), text)).toEqual([path.join(ROOT, "lib/projects/api.ts")]);
    expect(readFileSync(path.join(ROOT, "lib/projects/api.ts"), "utf8")).toMatch(/^import "server-only";/);
  });
});
