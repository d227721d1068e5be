// The app's words for its pages are the sidebar's: Members, General, API keys,
// Audit log… There is no "Settings" in it, so no text may send anyone to
// "Settings → General" or a workspace's "settings": the page is General (or
// Members, for inviting). Checked over everything a person or an API client
// reads: the pages and components, the emails, the library's messages and the
// API's documents, and the README.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(import.meta.dirname, "..");
const SCANNED = ["app", "components", "emails", "lib", "README.md"];
const SKIPPED_DIRS = new Set(["generated", "node_modules"]);

function files(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (statSync(full).isFile()) return [relative];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : files(path.join(relative, entry.name));
    return /\.(tsx?|mjs|md)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path.join(relative, entry.name)] : [];
  });
}

const WRONG = [/Settings\s*(→|->|&rarr;)/, /\bfrom its settings\b/i, /\bin (the )?settings\b/i];

describe("the app's words for its pages", () => {
  it("name the sidebar's pages (General, Members, API keys), never a Settings that is not in it", () => {
    const found: string[] = [];
    for (const file of SCANNED.flatMap(files)) {
      readFileSync(path.join(ROOT, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (WRONG.some((pattern) => pattern.test(line))) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
        });
    }
    expect(found).toEqual([]);
  });
});
