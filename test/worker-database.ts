// Setup file run in every test worker before its test file: points the
// process at the worker's own database (see test/global-setup.ts). Modules
// under test read APP_DATABASE_URL and AUTH_DATABASE_URL as in the app;
// fixtures and probes take the owner's URL from ownerDatabaseUrl().
import { inject } from "vitest";

const databases = inject("databases");
// VITEST_POOL_ID is the worker's number, 1 to maxWorkers: no two files
// running at the same time share it.
const worker = Number(process.env.VITEST_POOL_ID ?? "1");
const database = databases[worker - 1];
if (!database) throw new Error(`Test worker ${worker} has no database: the global setup made ${databases.length}, one per worker (maxWorkers).`);

process.env.TEST_OWNER_DATABASE_URL = database.ownerUrl;
process.env.APP_DATABASE_URL = database.appUrl;
process.env.AUTH_DATABASE_URL = database.authUrl;
