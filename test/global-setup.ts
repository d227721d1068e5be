// Vitest global setup: a real Postgres (DATABASE_URL's server, or an embedded
// one when it is unset) with a fresh, migrated database for this run, and a
// mail catcher for code that sends email. Each run gets its own cluster
// directory and databases, so two runs on one machine never collide; leftovers
// of runs that were killed are removed. Test files run in parallel, one per
// worker, and each worker has a database of its own (test/worker-database.ts
// picks it): a file that changes what the whole database sees for a moment —
// a trigger on audit_log, the default plan, the jobs queue — does it where no
// other file is running. A failure of the embedded Postgres ends the run with
// its one sentence.
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startMailCatcher } from "../scripts/mail-catcher";
import { dropDatabase, embeddedPostgresLocation, exitOnEmbeddedPostgresFailure, resolvePostgres, withDatabase } from "../scripts/db/postgres";
import { prepareDatabase, setDefaultPlan } from "../scripts/db/prepare";

const PREFIX = "tenantry_test_";
const CLUSTERS = "test-postgres";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Clusters and logs (`<pid>`, `<pid>.log`, `<pid>-<name>`) of runs that are gone. */
async function removeStaleClusters() {
  const clusters = path.join((await embeddedPostgresLocation()).home, CLUSTERS);
  const entries = await readdir(clusters).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = Number(/^\d+/.exec(entry)?.[0]);
    if (!pid || !alive(pid)) await rm(path.join(clusters, entry), { recursive: true, force: true });
  }
}

async function dropStaleDatabases(serverUrl: string) {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${PREFIX}%`]);
    for (const { datname } of rows) {
      const pid = Number(/^\d+/.exec(datname.slice(PREFIX.length))?.[0]);
      if (Number.isInteger(pid) && !alive(pid)) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

async function startPostgres() {
  if (!process.env.DATABASE_URL) await removeStaleClusters();
  return resolvePostgres(`${CLUSTERS}/${process.pid}`, false);
}

export default async function setup(project: TestProject) {
  const server = await startPostgres().catch(exitOnEmbeddedPostgresFailure);
  if (!server.embedded) await dropStaleDatabases(server.adminUrl);
  const base = process.env.TEST_DATABASE_NAME || `${PREFIX}${process.pid}`;
  // One database per worker (`<base>`, `<base>_w2`, …), migrated one after
  // another: the migrations create cluster-wide roles.
  const names = Array.from({ length: Math.max(1, project.globalConfig.maxWorkers) }, (_, i) => (i === 0 ? base : `${base}_w${i + 1}`));
  const databases: WorkerDatabase[] = [];
  for (const database of names) {
    const db = await prepareDatabase({ serverUrl: server.adminUrl, database, recreate: true });
    // Workspaces start unlimited here; lib/billing/limits.test.ts puts its own on limited plans.
    await setDefaultPlan(db.ownerUrl, "enterprise");
    databases.push(db);
  }
  const mail = await startMailCatcher();
  project.provide("databases", databases);
  project.provide("mailApiUrl", mail.webUrl);
  // Modules under test read their configuration from the environment, as in
  // the app; test workers inherit it (and test/worker-database.ts points the
  // database URLs at the worker's own).
  process.env.SMTP_URL = mail.smtpUrl;
  process.env.AUTH_SECRET ??= "test-secret-not-for-production-0123456789";
  process.env.AUTH_URL ??= "http://localhost:3000";
  return async () => {
    await mail.stop();
    for (const database of names) await dropDatabase(server.adminUrl, database).catch(() => {});
    await server.stop();
  };
}

/** A worker's database: the owner's connection for fixtures, the app's and the auth role's for the code under test. */
export interface WorkerDatabase {
  ownerUrl: string;
  appUrl: string;
  authUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    databases: WorkerDatabase[];
    mailApiUrl: string;
  }
}
