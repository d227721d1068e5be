// What the page benchmark reads from inside a server it measures (the
// project's app and the baseline app alike): the statements and transactions
// it sent through pg, its CPU time and its memory. A preload loaded with
// --require wraps pg's Client#query; on SIGUSR2 it writes its counters to a
// file the benchmark reads back. It also counts the HTTP responses the server
// has ended.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ROOT, stoppers } from "./lib";

// Prisma's driver adapter and the baseline's pg Pool both send every
// statement, BEGIN and COMMIT included, through Client#query of the pg the
// project's node_modules hold (both servers resolve it there, and Node keys
// modules by their real path, so this is the instance they use).
const PRELOAD = `"use strict";
const fs = require("node:fs");
const { createRequire } = require("node:module");
const file = process.env.BENCH_PROBE_FILE;
const counts = { queries: 0, statementCount: 0, transactions: 0, responses: 0, timed: 0, hooked: false, error: null };
// Every response the server ends, answered or cut off by the client hanging
// up: CPU time per request is divided by what the server itself did in the
// same interval, whatever the client saw of it. And the server's time for
// each answered one: from the request's arrival to its last byte handed to
// the socket ("finish"), the last TIMES of them.
const http = require("node:http");
const TIMES = 2048;
const times = new Array(TIMES);
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event === "request" && res) {
    const arrived = process.hrtime.bigint();
    res.once("finish", () => {
      times[counts.timed % TIMES] = Number(process.hrtime.bigint() - arrived) / 1e6;
      counts.timed++;
    });
    res.once("close", () => counts.responses++);
  }
  return emit.apply(this, arguments);
};
const RECENT = 64;
const recent = new Array(RECENT);
try {
  const pg = createRequire(process.env.BENCH_PROBE_ROOT + "/package.json")("pg");
  const query = pg.Client.prototype.query;
  const ownGetRows = pg.Query.prototype._getRows;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === "string" ? config : config && config.text;
    // A query that ends its protocol messages its own way (lib/db.ts's
    // StatementThenCommit) sends the COMMIT with its statement.
    const withCommit = config instanceof pg.Query && config._getRows !== ownGetRows;
    // One that also writes statements before its own (lib/db.ts's
    // EnterThenReadThenCommit: BEGIN and the entry) names them in \`leading\`.
    const leading = config && Array.isArray(config.leading) ? config.leading : [];
    const shown = leading.concat(text).join("; ");
    recent[counts.queries % RECENT] = withCommit ? shown + " -- and COMMIT, in the same write" : shown;
    counts.queries++;
    // A text without parameters goes as one simple-protocol message, which may hold several statements.
    const simple = typeof text === "string" && !(config && config.name) && !(config && config.values) && !(rest[0] && Array.isArray(rest[0]));
    counts.statementCount += leading.length + (simple ? text.split(";").filter((part) => part.trim()).length : 1) + (withCommit ? 1 : 0);
    if (/^\\s*BEGIN\\b/i.test(typeof leading[0] === "string" ? leading[0] : typeof text === "string" ? text : "")) counts.transactions++;
    return query.call(this, config, ...rest);
  };
  counts.hooked = true;
} catch (error) {
  counts.error = String(error);
}
let seq = 0;
process.on("SIGUSR2", () => {
  seq++;
  // "gc": collect first (the server runs with --expose-gc), so the heap left is what is retained.
  const command = fs.existsSync(file + ".cmd") ? fs.readFileSync(file + ".cmd", "utf8") : "";
  if (command === "gc" && typeof global.gc === "function") global.gc();
  const cpu = process.cpuUsage();
  const n = Math.min(counts.queries, RECENT);
  const statements = [];
  for (let i = counts.queries - n; i < counts.queries; i++) statements.push(String(recent[i % RECENT]).replace(/\\s+/g, " ").trim().slice(0, 160));
  const m = Math.min(counts.timed, TIMES);
  const responseMs = [];
  for (let i = counts.timed - m; i < counts.timed; i++) responseMs.push(times[i % TIMES]);
  fs.writeFileSync(file + ".tmp", JSON.stringify({ seq, ...counts, statements, responseMs, cpuMicros: cpu.user + cpu.system, ...process.memoryUsage(), gc: command === "gc" && typeof global.gc === "function" }));
  fs.renameSync(file + ".tmp", file);
});
`;

export interface Probe {
  seq: number;
  /** Calls of pg's Client#query: round trips to Postgres. */
  queries: number;
  /** The statements in them (a simple-protocol message can carry several; a COMMIT can travel with a statement). */
  statementCount: number;
  transactions: number;
  /** HTTP responses the server has ended (or had cut off) since it started. */
  responses: number;
  /** Responses it answered to the last byte, and the time of the last (up to 2048) of them in ms, oldest first. */
  timed: number;
  responseMs: number[];
  hooked: boolean;
  error: string | null;
  /** What the last (up to 64) calls of Client#query sent, oldest first. */
  statements: string[];
  /** The server process's user + system CPU time since it started. */
  cpuMicros: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS, ArrayBuffers and WebAssembly memories included. */
  external: number;
  arrayBuffers: number;
  gc: boolean;
}

let scratch: Promise<string> | null = null;
/** One scratch directory per bench run, removed at the end. */
function scratchDir(): Promise<string> {
  scratch ??= (async () => {
    const dir = path.join(os.tmpdir(), `tenantry-bench-pages-${process.pid}`);
    await mkdir(dir, { recursive: true });
    stoppers.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, "count-queries.cjs"), PRELOAD);
    return dir;
  })();
  return scratch;
}

/** The environment that loads the probe into a server; `name` tells servers apart. */
export async function probeEnv(name: string): Promise<{ env: Record<string, string>; file: string }> {
  const dir = await scratchDir();
  const file = path.join(dir, `${name}.json`);
  return {
    file,
    env: { NODE_OPTIONS: `--require ${path.join(dir, "count-queries.cjs")} --expose-gc`, BENCH_PROBE_FILE: file, BENCH_PROBE_ROOT: ROOT },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Probes sent to each server (by its probe file): the preload numbers its answers the same way. */
const sent = new Map<string, number>();

/** The server's query counts, CPU time and memory now (from the preload); after a full GC when asked. */
export async function probe(server: { pid: number; probeFile: string }, options: { gc?: boolean } = {}): Promise<Probe> {
  const want = (sent.get(server.probeFile) ?? 0) + 1;
  sent.set(server.probeFile, want);
  await writeFile(`${server.probeFile}.cmd`, options.gc ? "gc" : "");
  process.kill(server.pid, "SIGUSR2");
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = existsSync(server.probeFile) ? await readFile(server.probeFile, "utf8").catch(() => "") : "";
    if (text) {
      const found = JSON.parse(text) as Probe;
      if (found.seq >= want) return found;
    }
    if (Date.now() > deadline) throw new Error("The server did not answer the probe (SIGUSR2) within 5 s.");
    await sleep(20);
  }
}
