// What both benchmarks share: shutdown on exit or Ctrl-C, owner queries, the
// production build's bookkeeping, the server's memory, Markdown tables.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { EmbeddedPostgresError, freePort } from "../scripts/db/postgres";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const RESULTS_DIR = path.join(ROOT, "bench", "results");
export const nextBin = () => path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

export const log = (message: string) => console.log(message);
export const seconds = (since: number) => (performance.now() - since) / 1000;

// ---------------------------------------------------------------------------
// Shutdown: everything started is stopped once, at the end or on Ctrl-C.
// ---------------------------------------------------------------------------
export const stoppers: Array<() => Promise<void>> = [];
let stopping: Promise<void> | null = null;
/** True once Ctrl-C (or SIGTERM) arrived: work in flight then fails as its connections close, which is not news. */
let interrupted = false;
export function stopAll(): Promise<void> {
  stopping ??= (async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch((error) => console.error("[bench] stop failed:", error));
  })();
  return stopping;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    interrupted = true;
    console.error(`\n[bench] ${signal}: stopping…`);
    void stopAll().finally(() => process.exit(130));
  });
}

/** Runs a benchmark's main(), stops everything it started, and exits: 0, 1 on failure, 130 after Ctrl-C. */
export async function runBench(main: () => Promise<void>): Promise<never> {
  try {
    await main();
    await stopAll();
    process.exit(0);
  } catch (error) {
    if (!interrupted) {
      // An embedded Postgres failure is one sentence saying what to do: no stack.
      if (error instanceof EmbeddedPostgresError) console.error(`[bench] ${error.message}`);
      else console.error("[bench] failed:", error);
    }
    await stopAll();
    process.exit(interrupted ? 130 : 1);
  }
}

// ---------------------------------------------------------------------------
// Signing in: every session a benchmark uses is made here, so that a change
// in how sessions are stored is made once.
// ---------------------------------------------------------------------------
/** The cookie Auth.js reads the session token from (over plain HTTP, as the benchmarks serve). */
export const SESSION_COOKIE = "authjs.session-token";

/**
 * A session for `userId`, as Auth.js's database strategy stores it, written
 * as the owner; returns the value of the SESSION_COOKIE cookie. It expires in
 * 30 days (Auth.js's maxAge), so no request is due to extend it and write.
 */
export async function createBenchSession(ownerUrl: string, userId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  // Stored as the app's Auth.js adapter stores it: the token's SHA-256.
  await ownerQuery(ownerUrl, "INSERT INTO sessions (session_token, user_id, expires) VALUES ($1, $2, now() + interval '30 days')", [
    createHash("sha256").update(token).digest("hex"),
    userId,
  ]);
  return token;
}

export async function ownerQuery<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------
// The production build
// ---------------------------------------------------------------------------
/** What the project's own app is built from. */
const APP_SOURCES = ["app", "lib", "components", "emails", "middleware.ts", "next.config.ts", "postcss.config.mjs", "package-lock.json"];

/**
 * The newest modification time among the sources a build depends on (paths
 * relative to `dir`): their files' and their folders' — a file deleted or
 * renamed leaves no file newer than the build, only its folder.
 */
async function newestSource(dir: string, sources: string[]): Promise<number> {
  let newest = 0;
  const visit = async (entry: string) => {
    const info = await stat(entry).catch(() => null);
    if (!info) return;
    newest = Math.max(newest, info.mtimeMs);
    if (info.isDirectory()) {
      for (const child of await readdir(entry)) await visit(path.join(entry, child));
    }
  };
  for (const entry of sources) await visit(path.resolve(dir, entry));
  return newest;
}

/**
 * Takes a build's entries (`${distDir}/…`) out of tsconfig.json's include
 * again, and only those: another build running meanwhile (the other
 * benchmark's, the browser suite's) may have added and be about to remove its
 * own. Falls back to the copy taken before the build when the file is not the
 * plain 2-space JSON `next build` writes.
 */
async function restoreTsconfig(dir: string, before: string, distDir: string): Promise<void> {
  const file = path.join(dir, "tsconfig.json");
  const now = await readFile(file, "utf8");
  if (now === before) return;
  const format = (config: unknown) => `${JSON.stringify(config, null, 2)}\n`;
  try {
    if (format(JSON.parse(before)) !== before) throw new Error("not plain JSON");
    const config = JSON.parse(now) as { include?: unknown };
    if (!Array.isArray(config.include)) throw new Error("no include list");
    config.include = config.include.filter((entry) => !(typeof entry === "string" && entry.startsWith(`${distDir}/`)));
    await writeFile(file, format(config));
  } catch {
    await writeFile(file, before);
  }
}

/**
 * `next build` into `distDir`, unless a build there is newer than every
 * source (or `rebuild`). `next build` adds its dist dir's types to
 * tsconfig.json and rewrites next-env.d.ts; the bench build leaves both as
 * they were. Returns the build's duration (null when reused) and output.
 * By default the project's app; `app` names another Next.js app (its
 * directory and the sources its build depends on, relative to it).
 */
export async function buildNext(
  distDir: string,
  rebuild: boolean,
  app: { dir: string; sources: string[] } = { dir: ROOT, sources: APP_SOURCES },
): Promise<{ seconds: number | null; output: string }> {
  const { dir } = app;
  const where = path.relative(ROOT, path.join(dir, distDir));
  const buildId = path.join(dir, distDir, "BUILD_ID");
  if (existsSync(buildId) && !rebuild) {
    if ((await stat(buildId)).mtimeMs > (await newestSource(dir, app.sources))) {
      log(`Using the existing build in ${where} (--rebuild to rebuild).`);
      return { seconds: null, output: "" };
    }
    log(`Sources changed since the build in ${where}.`);
  }
  log(`Building ${dir === ROOT ? "the app" : path.relative(ROOT, dir)} into ${where}…`);
  const tsconfig = await readFile(path.join(dir, "tsconfig.json"), "utf8").catch(() => null);
  const nextEnv = await readFile(path.join(dir, "next-env.d.ts"), "utf8").catch(() => null);
  const started = performance.now();
  const output: string[] = [];
  try {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [nextBin(), "build"], {
        cwd: dir,
        env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let exited = false;
      child.on("exit", (c) => {
        exited = true;
        resolve(c ?? 1);
      });
      stoppers.push(async () => void (exited || child.kill("SIGTERM")));
      child.stdout.on("data", (d: Buffer) => output.push(d.toString()));
      child.stderr.on("data", (d: Buffer) => output.push(d.toString()));
    });
    if (code !== 0) throw new Error(`next build failed:\n${output.join("").slice(-4000)}`);
  } finally {
    if (tsconfig !== null) await restoreTsconfig(dir, tsconfig, distDir);
    else await rm(path.join(dir, "tsconfig.json"), { force: true });
    if (nextEnv !== null) await writeFile(path.join(dir, "next-env.d.ts"), nextEnv);
    else await rm(path.join(dir, "next-env.d.ts"), { force: true });
  }
  const took = seconds(started);
  log(`Built in ${took.toFixed(0)} s.`);
  return { seconds: took, output: output.join("") };
}

export interface NextServer {
  url: string;
  pid: number;
  /** Everything the server printed: the tail goes into error messages. */
  output: string[];
}

/**
 * What `npm start` runs after `node`: its options (the server's heap budget)
 * and server.mjs, read from package.json so the benchmark measures the server
 * as it is deployed.
 */
export async function startCommand(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } };
  const [node, ...rest] = pkg.scripts.start.trim().split(/\s+/);
  const script = rest.at(-1);
  if (node !== "node" || script !== "server.mjs" || rest.slice(0, -1).some((option) => !option.startsWith("--"))) {
    throw new Error(`package.json's start script is not "node [--options] server.mjs": ${pkg.scripts.start}`);
  }
  return [...rest.slice(0, -1), path.join(ROOT, "server.mjs")];
}

/**
 * The build in `distDir` served on a free port, in a process group of its own
 * that stopAll() ends. Resolves once `ready(url)` succeeds. The project's app
 * (the default `dir`) runs as in production, as `npm start` runs it (Node.js's
 * options included: startCommand()), connected to
 * the bench database as the app connects (owner, app and Auth.js roles,
 * `db`); another app runs `next start` with what `env` says.
 */
export async function startNextServer(options: {
  dir?: string;
  distDir: string;
  db?: { ownerUrl: string; appUrl: string; authUrl: string };
  env?: Record<string, string>;
  ready: (url: string) => Promise<unknown>;
}): Promise<NextServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const command = options.dir ? [nextBin(), "start"] : await startCommand();
  const child = spawn(process.execPath, [...command, "-p", String(port), "-H", "127.0.0.1"], {
    cwd: options.dir ?? ROOT,
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: options.distDir,
      NEXT_TELEMETRY_DISABLED: "1",
      ...(options.db
        ? {
            DATABASE_URL: options.db.ownerUrl,
            APP_DATABASE_URL: options.db.appUrl,
            AUTH_DATABASE_URL: options.db.authUrl,
            AUTH_SECRET: randomBytes(32).toString("base64url"),
            AUTH_URL: url,
          }
        : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr.on("data", (d: Buffer) => output.push(d.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));
  stoppers.push(async () => {
    if (exited) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return;
    }
    const timeout = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await gone;
    clearTimeout(timeout);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`next start exited:\n${output.join("").slice(-4000)}`);
    try {
      await options.ready(url);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${output.join("").slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { url, pid: child.pid!, output };
}

// ---------------------------------------------------------------------------
// The database's CPU
// ---------------------------------------------------------------------------
/**
 * The CPU time (µs) each Postgres process on this machine has used so far —
 * the postmaster, its background workers and every connection's backend —
 * by process id, read from /proc (Linux). Null when there is none to read:
 * the database runs elsewhere, or not on Linux.
 */
export async function postgresCpuMicros(): Promise<Map<number, number> | null> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return null;
  }
  const byProcess = new Map<number, number>();
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (stat.slice(stat.indexOf("(") + 1, close) !== "postgres") continue;
      // After the command: the state is field 3; utime and stime are fields 14 and 15,
      // in clock ticks of 1/100 s (USER_HZ).
      const fields = stat.slice(close + 2).split(" ");
      byProcess.set(Number(pid), (Number(fields[11]) + Number(fields[12])) * 10_000);
    } catch {
      // The process ended meanwhile.
    }
  }
  return byProcess.size > 0 ? byProcess : null;
}

/**
 * The CPU time (µs) Postgres's processes used between two readings: those
 * alive at the second, each from its time at the first (zero if it started
 * since). A process that ended in between (a pool closing an idle
 * connection) is left out, so this can only undercount it.
 */
export function postgresCpuBetween(start: Map<number, number> | null, end: Map<number, number> | null): number | null {
  if (!start || !end) return null;
  let micros = 0;
  for (const [pid, used] of end) micros += used - (start.get(pid) ?? 0);
  return micros;
}

// ---------------------------------------------------------------------------
// The server's memory
// ---------------------------------------------------------------------------
/** Sums VmRSS over a process and all its descendants; `start` samples every `intervalMs` and resets the peak. */
export class RssSampler {
  private pids = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private lastTree = 0;
  peak = 0;
  constructor(
    private readonly root: number,
    private readonly intervalMs: number,
  ) {}

  private async tree(): Promise<void> {
    const parents = new Map<number, number[]>();
    for (const entry of await readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
      // comm may contain spaces: the ppid is the second field after ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!parents.has(ppid)) parents.set(ppid, []);
      parents.get(ppid)!.push(Number(entry));
    }
    const pids = new Set<number>([this.root]);
    const queue = [this.root];
    while (queue.length) {
      for (const child of parents.get(queue.pop()!) ?? []) {
        if (pids.has(child)) continue;
        pids.add(child);
        queue.push(child);
      }
    }
    this.pids = pids;
  }

  async sample(): Promise<number> {
    if (Date.now() - this.lastTree > 1000) {
      this.lastTree = Date.now();
      await this.tree();
    }
    let total = 0;
    for (const pid of this.pids) {
      const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      if (kb) total += Number(kb[1]) * 1024;
    }
    this.peak = Math.max(this.peak, total);
    return total;
  }

  start(): void {
    this.peak = 0;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.sample().finally(() => (busy = false));
    }, this.intervalMs);
  }

  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sample();
    return this.peak;
  }
}

/** A Markdown table with its columns aligned left or right. */
export function table(header: string[], rows: string[][], align: Array<"l" | "r">): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (align[i] === "r" ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (align[i] === "r" ? `${"-".repeat(w + 1)}:` : `:${"-".repeat(w + 1)}`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
