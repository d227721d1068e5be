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
