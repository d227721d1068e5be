import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT || 3100);

// Debian's Chromium by default: its old headless shell when installed
// (`apt-get install chromium-headless-shell`, what Playwright itself runs
// headless; the suite takes about a third less time in it than in the full
// browser), else the browser (`apt-get install chromium`). Set
// PLAYWRIGHT_CHROMIUM_EXECUTABLE to use another, or have neither to use a
// browser installed by Playwright itself.
const DEBIAN_CHROMIUMS = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || DEBIAN_CHROMIUMS.find((path) => existsSync(path));

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    // A failed test keeps its trace: each action with the page's DOM, the
    // console and the network. Not the screencast, whose frames cost the
    // suite about a fifth of its time on two cores; one screenshot at the
    // failure instead.
    trace: { mode: "retain-on-failure", snapshots: true, screenshots: false },
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "npx tsx scripts/e2e-server.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
