// Everything the app needs around it on a developer's machine or in the
// browser suite: a migrated database (DATABASE_URL's, or an embedded Postgres,
// see scripts/db/postgres.ts for where it lives), the app role's connection,
// an auth secret, and a mail catcher unless real email is configured.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { startMailCatcher, type MailCatcher } from "./mail-catcher";
import { resolvePostgres, type PostgresServer } from "./db/postgres";
import { databaseName, prepareDatabase } from "./db/prepare";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const DATA_DIR = path.join(ROOT, ".data");

export interface Services {
  env: Record<string, string>;
  mail: MailCatcher | null;
  /** The server in use: `embedded`, and where an embedded one lives. */
  postgres: Omit<PostgresServer, "stop" | "adminUrl">;
  stop(): Promise<void>;
}

async function persistentSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(32).toString("base64url");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export async function startServices(options: {
  port: number;
  /** Embedded Postgres cluster name, such as "postgres" (used only when DATABASE_URL is unset). */
  postgresCluster: string;
  persistent: boolean;
  /** Database to use on an external server; the embedded one always uses "tenantry". */
  database?: string;
  recreate: boolean;
  mailPorts?: { smtpPort?: number; webPort?: number };
}): Promise<Services> {
  const server = await resolvePostgres(options.postgresCluster, options.persistent);
  const stoppers: Array<() => Promise<void>> = [() => server.stop()];
  try {
    const database = options.database ?? (server.embedded ? "tenantry" : databaseName(server.adminUrl));
    const db = await prepareDatabase({ serverUrl: server.adminUrl, database, recreate: options.recreate });

    const env: Record<string, string> = {
      DATABASE_URL: db.ownerUrl,
      APP_DATABASE_URL: process.env.APP_DATABASE_URL || db.appUrl,
      AUTH_DATABASE_URL: process.env.AUTH_DATABASE_URL || db.authUrl,
      AUTH_SECRET: process.env.AUTH_SECRET || (await persistentSecret(path.join(DATA_DIR, "auth-secret"))),
      AUTH_URL: process.env.AUTH_URL || `http://localhost:${options.port}`,
      NEXT_TELEMETRY_DISABLED: "1",
    };

    let mail: MailCatcher | null = null;
    if (!process.env.RESEND_API_KEY && !process.env.SMTP_URL) {
      mail = await startMailCatcher(options.mailPorts ?? { smtpPort: 1025, webPort: 1080 });
      stoppers.unshift(() => mail!.stop());
      env.SMTP_URL = mail.smtpUrl;
      env.MAIL_CATCHER_URL = mail.webUrl;
    }
    return {
      env,
      mail,
      postgres: { embedded: server.embedded, dataDir: server.dataDir, logFile: server.logFile, home: server.home, relocated: server.relocated },
      stop: async () => {
        for (const stop of stoppers) await stop().catch(() => {});
      },
    };
  } catch (error) {
    for (const stop of stoppers) await stop().catch(() => {});
    throw error;
  }
}
