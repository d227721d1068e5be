import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^server-only$/, replacement: path.resolve(import.meta.dirname, "test/empty-module.ts") },
      { find: /^@\//, replacement: `${path.resolve(import.meta.dirname)}/` },
    ],
  },
  test: {
    include: ["{lib,app,prisma,scripts,emails,components}/**/*.test.{ts,tsx}", "middleware.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    environment: "node",
    pool: "forks",
    // Files run in parallel (two at a time on two cores, where Vitest's
    // default would be one), each worker on its own database: see
    // test/global-setup.ts and test/worker-database.ts.
    maxWorkers: Math.min(4, Math.max(2, availableParallelism() - 1)),
    setupFiles: ["./test/worker-database.ts"],
    // next-auth imports "next/server" without an extension, which Node's ESM
    // resolver refuses; let Vite resolve it instead.
    server: { deps: { inline: ["next-auth"] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
