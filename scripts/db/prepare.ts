// One call that leaves a database ready for the app: created if missing,
// migrated, the app's roles able to log in. Used by `npm run dev`, the test
// suites and the benchmarks.
import pg from "pg";
import { migrate } from "./migrate";
import { APP_ROLE, createDatabase, withCredentials, withDatabase } from "./postgres";

/** Auth.js's role: the only one with privileges on its tables. */
export const AUTH_ROLE = "tenantry_auth";

export interface PreparedDatabase {
  /** Owner connection: migrations, test fixtures, benchmarks' seeding. */
  ownerUrl: string;
  /** The app role's connection: NOBYPASSRLS, owns nothing. */
  appUrl: string;
  /** Auth.js's connection (tenantry_auth): sessions, accounts, users. */
  authUrl: string;
}

/** Lets the app's roles log in with a password (local development and tests only). */
async function enableLogins(ownerUrl: string, logins: Array<{ role: string; password: string }>) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    for (const { role, password } of logins) {
      await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    }
  } finally {
    await client.end();
  }
}

export async function prepareDatabase(options: {
  serverUrl: string;
  database: string;
  recreate: boolean;
  appPassword?: string;
}): Promise<PreparedDatabase> {
  await createDatabase(options.serverUrl, options.database, { recreate: options.recreate });
  const ownerUrl = withDatabase(options.serverUrl, options.database);
  await migrate(ownerUrl);
  const appPassword = options.appPassword ?? APP_ROLE;
  await enableLogins(ownerUrl, [
    { role: APP_ROLE, password: appPassword },
    { role: AUTH_ROLE, password: AUTH_ROLE },
  ]);
  return {
    ownerUrl,
    appUrl: withCredentials(ownerUrl, APP_ROLE, appPassword),
    authUrl: withCredentials(ownerUrl, AUTH_ROLE, AUTH_ROLE),
  };
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

/**
 * Makes `planId` the plan new workspaces start on (what a platform
 * administrator does in /admin/plans). The test suites start every workspace
 * on an unlimited plan, so that suites about other things are not bounded by
 * the free plan's five seats; the plan tests choose their plans themselves.
 */
export async function setDefaultPlan(ownerUrl: string, planId: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("UPDATE plans SET is_default = false WHERE is_default AND id <> $1", [planId]);
    const { rowCount } = await client.query("UPDATE plans SET is_default = true WHERE id = $1", [planId]);
    if (rowCount !== 1) throw new Error(`There is no plan ${planId}.`);
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}
