// The baseline app (bench/baseline): its database, its build and its server,
// for the page benchmark, which measures it beside the project's pages.
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { withCredentials, withDatabase } from "../scripts/db/postgres";
import { buildNext, log, ROOT, startNextServer, type NextServer } from "./lib";

export const BASELINE_DIR = path.join(ROOT, "bench", "baseline");
const DIST_DIR = ".next-bench-baseline";
const SETUP_SQL = path.join(BASELINE_DIR, "harness", "setup.sql");

// As harness/setup.sql creates them.
const DATABASE = "perfanchor";
const APP_ROLE = "pa_app";
const APP_PASSWORD = "pa_app";

/** One step of setup.sql: a statement, or psql's `\c <database>`. */
type Step = { sql: string } | { connect: string };

/**
 * harness/setup.sql as steps. Comments go; statements end at a semicolon
 * outside a quoted string; `\c` is the one psql command the file may use.
 */
function parseSetup(text: string): Step[] {
  const steps: Step[] = [];
  let statement = "";
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("\\")) {
      const connect = /^\\c(?:onnect)?\s+(\S+)$/.exec(trimmed);
      if (!connect) throw new Error(`${path.relative(ROOT, SETUP_SQL)}: unsupported psql command ${trimmed}`);
      if (statement.trim()) throw new Error(`${path.relative(ROOT, SETUP_SQL)}: a statement is unfinished before ${trimmed}`);
      steps.push({ connect: connect[1]! });
      continue;
    }
    if (trimmed.startsWith("--")) continue;
    let quoted = false;
    for (const char of line) {
      if (char === "'") quoted = !quoted;
      if (char === ";" && !quoted) {
        if (statement.trim()) steps.push({ sql: statement.trim() });
        statement = "";
      } else {
        statement += char;
      }
    }
    statement += "\n";
  }
  if (statement.trim()) throw new Error(`${path.relative(ROOT, SETUP_SQL)}: the last statement has no semicolon`);
  return steps;
}

/**
 * Runs harness/setup.sql's statements on the bench's Postgres server, as
 * `psql -f` would as a superuser: it drops and recreates the `perfanchor`
 * database and the roles pa_owner and pa_app, and seeds 100 tenants × 500
 * rows. A leftover connection to `perfanchor` (a server of an interrupted
 * run) is closed first, which the file's plain DROP DATABASE would fail on.
 * Returns the connection the baseline app uses (as pa_app).
 */
export async function setUpBaselineDatabase(adminUrl: string): Promise<{ appUrl: string; seconds: number }> {
  const started = performance.now();
  const steps = parseSetup(await readFile(SETUP_SQL, "utf8"));
  let client = new pg.Client({ connectionString: withDatabase(adminUrl, "postgres") });
  await client.connect();
  try {
    const su = await client.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!su.rows[0]?.rolsuper) throw new Error("Creating the baseline's database needs a superuser DATABASE_URL (harness/setup.sql creates roles).");
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    for (const step of steps) {
      if ("connect" in step) {
        await client.end();
        client = new pg.Client({ connectionString: withDatabase(adminUrl, step.connect) });
        await client.connect();
      } else {
        await client.query(step.sql);
      }
    }
  } finally {
    await client.end();
  }
  const seconds = (performance.now() - started) / 1000;
  log(`Baseline database ${DATABASE} created from ${path.relative(ROOT, SETUP_SQL)} in ${seconds.toFixed(1)} s.`);
  return { appUrl: withCredentials(withDatabase(adminUrl, DATABASE), APP_ROLE, APP_PASSWORD), seconds };
}

/** `next build` of the baseline into bench/baseline/.next-bench-baseline (reused while no source is newer). */
export function buildBaseline(rebuild: boolean) {
  return buildNext(DIST_DIR, rebuild, {
    dir: BASELINE_DIR,
    // The lockfile pins the next, react and pg it is built with.
    sources: ["app", "lib", "next.config.mjs", "jsconfig.json", "package.json", "../../package-lock.json"],
  });
}

/** `next start` of the baseline, its pg pool as large as the app's, connected as pa_app. */
export function startBaselineServer(options: { appUrl: string; poolSize: number; env: Record<string, string>; ready: (url: string) => Promise<unknown> }): Promise<NextServer> {
  return startNextServer({
    dir: BASELINE_DIR,
    distDir: DIST_DIR,
    env: { DATABASE_URL: options.appUrl, PG_POOL_MAX: String(options.poolSize), ...options.env },
    ready: options.ready,
  });
}
