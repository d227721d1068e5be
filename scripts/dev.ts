// `npm run dev`: the whole app on http://localhost:3000 with nothing else
// installed — Postgres (embedded under .data/ unless DATABASE_URL is set),
// migrations applied, a mail catcher for sign-in and invitation emails, and
// Next.js in development mode behind server.mjs.
import "dotenv/config";
import { spawn } from "node:child_process";
import path from "node:path";
import { DATA_DIR, ROOT, startServices } from "./services";

const port = Number(process.env.PORT || 3000);

const services = await startServices({
  port,
  postgresDir: path.join(DATA_DIR, "postgres"),
  persistent: true,
  recreate: false,
});

console.log(`
  Tenantry is starting
  ─────────────────────
  App           ${services.env.AUTH_URL}
  Mail catcher  ${services.mail ? services.mail.webUrl : process.env.RESEND_API_KEY ? "(sending through Resend)" : `(SMTP ${process.env.SMTP_URL})`}
  Database      ${services.embeddedPostgres ? "embedded Postgres in .data/postgres" : "DATABASE_URL"} (migrated)
`);

const next = spawn(process.execPath, [path.join(ROOT, "server.mjs"), "--dev", "-p", String(port)], {
  cwd: ROOT,
  env: { ...process.env, ...services.env },
  stdio: "inherit",
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await services.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));
