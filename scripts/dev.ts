// `npm run dev`: the whole app on http://localhost:3000 with nothing else
// installed — Postgres (embedded unless DATABASE_URL is set; the banner says
// where it lives), migrations applied, a mail catcher for sign-in and
// invitation emails, the background jobs' worker (lib/jobs), and Next.js in
// development mode behind server.mjs.
import "dotenv/config";
import { spawn } from "node:child_process";
import path from "node:path";
import { startJobsWorker } from "../lib/jobs/worker";
import { exitOnEmbeddedPostgresFailure } from "./db/postgres";
import { ROOT, startServices } from "./services";

const port = Number(process.env.PORT || 3000);

const services = await startServices({
  port,
  postgresCluster: "postgres",
  persistent: true,
  recreate: false,
}).catch(exitOnEmbeddedPostgresFailure);

const shown = (file: string) => (file.startsWith(`${ROOT}${path.sep}`) ? path.relative(ROOT, file) : file);
const { postgres } = services;
const database = postgres.embedded
  ? `embedded Postgres in ${shown(postgres.dataDir!)} (migrated; log ${shown(postgres.logFile!)})${
      postgres.relocated ? "\n                outside the project: the user postgres it runs as cannot enter it" : ""
    }`
  : "DATABASE_URL (migrated)";

console.log(`
  Tenantry is starting
  ─────────────────────
  App           ${services.env.AUTH_URL}
  Mail catcher  ${services.mail ? services.mail.webUrl : process.env.RESEND_API_KEY ? "(sending through Resend)" : `(SMTP ${process.env.SMTP_URL})`}
  Database      ${database}
  Jobs          worker running (purges of deleted workspaces, ownership transfers)
`);

// The worker runs in this process and sends the ownership transfer's emails: it needs the app's environment
// (the mail catcher's SMTP_URL, AUTH_URL for the links) as much as Next.js does.
Object.assign(process.env, services.env);
const worker = await startJobsWorker(services.env.DATABASE_URL!);

const next = spawn(process.execPath, [path.join(ROOT, "server.mjs"), "--dev", "-p", String(port)], {
  cwd: ROOT,
  env: process.env,
  stdio: "inherit",
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await worker.stop().catch(() => {});
  await services.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));
