// The project's tsconfig.json and the builds beside `.next`: `next build`
// into a directory of its own (NEXT_DIST_DIR: the browser suite's
// .next-e2e, the benchmarks' .next-bench-pages and .next-bench) adds that
// directory's generated route types to `include`. Those files describe the
// pages as they were at that build: left in, a page removed since fails every
// later typecheck — the browser suite's build included — until that build is
// redone. So each such directory is also in `exclude`, which takes its files
// out of what `include` matched.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const config = JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "tsconfig.json"), "utf8")) as { include: string[]; exclude: string[] };

describe("tsconfig.json", () => {
  it("leaves out every build directory but .next, whatever types Next.js added to include for it", () => {
    const builds = [".next-e2e", ".next-bench-pages", ".next-bench"];
    const included = config.include.map((pattern) => pattern.split("/")[0]!).filter((dir) => dir.startsWith(".next-"));
    for (const dir of new Set([...builds, ...included])) expect(config.exclude, `${dir} is not excluded`).toContain(dir);
  });
});
