// Vitest global setup: a real Postgres (DATABASE_URL's server, or an embedded
// one when it is unset) with a fresh, migrated database for this run, and a
// mail catcher for code that sends email. Each run gets its own cluster
// directory and database, so two runs on one machine never collide; leftovers
// of runs that were killed are removed. A failure of the embedded Postgres
// ends the run with its one sentence.
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
      const pid = Number(datname.slice(PREFIX.length));
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
  const database = process.env.TEST_DATABASE_NAME || `${PREFIX}${process.pid}`;
  const db = await prepareDatabase({ serverUrl: server.adminUrl, database, recreate: true });
  // Workspaces start unlimited here; lib/billing/limits.test.ts puts its own on limited plans.
  await setDefaultPlan(db.ownerUrl, "enterprise");
  const mail = await startMailCatcher();
  project.provide("ownerDatabaseUrl", db.ownerUrl);
  project.provide("mailApiUrl", mail.webUrl);
  // Modules under test read their configuration from the environment, as in
  // the app; test workers inherit it.
  process.env.APP_DATABASE_URL = db.appUrl;
  process.env.AUTH_DATABASE_URL = db.authUrl;
  process.env.SMTP_URL = mail.smtpUrl;
  process.env.AUTH_SECRET ??= "test-secret-not-for-production-0123456789";
  process.env.AUTH_URL ??= "http://localhost:3000";
  return async () => {
    await mail.stop();
    await dropDatabase(server.adminUrl, database).catch(() => {});
    await server.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    ownerDatabaseUrl: string;
    mailApiUrl: string;
  }
}
