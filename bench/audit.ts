// npm run bench:audit [-- --reseed] [--rebuild] [--runs=N] [--server-node-options=…]
//
// The audit log at scale: 1,000,000 events in one workspace among 5,000,000.
// - Page queries through the real code path (listAuditEvents: Prisma, the app
//   role, row-level security), first page and a deep page, for every filter
//   combination, with the indexes each plan uses (EXPLAIN ANALYZE as the app
//   role under the same RLS settings).
// - Export throughput over HTTP against a production server (`next start`),
//   CSV and JSONL of the whole workspace, next to a raw
//   COPY (<the export query>) TO STDOUT of the same rows in the same run, and
//   the server's peak RSS while it streams.
// Targets: page p95 < 25 ms everywhere; export ≥ 0.5 × COPY; peak RSS < 250 MB.
//
// The database is `tenantry_bench` on DATABASE_URL's server, else on an
// embedded Postgres in .data/bench-postgres. Seeding takes minutes, so a
// database already seeded by this version is reused unless --reseed.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { inlineParameters } from "../lib/audit/copy-text";
import type { AuditCursor } from "../lib/audit/cursor";
import { resolvePostgres } from "../scripts/db/postgres";
import { prepareDatabase, type PreparedDatabase } from "../scripts/db/prepare";
import { AUDITOR_EMAIL, FULL_SIZE, seed, seededInfo, SEED_VERSION, type SeedInfo } from "./audit-seed";
import { buildNext, createBenchSession, log, ownerQuery, RESULTS_DIR, ROOT, RssSampler, seconds, runBench, startNextServer, SESSION_COOKIE, stoppers, table, type NextServer } from "./lib";

const DATABASE = "tenantry_bench";
const DIST_DIR = ".next-bench";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.slice(name.length + 3)) : fallback;
};
const RUNS = option("runs", 40);
// NODE_OPTIONS for the `next start` process only, e.g. --server-node-options=--max-old-space-size=128
const SERVER_NODE_OPTIONS = args.find((a) => a.startsWith("--server-node-options="))?.slice("--server-node-options=".length) ?? "";
const WARMUP = 5;
const DEEP_OFFSET = 250_000;

const TARGET_PAGE_P95_MS = 25;
const TARGET_EXPORT_RATIO = 0.5;
const TARGET_RSS_MB = 250;

// ---------------------------------------------------------------------------
// Database
// ---------------------------------------------------------------------------
interface BenchDatabase extends PreparedDatabase {
  info: SeedInfo;
  seededNow: boolean;
  seedSeconds: number | null;
  embedded: boolean;
}

async function setUpDatabase(): Promise<BenchDatabase> {
  const server = await resolvePostgres("bench-postgres", true);
  stoppers.push(() => server.stop());
  log(`Postgres: ${server.embedded ? `embedded (${server.dataDir})` : "DATABASE_URL's server"}, database ${DATABASE}`);

  if (!flag("reseed")) {
    try {
      const db = await prepareDatabase({ serverUrl: server.adminUrl, database: DATABASE, recreate: false });
      const info = await seededInfo(db.ownerUrl, FULL_SIZE);
      if (info) {
        log(`Reusing the seeded database (seed v${SEED_VERSION}; --reseed to start over).`);
        return { ...db, info, seededNow: false, seedSeconds: await recordedSeedSeconds(db.ownerUrl), embedded: server.embedded };
      }
      log("The bench database is missing or not seeded by this version: seeding.");
    } catch (error) {
      log(`The bench database cannot be reused (${error instanceof Error ? error.message : String(error)}): seeding.`);
    }
  }
  const db = await prepareDatabase({ serverUrl: server.adminUrl, database: DATABASE, recreate: true });
  log(`Seeding ${(FULL_SIZE.bigEvents + FULL_SIZE.otherEvents).toLocaleString("en")} events (takes minutes)…`);
  const started = performance.now();
  const info = await seed(db.ownerUrl, FULL_SIZE, log);
  const seedSeconds = seconds(started);
  log(`Seeded in ${seedSeconds.toFixed(0)} s.`);
  await ownerQuery(db.ownerUrl, `COMMENT ON DATABASE ${DATABASE} IS 'tenantry audit bench seed v${SEED_VERSION}: ${seedSeconds.toFixed(1)} s'`);
  return { ...db, info, seededNow: true, seedSeconds, embedded: server.embedded };
}

async function recordedSeedSeconds(ownerUrl: string): Promise<number | null> {
  const rows = await ownerQuery<{ comment: string | null }>(ownerUrl, "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = current_database()");
  const match = /: ([\d.]+) s$/.exec(rows[0]?.comment ?? "");
  return match ? Number(match[1]) : null;
}

/** A client of the app role inside a transaction that enters the tenant as withTenant does (with the session token). */
async function appTransaction<T>(appUrl: string, scope: { tenantId: string; sessionToken: string }, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SELECT role FROM app_enter($1, $2::uuid, true)", [scope.sessionToken, scope.tenantId]);
    const result = await fn(client);
    await client.query("ROLLBACK");
    return result;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------
// Filter combinations, with values taken from the data
// ---------------------------------------------------------------------------
interface Combination {
  name: string;
  params: URLSearchParams;
}

async function combinations(ownerUrl: string, tenantId: string): Promise<Combination[]> {
  const one = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => {
    const rows = await ownerQuery<T>(ownerUrl, sql, [tenantId, ...values]);
    if (!rows[0]) throw new Error(`No data for: ${sql}`);
    return rows[0];
  };
  const top = await one<{ actor_email: string }>(
    "SELECT actor_email FROM audit_log WHERE tenant_id = $1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
  );
  const rare = await one<{ actor_email: string }>(
    "SELECT actor_email FROM audit_log WHERE tenant_id = $1 AND actor_email LIKE '%@acme-bench.example' AND actor_email <> $2 GROUP BY 1 ORDER BY count(*), 1 LIMIT 1",
    [AUDITOR_EMAIL],
  );
  const inviter = await one<{ actor_email: string }>(
    "SELECT actor_email FROM audit_log WHERE tenant_id = $1 AND action = 'member.invite' GROUP BY 1 ORDER BY count(*) DESC, 1 OFFSET 1 LIMIT 1",
  );
  // The newest invitation: its id and the invitee's address as targets.
  const invite = await one<{ target_id: string; email: string }>(
    "SELECT target_id, metadata ->> 'email' AS email FROM audit_log WHERE tenant_id = $1 AND action = 'member.invite' ORDER BY created_at DESC, id DESC LIMIT 1",
  );
  const other = await one<{ email: string }>(
    "SELECT metadata ->> 'email' AS email FROM audit_log WHERE tenant_id = $1 AND action = 'member.invite' ORDER BY created_at DESC, id DESC OFFSET 10 LIMIT 1",
  );
  // A month a year back.
  const month = await one<{ from: string; to: string }>(
    `SELECT to_char(m, 'YYYY-MM-DD') AS "from", to_char(m + interval '1 month' - interval '1 day', 'YYYY-MM-DD') AS "to"
       FROM (SELECT date_trunc('month', max(created_at) AT TIME ZONE 'UTC' - interval '12 months') AS m FROM audit_log WHERE tenant_id = $1) x`,
  );
  // Everything at once, around one invitation by one admin three months back.
  const all = await one<{ actor_email: string; email: string; from: string; to: string }>(
    `SELECT actor_email, metadata ->> 'email' AS email,
            to_char(created_at AT TIME ZONE 'UTC' - interval '45 days', 'YYYY-MM-DD') AS "from",
            to_char(created_at AT TIME ZONE 'UTC' + interval '45 days', 'YYYY-MM-DD') AS "to"
       FROM audit_log
      WHERE tenant_id = $1 AND action = 'member.invite' AND actor_email = $2
        AND created_at < (SELECT max(created_at) FROM audit_log WHERE tenant_id = $1) - interval '90 days'
      ORDER BY created_at DESC, id DESC LIMIT 1`,
    [inviter.actor_email],
  );
  const domain = all.email.split("@")[1]!;
  const p = (entries: Array<[string, string]>) => new URLSearchParams(entries);
  return [
    { name: "none", params: p([]) },
    { name: "one action (common)", params: p([["action", "tenant.switch"]]) },
    { name: "one action (rare)", params: p([["action", "member.role.change"]]) },
    { name: "three actions", params: p([["action", "member.invite"], ["action", "member.invite.accept"], ["action", "member.remove"]]) },
    { name: "actor (very active)", params: p([["actor", top.actor_email]]) },
    { name: "actor (rare)", params: p([["actor", rare.actor_email]]) },
    { name: "actor + action", params: p([["actor", inviter.actor_email], ["action", "member.invite"]]) },
    { name: "target id", params: p([["target", invite.target_id]]) },
    { name: "target email", params: p([["target", invite.email]]) },
    { name: "date range (one month)", params: p([["from", month.from], ["to", month.to]]) },
    { name: "date range + action", params: p([["from", month.from], ["to", month.to], ["action", "member.invite"]]) },
    { name: "free text, common term", params: p([["q", "gmail"]]) },
    { name: "free text, rare term", params: p([["q", other.email]]) },
    {
      name: "everything but a target",
      params: p([["action", "member.invite"], ["action", "member.invite.resend"], ["actor", all.actor_email], ["from", all.from], ["to", all.to], ["q", domain]]),
    },
    {
      name: "everything combined",
      params: p([
        ["action", "member.invite"], ["action", "member.invite.resend"], ["actor", all.actor_email], ["target", all.email],
        ["from", all.from], ["to", all.to], ["q", domain],
      ]),
    },
  ];
}

// ---------------------------------------------------------------------------
// Page queries
// ---------------------------------------------------------------------------
interface Timing {
  p50: number;
  p95: number;
}
interface PlanSummary {
  indexes: string[];
  /** audit_log and audit_log_terms rows the scans read: returned plus removed by a filter, over all loops. */
  examined: number;
  seqScan: boolean;
  sortedRows: number;
  buffers: number;
  ms: number;
}
interface PageResult {
  name: string;
  params: string;
  matching: number;
  deepOffset: number;
  first: Timing;
  deep: Timing;
  firstPlan: PlanSummary;
  deepPlan: PlanSummary;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
}

function summarisePlan(root: { Plan: PlanNode; "Execution Time": number }): PlanSummary {
  const indexes = new Set<string>();
  let seqScan = false;
  let sortedRows = 0;
  let examined = 0;
  const walk = (node: PlanNode) => {
    if (node["Index Name"]?.startsWith("audit_log")) indexes.add(node["Index Name"]);
    if (node["Relation Name"]?.startsWith("audit_log") && !node["Node Type"].startsWith("Bitmap Index")) {
      examined += ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0)) * (node["Actual Loops"] ?? 1);
    }
    if (node["Node Type"] === "Seq Scan" && node["Relation Name"]?.startsWith("audit_log")) seqScan = true;
    if (node["Node Type"] === "Sort" || node["Node Type"] === "Incremental Sort") sortedRows = Math.max(sortedRows, (node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1));
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(root.Plan);
  return {
    indexes: [...indexes],
    examined: Math.round(examined),
    seqScan,
    sortedRows,
    buffers: (root.Plan["Shared Hit Blocks"] ?? 0) + (root.Plan["Shared Read Blocks"] ?? 0),
    ms: root["Execution Time"],
  };
}

async function benchPages(db: BenchDatabase, combos: Combination[]): Promise<PageResult[]> {
  const { listAuditEvents, auditPageQuery, auditConditions, auditPlan, rarestSearchWordQuery, AUDIT_PAGE_SIZE, AUDIT_PAGE_SETTINGS } = await import(
    "../lib/audit/query"
  );
  const { parseAuditFilters } = await import("../lib/audit/filters");
  const { join, sql, transaction } = await import("../lib/db");
  const sessionToken = await createBenchSession(db.ownerUrl, db.info.auditorId);
  const scope = { tenantId: db.info.bigTenantId, sessionToken };
  // As the audit page reads a page: one transaction, entered with the session, with the page's planner settings.
  const readPage = (filters: Parameters<typeof listAuditEvents>[2], position: Parameters<typeof listAuditEvents>[3]) =>
    transaction(
      (literal) => `SELECT role FROM app_enter(${literal(sessionToken)}, ${literal(scope.tenantId)}::uuid, true)`,
      (tx) => listAuditEvents(tx, scope, filters, position),
      { settings: AUDIT_PAGE_SETTINGS },
    );
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  const results: PageResult[] = [];
  try {
    for (const combo of combos) {
      const parsed = parseAuditFilters(combo.params);
      if (!parsed.ok) throw new Error(`${combo.name}: ${parsed.error}`);
      const filters = parsed.filters;
      const where = join(auditConditions(scope.tenantId, filters, { actions: true }), " AND ");
      const count = sql`SELECT count(*)::int AS n FROM audit_log l WHERE ${where}`;
      const matching = (await owner.query<{ n: number }>(count.text, count.values)).rows[0]!.n;
      const deepOffset = Math.min(DEEP_OFFSET, Math.floor(matching / 2));
      const at = sql`SELECT l.created_at, l.id::text FROM audit_log l WHERE ${where} ORDER BY l.created_at DESC, l.id DESC OFFSET ${deepOffset} LIMIT 2`;
      const around = (await owner.query<{ created_at: Date; id: string }>(at.text, at.values)).rows;
      const deepCursor: AuditCursor | null = around[0] ? { createdAt: around[0].created_at, id: around[0].id } : null;

      const measure = async (position: { after?: AuditCursor }, expectFirst: string | undefined, expectCount: number) => {
        const samples: number[] = [];
        for (let i = 0; i < WARMUP + RUNS; i++) {
          const started = performance.now();
          const page = await readPage(filters, position);
          const elapsed = performance.now() - started;
          if (i === 0 && (page.events.length !== expectCount || page.events[0]?.id !== expectFirst)) {
            throw new Error(`${combo.name}: expected ${expectCount} events from ${expectFirst}, got ${page.events.length} from ${page.events[0]?.id}`);
          }
          if (i >= WARMUP) samples.push(elapsed);
        }
        samples.sort((a, b) => a - b);
        return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
      };
      const firstRow = await owner.query<{ id: string }>(
        sql`SELECT l.id::text FROM audit_log l WHERE ${where} ORDER BY l.created_at DESC, l.id DESC LIMIT 1`.text,
        sql`SELECT l.id::text FROM audit_log l WHERE ${where} ORDER BY l.created_at DESC, l.id DESC LIMIT 1`.values,
      );
      const first = await measure({}, firstRow.rows[0]?.id, Math.min(AUDIT_PAGE_SIZE, matching));
      const deep = deepCursor
        ? await measure({ after: deepCursor }, around[1]?.id, Math.min(AUDIT_PAGE_SIZE, matching - deepOffset - 1))
        : { p50: Number.NaN, p95: Number.NaN };

      const explain = async (cursor: AuditCursor | null) => {
        return appTransaction(db.appUrl, scope, async (client) => {
          // The settings and the plan listAuditEvents gives its transaction.
          await client.query("SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)");
          const word = filters.q ? rarestSearchWordQuery(scope.tenantId, filters.q) : null;
          const rarest = word ? ((await client.query<{ term: string; events: number }>(word.text, word.values)).rows[0] ?? null) : null;
          const query = auditPageQuery(scope.tenantId, filters, cursor, "older", AUDIT_PAGE_SIZE + 1, auditPlan(filters, rarest));
          const { rows } = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode; "Execution Time": number }> }>(
            `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.text}`,
            query.values,
          );
          return summarisePlan(rows[0]!["QUERY PLAN"][0]!);
        });
      };
      const result: PageResult = {
        name: combo.name,
        params: combo.params.toString(),
        matching,
        deepOffset,
        first,
        deep,
        firstPlan: await explain(null),
        deepPlan: await explain(deepCursor),
      };
      results.push(result);
      log(
        `  ${combo.name.padEnd(26)} ${String(matching).padStart(9)} rows   first p50 ${first.p50.toFixed(1).padStart(6)} p95 ${first.p95.toFixed(1).padStart(6)} ms   deep p50 ${deep.p50.toFixed(1).padStart(6)} p95 ${deep.p95.toFixed(1).padStart(6)} ms`,
      );
    }
  } finally {
    await owner.end();
  }
  return results;
}

// ---------------------------------------------------------------------------
// The production server and its memory
// ---------------------------------------------------------------------------

async function buildApp(): Promise<number | null> {
  return (await buildNext(DIST_DIR, flag("rebuild"))).seconds;
}

type Server = NextServer;

function startServer(db: BenchDatabase): Promise<Server> {
  return startNextServer({
    distDir: DIST_DIR,
    db,
    env: { NODE_OPTIONS: SERVER_NODE_OPTIONS },
    ready: (url) => httpGet(`${url}/sign-in`, {}, () => {}),
  });
}

function countNewlines(chunk: Buffer): number {
  let n = 0;
  let i = -1;
  while ((i = chunk.indexOf(10, i + 1)) !== -1) n++;
  return n;
}

function httpGet(url: string, headers: Record<string, string>, onData: (chunk: Buffer) => void): Promise<{ status: number; ttfb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers, agent: false }, (res) => {
      const ttfb = performance.now() - started;
      res.on("data", onData);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ttfb }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

// ---------------------------------------------------------------------------
// Export throughput
// ---------------------------------------------------------------------------
interface ExportResult {
  label: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  megabytes: number;
  ttfbMs: number | null;
  peakRssMb: number | null;
}

async function copyBaseline(db: BenchDatabase, label: string): Promise<ExportResult> {
  const { auditExportQuery } = await import("../lib/audit/export-query");
  const { EMPTY_FILTERS } = await import("../lib/audit/filters");
  const scope = { tenantId: db.info.bigTenantId, sessionToken: await createBenchSession(db.ownerUrl, db.info.auditorId) };
  return appTransaction(db.appUrl, scope, async (client) => {
    const query = auditExportQuery(scope.tenantId, EMPTY_FILTERS);
    const sql = `COPY (${inlineParameters(query.text, query.values)}) TO STDOUT WITH (FORMAT csv)`;
    let rows = 0;
    let bytes = 0;
    const started = performance.now();
    await pipeline(
      client.query(copyTo(sql)),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          rows += countNewlines(chunk);
          bytes += chunk.length;
          callback();
        },
      }),
    );
    const took = seconds(started);
    return { label, rows, seconds: took, rowsPerSecond: rows / took, megabytes: bytes / 1e6, ttfbMs: null, peakRssMb: null };
  });
}

/**
 * The benchmark starts more exports in an hour than one user may
 * (lib/rate-limit.ts, exportsPerUser): it measures throughput, so before each
 * one it clears the auditor's count, as the table's owner.
 */
const liftExportLimit = (db: BenchDatabase) => ownerQuery(db.ownerUrl, "DELETE FROM rate_limits WHERE key LIKE 'exportsPerUser:%'");

async function httpExport(server: Server, cookie: string, format: "csv" | "jsonl", expected: number, sampler: RssSampler): Promise<ExportResult> {
  let lines = 0;
  let bytes = 0;
  sampler.start();
  const started = performance.now();
  const { status, ttfb } = await httpGet(`${server.url}/app/audit/export?format=${format}`, { cookie }, (chunk) => {
    lines += countNewlines(chunk);
    bytes += chunk.length;
  });
  const took = seconds(started);
  const peak = await sampler.stop();
  if (status !== 200) throw new Error(`export ${format}: HTTP ${status}`);
  const rows = format === "csv" ? lines - 1 : lines;
  if (rows !== expected) throw new Error(`export ${format}: ${rows} rows, expected ${expected} (the COPY just before)`);
  return { label: `HTTP export, ${format.toUpperCase()}`, rows, seconds: took, rowsPerSecond: rows / took, megabytes: bytes / 1e6, ttfbMs: ttfb, peakRssMb: peak / 2 ** 20 };
}

/** The shape of a plan: its sort, and how it reads audit_log. */
function planShape(node: PlanNode): string {
  const parts: string[] = [];
  const walk = (n: PlanNode) => {
    if (n["Node Type"] === "Sort") parts.push("Sort");
    if (n["Relation Name"] === "audit_log") parts.push(n["Index Name"] ? `${n["Node Type"]} on ${n["Index Name"]}` : n["Node Type"]);
    for (const child of n.Plans ?? []) walk(child);
  };
  walk(node);
  return parts.join(" ← ");
}

/** How Postgres plans the export query: as the raw COPY runs it (default settings), and as the export runs it (exportPlannerSettings). */
async function exportPlans(db: BenchDatabase): Promise<{ copy: string; exported: string; settings: string[] }> {
  const { auditExportQuery, exportPlannerSettings } = await import("../lib/audit/export-query");
  const { EMPTY_FILTERS } = await import("../lib/audit/filters");
  const scope = { tenantId: db.info.bigTenantId, sessionToken: await createBenchSession(db.ownerUrl, db.info.auditorId) };
  return appTransaction(db.appUrl, scope, async (client) => {
    const query = auditExportQuery(scope.tenantId, EMPTY_FILTERS);
    type Explained = { "QUERY PLAN": Array<{ Plan: PlanNode }> };
    const explain = async () => planShape((await client.query<Explained>(`EXPLAIN (FORMAT JSON) ${query.text}`, query.values)).rows[0]!["QUERY PLAN"][0]!.Plan);
    const copy = await explain();
    const settings = exportPlannerSettings(EMPTY_FILTERS);
    for (const setting of settings) await client.query(setting);
    return { copy, exported: await explain(), settings };
  });
}

interface ExportPhase {
  plans: { copy: string; exported: string; settings: string[] };
  results: ExportResult[];
  copyBest: number;
  idleRssMb: number;
  buildSeconds: number | null;
}

async function benchExport(db: BenchDatabase, targetId: string): Promise<ExportPhase> {
  const buildSeconds = await buildApp();
  const server = await startServer(db);
  log(`next start on ${server.url} (pid ${server.pid})`);
  const cookie = `${SESSION_COOKIE}=${await createBenchSession(db.ownerUrl, db.info.auditorId)}; prom_tenant=${db.info.bigTenantId}`;

  // Warm the route and the server's connections on small exports.
  for (const format of ["csv", "jsonl"] as const) {
    for (let i = 0; i < 3; i++) {
      let body = "";
      await liftExportLimit(db);
      const { status } = await httpGet(`${server.url}/app/audit/export?format=${format}&target=${encodeURIComponent(targetId)}`, { cookie }, (c) => (body += c.toString()));
      if (status !== 200 || !body) throw new Error(`warm-up export ${format}: HTTP ${status}\n${body.slice(0, 500)}\n${server.output.join("").slice(-2000)}`);
    }
  }
  const sampler = new RssSampler(server.pid, 50);
  await new Promise((r) => setTimeout(r, 1000));
  const idleRssMb = (await sampler.sample()) / 2 ** 20;

  log("  COPY warm-up (untimed)…");
  await copyBaseline(db, "warm-up");
  const results: ExportResult[] = [];
  const report = (r: ExportResult) => {
    results.push(r);
    log(
      `  ${r.label.padEnd(24)} ${r.rows.toLocaleString("en").padStart(10)} rows in ${r.seconds.toFixed(2).padStart(6)} s = ${Math.round(r.rowsPerSecond).toLocaleString("en").padStart(9)} rows/s` +
        (r.peakRssMb !== null ? `   peak RSS ${r.peakRssMb.toFixed(0)} MB` : ""),
    );
    return r;
  };
  // Interleaved, each export right after a COPY of the same rows, two rounds:
  // this machine's speed drifts, so each stream is compared best to best.
  let n = 0;
  for (let round = 1; round <= 2; round++) {
    for (const format of ["csv", "jsonl"] as const) {
      const copy = report(await copyBaseline(db, `COPY … TO STDOUT (${++n})`));
      await liftExportLimit(db);
      report({ ...(await httpExport(server, cookie, format, copy.rows, sampler)), label: `HTTP export, ${format.toUpperCase()} (${round})` });
    }
  }
  report(await copyBaseline(db, `COPY … TO STDOUT (${++n})`));
  const copyBest = Math.max(...results.filter((r) => r.label.startsWith("COPY")).map((r) => r.rowsPerSecond));
  return { plans: await exportPlans(db), results, copyBest, idleRssMb, buildSeconds };
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

const ms = (v: number) => (Number.isNaN(v) ? "–" : v.toFixed(1));
const shortIndex = (name: string) => name.replace(/^audit_log_/, "").replace(/_idx$/, "");
const planText = (p: PlanSummary) =>
  `${p.indexes.map(shortIndex).join(" + ") || "none"}${p.seqScan ? " **SEQ SCAN**" : ""}, reads ${p.examined.toLocaleString("en")}${p.sortedRows > 1000 ? `, sorts ${p.sortedRows.toLocaleString("en")}` : ""}`;

async function main() {
  const startedAt = new Date();
  const load = os.loadavg();
  const db = await setUpDatabase();
  process.env.APP_DATABASE_URL = db.appUrl;
  process.env.AUTH_SECRET ??= "bench-audit-cursor-key";

  const version = (await ownerQuery<{ version: string }>(db.ownerUrl, "SELECT version()"))[0]!.version;
  const [sizes] = await ownerQuery<{ total: string; tenants: string; actors: string; bytes: string }>(
    db.ownerUrl,
    `SELECT (SELECT count(*) FROM audit_log) AS total, (SELECT count(*) FROM tenants) AS tenants,
            (SELECT count(DISTINCT actor_email) FROM audit_log WHERE tenant_id = $1) AS actors,
            pg_size_pretty(pg_total_relation_size('audit_log')) AS bytes`,
    [db.info.bigTenantId],
  );
  const combos = await combinations(db.ownerUrl, db.info.bigTenantId);

  log(`\nPage queries: listAuditEvents as ${AUDITOR_EMAIL} (auditor), ${WARMUP} warm-up + ${RUNS} timed runs each`);
  const pages = await benchPages(db, combos);

  log("\nExport over HTTP (next start) and the COPY baseline");
  const targetId = combos.find((c) => c.name === "target id")!.params.get("target")!;
  const exported = await benchExport(db, targetId);
  const loadAfter = os.loadavg();

  const { getPool } = await import("../lib/db");
  await getPool().end();

  // -------------------------------------------------------------------------
  const worstPage = Math.max(...pages.flatMap((p) => [p.first.p95, p.deep.p95].filter((v) => !Number.isNaN(v))));
  const best = (kind: string) =>
    exported.results.filter((r) => r.label.includes(kind)).reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a));
  const csv = best("CSV");
  const jsonl = best("JSONL");
  const peakRss = Math.max(...exported.results.map((r) => r.peakRssMb ?? 0));
  const verdict = (ok: boolean) => (ok ? "met" : "**MISSED**");
  const nextVersion = JSON.parse(await readFile(path.join(ROOT, "node_modules", "next", "package.json"), "utf8")).version as string;
  const cpu = os.cpus();

  const md: string[] = [];
  md.push(`# Audit log benchmark — ${startedAt.toISOString()}`, "");
  md.push(
    table(
      ["machine", ""],
      [
        ["CPU", `${cpu.length} × ${cpu[0]?.model ?? "?"}`],
        ["memory", `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
        ["load average (1 min) before / after", `${load[0]!.toFixed(2)} / ${loadAfter[0]!.toFixed(2)}`],
        ["Node.js", process.version],
        ["Next.js", `${nextVersion}${SERVER_NODE_OPTIONS ? ` (server NODE_OPTIONS=${SERVER_NODE_OPTIONS})` : ""}`],
        ["Postgres", `${version.split(" on ")[0]} (${db.embedded ? "embedded" : "DATABASE_URL server"})`],
      ],
      ["l", "l"],
    ),
    "",
  );
  md.push(
    table(
      ["data", ""],
      [
        ["audit_log rows (all workspaces)", Number(sizes!.total).toLocaleString("en")],
        ["rows in the benchmarked workspace (seeded)", db.info.bigRows.toLocaleString("en")],
        ["workspaces", sizes!.tenants],
        ["actors in the benchmarked workspace", sizes!.actors],
        ["audit_log size with indexes", sizes!.bytes],
        ["seeding", db.seededNow ? `${db.seedSeconds!.toFixed(0)} s (this run)` : `reused (seeded earlier in ${db.seedSeconds?.toFixed(0) ?? "?"} s)`],
      ],
      ["l", "l"],
    ),
    "",
  );
  md.push(`## Page queries (listAuditEvents, ${RUNS} timed runs after ${WARMUP} warm-up; ms)`, "");
  md.push(
    table(
      ["filters", "matching", "first p50", "first p95", "deep at", "deep p50", "deep p95", "p95 < 25", "plan: first page", "plan: deep page"],
      pages.map((p) => [
        p.name,
        p.matching.toLocaleString("en"),
        ms(p.first.p50),
        ms(p.first.p95),
        p.deepOffset.toLocaleString("en"),
        ms(p.deep.p50),
        ms(p.deep.p95),
        Math.max(p.first.p95, Number.isNaN(p.deep.p95) ? 0 : p.deep.p95) < TARGET_PAGE_P95_MS ? "yes" : "**NO**",
        planText(p.firstPlan),
        planText(p.deepPlan),
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "l", "l", "l"],
    ),
    "",
    "Filter values (URL parameters of the audit page):",
    "",
    ...pages.map((p) => `- ${p.name}: \`${p.params || "(none)"}\``),
    "",
    "\"deep at\": the page after the row at that offset (250,000, or the middle of fewer matches). Plans: EXPLAIN (ANALYZE, BUFFERS) of auditPageQuery as the app role, in the tenant entered as the app enters it and with the settings listAuditEvents gives its transaction; the audit_log indexes each uses (prefix `audit_log_` and suffix `_idx` dropped) and how many audit_log rows its scans read.",
    "",
  );
  md.push("## Export of the whole workspace", "");
  md.push(
    table(
      ["stream", "rows", "seconds", "rows/s", "MB", "× COPY (best)", "first byte ms", "server peak RSS MB"],
      exported.results.map((r) => [
        r.label,
        r.rows.toLocaleString("en"),
        r.seconds.toFixed(2),
        Math.round(r.rowsPerSecond).toLocaleString("en"),
        r.megabytes.toFixed(0),
        (r.rowsPerSecond / exported.copyBest).toFixed(2),
        r.ttfbMs === null ? "" : r.ttfbMs.toFixed(0),
        r.peakRssMb === null ? "" : r.peakRssMb.toFixed(0),
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r"],
    ),
    "",
    `Server RSS before the exports (idle, after warm-up): ${exported.idleRssMb.toFixed(0)} MB — the \`next start\` process and its descendants, sampled every 50 ms. COPY: \`COPY (<auditExportQuery>) TO STDOUT WITH (FORMAT csv)\` as the app role in a tenant entered as the app enters it, read by pg-copy-streams in the bench process.`,
    "",
    `Plans of the export query — the raw COPY: ${exported.plans.copy}; the export's COPY (${exported.plans.settings.map((s) => s.replace("SET LOCAL ", "")).join(", ")}): ${exported.plans.exported}.`,
    "",
  );
  md.push("## Targets", "");
  md.push(
    table(
      ["target", "result", ""],
      [
        ["page p95 < 25 ms, every combination, first and deep", `worst ${worstPage.toFixed(1)} ms`, verdict(worstPage < TARGET_PAGE_P95_MS)],
        ["CSV export (best of 2) ≥ 0.5 × COPY (best of 5)", `${(csv.rowsPerSecond / exported.copyBest).toFixed(2)} ×`, verdict(csv.rowsPerSecond >= TARGET_EXPORT_RATIO * exported.copyBest)],
        ["JSONL export (best of 2) ≥ 0.5 × COPY (best of 5)", `${(jsonl.rowsPerSecond / exported.copyBest).toFixed(2)} ×`, verdict(jsonl.rowsPerSecond >= TARGET_EXPORT_RATIO * exported.copyBest)],
        ["server peak RSS < 250 MB during every export", `${peakRss.toFixed(0)} MB`, verdict(peakRss < TARGET_RSS_MB)],
      ],
      ["l", "r", "l"],
    ),
    "",
  );
  const report = md.join("\n");
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `audit-${startedAt.toISOString().replace(/[:.]/g, "-")}.md`);
  await writeFile(file, report);
  log(`\n${report}`);
  log(`Written to ${path.relative(ROOT, file)}`);
}

await runBench(main);
