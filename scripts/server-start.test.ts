// server.mjs's own checks before it serves anything.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

it("refuses to start in production without AUTH_URL, and says what to set", () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  delete env.AUTH_URL;
  const started = spawnSync(process.execPath, ["server.mjs", "-p", "0"], { cwd: ROOT, env, encoding: "utf8", timeout: 20_000 });
  expect(started.status).toBe(1);
  expect(started.stderr).toContain("AUTH_URL is not set: set it to the app's public URL");
});
