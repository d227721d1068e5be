// The server the browser suite runs against: a fresh `tenantry_e2e` database,
// a mail catcher, and a production build of the app (`next build` into
// .next-e2e, then server.mjs: Next.js told the socket's address). Playwright
// starts it and stops it with SIGTERM; everything it started is stopped with
// it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { dropDatabase, exitOnEmbeddedPostgresFailure } from "./db/postgres";
import { setDefaultPlan } from "./db/prepare";
import { DATA_DIR, ROOT, startServices } from "./services";

export const E2E_RUNTIME_FILE = path.join(DATA_DIR, "e2e-runtime.json");
const port = Number(process.env.E2E_PORT || 3100);
const DATABASE = "tenantry_e2e";

// A throwaway embedded cluster when DATABASE_URL is unset (non-persistent:
// whatever a killed earlier run left there is wiped first).
const services = await startServices({
  port,
  postgresCluster: "e2e-postgres",
  persistent: false,
  database: DATABASE,
  recreate: true,
  mailPorts: {},
}).catch(exitOnEmbeddedPostgresFailure);
if (!services.mail) throw new Error("The browser suite reads emails from the mail catcher: unset RESEND_API_KEY and SMTP_URL.");
// Workspaces start unlimited in the browser suite (see setDefaultPlan).
await setDefaultPlan(services.env.DATABASE_URL!, "enterprise");
await mkdir(DATA_DIR, { recursive: true });
await writeFile(
  E2E_RUNTIME_FILE,
  JSON.stringify({
    ownerDatabaseUrl: services.env.DATABASE_URL,
    mailApiUrl: services.mail.webUrl,
    // For specs that run a background job themselves (the transfer's emails).
    smtpUrl: services.env.SMTP_URL,
    baseUrl: `http://localhost:${port}`,
  }),
);

// Types are checked by the suites already (see next.config.ts).
// Every browser of the suite comes from this one machine, so the limits per
// client address (lib/rate-limit.ts) would refuse a test for what the tests
// before it asked: raised here, as an operator would for an office behind one
// address. The limits themselves are tested in lib/rate-limit.test.ts.
const env = {
  ...process.env,
  ...services.env,
  NEXT_DIST_DIR: ".next-e2e",
  NEXT_BUILD_SKIP_TYPECHECK: "1",
  SIGN_IN_LINK_LIMIT_PER_IP: "1000",
  INVITE_TOKEN_MISS_LIMIT_PER_IP: "1000",
};
const nextBin = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
let child: ChildProcess | null = null;

async function shutdown(code: number) {
  child?.kill("SIGTERM");
  if (!services.postgres.embedded) await dropDatabase(services.env.DATABASE_URL!, DATABASE).catch(() => {});
  await services.stop();
  process.exit(code);
}
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));

function run(args: string[], script = nextBin): Promise<number> {
  return new Promise((resolve) => {
    const started = spawn(process.execPath, [script, ...args], { cwd: ROOT, env, stdio: "inherit" });
    child = started;
    started.on("exit", (code) => resolve(code ?? 1));
  });
}

if (process.env.E2E_SKIP_BUILD !== "1") {
  const built = await run(["build"]);
  if (built !== 0) await shutdown(built);
}
const exitCode = await run(["-p", String(port)], path.join(ROOT, "server.mjs"));
await shutdown(exitCode);
