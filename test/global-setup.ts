// Vitest global setup: a real Postgres (DATABASE_URL's server, or an embedded
// one when it is unset) with a fresh, migrated `tenantry_test` database, and a
// mail catcher for code that sends email.
import { rm } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startMailCatcher } from "../scripts/mail-catcher";
import { dropDatabase, resolvePostgres } from "../scripts/db/postgres";
import { prepareDatabase } from "../scripts/db/prepare";

const DATABASE = process.env.TEST_DATABASE_NAME || "tenantry_test";

export default async function setup(project: TestProject) {
  // A throwaway embedded cluster when DATABASE_URL is unset.
  const postgresDir = path.join(import.meta.dirname, "..", ".data", "test-postgres");
  await rm(postgresDir, { recursive: true, force: true });
  const server = await resolvePostgres(postgresDir, false);
  const db = await prepareDatabase({ serverUrl: server.adminUrl, database: DATABASE, recreate: true });
  const mail = await startMailCatcher();
  project.provide("ownerDatabaseUrl", db.ownerUrl);
  project.provide("mailApiUrl", mail.webUrl);
  // Modules under test read their configuration from the environment, as in
  // the app; test workers inherit it.
  process.env.APP_DATABASE_URL = db.appUrl;
  process.env.SMTP_URL = mail.smtpUrl;
  process.env.AUTH_SECRET ??= "test-secret-not-for-production-0123456789";
  process.env.AUTH_URL ??= "http://localhost:3000";
  return async () => {
    await mail.stop();
    await dropDatabase(server.adminUrl, DATABASE).catch(() => {});
    await server.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    ownerDatabaseUrl: string;
    mailApiUrl: string;
  }
}
