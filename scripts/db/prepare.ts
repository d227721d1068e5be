// One call that leaves a database ready for the app: created if missing,
// migrated, the app role able to log in. Used by `npm run dev`, the test
// suites and the benchmarks.
import { migrate } from "./migrate";
import { APP_ROLE, createDatabase, enableAppRoleLogin, withCredentials, withDatabase } from "./postgres";

export interface PreparedDatabase {
  /** Owner connection: migrations, test fixtures, benchmarks' seeding. */
  ownerUrl: string;
  /** The app role's connection: NOBYPASSRLS, owns nothing. */
  appUrl: string;
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
  const password = options.appPassword ?? "tenantry_app";
  await enableAppRoleLogin(ownerUrl, password);
  return { ownerUrl, appUrl: withCredentials(ownerUrl, APP_ROLE, password) };
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}
