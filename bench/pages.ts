// npm run bench:pages [-- --duration=10] [--connections=10] [--warmup=3] [--rebuild] [--gzip] [--help]
//
// Load on the signed-in, tenant-scoped pages of a production build (`next
// start`), measured with autocannon, next to a plain public dynamic page of
// the same app measured in the same run (before and after the signed-in
// pages, so drift shows).
//
// Budget (design doc): a plain Next.js 16 dynamic page serves ≈ 300 req/s,
// the same page reading its rows in one RLS transaction ≈ 225, a well-known
// SaaS starter's signed-in dashboard ≈ 90. Our signed-in, tenant-scoped pages
// aim for ≥ 0.75 × the plain page and ≥ 2.5 × that starter (≥ 225 req/s).
//
// Per page: requests/s, latency p50/p97.5/p99, non-2xx (must be 0), bytes
// per response, the database queries and transactions one request makes
// (counted inside the server by a preload that wraps pg's Client#query), the
// server's CPU time per request and its peak RSS.
//
// The database is `tenantry_bench_pages`, recreated and seeded (small) on
// every run: on DATABASE_URL's server, else on an embedded Postgres in
// .data/bench-pages-postgres that is deleted again afterwards. The app is
// built into .next-bench-pages (reused while no source is newer).
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import autocannon, { type Result } from "autocannon";
import pg from "pg";
import { resolvePostgres } from "../scripts/db/postgres";
import { prepareDatabase, type PreparedDatabase } from "../scripts/db/prepare";
import { buildNext, createBenchSession, log, ownerQuery, RESULTS_DIR, ROOT, RssSampler, seconds, runBench, startNextServer, SESSION_COOKIE, stoppers, table, type NextServer } from "./lib";

const DATABASE = "tenantry_bench_pages";
const DIST_DIR = ".next-bench-pages";

// The design doc's reference points (req/s) and targets.
const DOC_PLAIN_RPS = 300;
const STARTER_RPS = 90;
const TARGET_VS_PLAIN = 0.75;
const TARGET_VS_STARTER = 2.5;

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------
const USAGE = `npm run bench:pages [-- options]

  --duration=S       seconds of measured load per page (default 10)
  --connections=N    concurrent connections autocannon keeps open (default 10)
  --warmup=S         seconds of unmeasured load before each measurement (default 3)
  --pause=S          idle seconds between pages (default 2)
  --probe=N          sequential requests per page to count its database queries (default 5)
  --gzip             send Accept-Encoding: gzip (default: uncompressed responses)
  --rebuild          rebuild the app even if ${DIST_DIR} is newer than the sources
  --help             this text

DATABASE_URL: a Postgres server the bench may create and drop the database
${DATABASE} on, as a superuser (seeding writes past row-level security).
Unset: an embedded Postgres is started in .data/bench-pages-postgres and
removed afterwards. Results: a markdown table on stdout and JSON in bench/results/.`;

const args = process.argv.slice(2);
const KNOWN = new Set(["duration", "connections", "warmup", "pause", "probe", "gzip", "rebuild", "help"]);
for (const arg of args) {
  const name = /^--([a-z-]+)(=|$)/.exec(arg)?.[1];
  if (!name || !KNOWN.has(name)) {
    console.error(`Unknown argument: ${arg}\n\n${USAGE}`);
    process.exit(2);
  }
}
if (args.includes("--help")) {
  console.log(USAGE);
  process.exit(0);
}
const flag = (name: string) => args.includes(`--${name}`);
function option(name: string, fallback: number, min: number): number {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  if (!found) return fallback;
  const value = Number(found.slice(name.length + 3));
  if (!Number.isFinite(value) || value < min) {
    console.error(`--${name} must be a number ≥ ${min}`);
    process.exit(2);
  }
  return value;
}
const DURATION = option("duration", 10, 1);
const CONNECTIONS = Math.round(option("connections", 10, 1));
const WARMUP = option("warmup", 3, 0);
const PAUSE = option("pause", 2, 0);
const PROBE = Math.round(option("probe", 5, 1));
const GZIP = flag("gzip");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Database: created, migrated and seeded on every run (a few seconds)
// ---------------------------------------------------------------------------
const TENANT_NAME = "Acme Pages Bench";
const TENANT_SLUG = "acme-pages-bench";
const BENCH_EMAIL = "bench.owner@acme-pages-bench.example";
const SIZE = { members: 50, pendingInvitations: 12, expiredInvitations: 2, closedInvitations: 8, auditEvents: 3000, otherWorkspaces: 3, otherEvents: 1000 };

interface Seeded {
  tenantId: string;
  userId: string;
  memberCount: number;
  pendingInvitations: number;
  auditEvents: number;
  auditRowsAllWorkspaces: number;
}

interface BenchDatabase extends PreparedDatabase {
  embedded: boolean;
  seeded: Seeded;
  seedSeconds: number;
}

async function setUpDatabase(): Promise<BenchDatabase> {
  const server = await resolvePostgres(path.join(ROOT, ".data", "bench-pages-postgres"), false);
  stoppers.push(() => server.stop());
  log(`Postgres: ${server.embedded ? "embedded (.data/bench-pages-postgres, removed afterwards)" : "DATABASE_URL's server"}, database ${DATABASE} (recreated)`);
  const db = await prepareDatabase({ serverUrl: server.adminUrl, database: DATABASE, recreate: true });
  const started = performance.now();
  const seeded = await seed(db.ownerUrl);
  const seedSeconds = seconds(started);
  log(`Seeded in ${seedSeconds.toFixed(1)} s: ${seeded.memberCount} members, ${seeded.pendingInvitations} pending invitations, ${seeded.auditEvents.toLocaleString("en")} audit events in “${TENANT_NAME}”.`);
  return { ...db, embedded: server.embedded, seeded, seedSeconds };
}

const FIRST = ["ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "frances", "edsger", "radia", "donald", "sophie", "tim", "hedy", "john", "katherine", "niklaus", "annie", "guido"];
const LAST = ["lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov", "thompson", "allen", "dijkstra", "perlman", "knuth", "wilson", "berners", "lamarr", "backus", "johnson", "wirth", "easley", "rossum"];
const DOMAINS = ["gmail.com", "outlook.com", "proton.me", "fastmail.com", "partner-agency.example", "contractors.example"];
const AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
];
const arr = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(",")}]`;

/**
 * As the owner connection, which must be a superuser: the tables FORCE
 * row-level security, and a superuser is the one role it does not bind.
 * Each workspace's audit rows are still inserted with app.tenant_id and
 * app.user_id set, as the app would, for the triggers that read them.
 * Users 1–50 are the main workspace's members (user 1, the one the bench
 * signs in as, is its owner); users 51–60 populate three other workspaces
 * the bench user also belongs to (the workspace switcher lists them).
 */
async function seed(ownerUrl: string): Promise<Seeded> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const su = await client.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!su.rows[0]?.rolsuper) {
      throw new Error("Seeding needs a superuser DATABASE_URL (row-level security is forced on the tables); unset DATABASE_URL to use an embedded Postgres.");
    }
    const tenantId = (i: number | string) => `md5('pages-tenant-' || (${i}))::uuid`;
    const userId = (k: number | string) => `md5('pages-user-' || (${k}))::uuid`;
    await client.query("SELECT setseed(0.20261125)");
    await client.query(
      `INSERT INTO users (id, name, email, email_verified, created_at)
       SELECT ${userId("k")},
              CASE WHEN k = 1 THEN 'Bench Owner' ELSE initcap(f) || ' ' || initcap(l) END,
              CASE WHEN k = 1 THEN $1::text ELSE f || '.' || l || k || '@' || CASE WHEN k <= $2::int THEN $3::text ELSE 'elsewhere.example' END END,
              now(), now() - interval '400 days'
         FROM generate_series(1, $2::int + 10) k,
              LATERAL (SELECT (${arr(FIRST)})[1 + (k * 7) % 20] AS f, (${arr(LAST)})[1 + (k * 13) % 20] AS l) n`,
      [BENCH_EMAIL, SIZE.members, `${TENANT_SLUG}.example`],
    );
    await client.query(
      `INSERT INTO tenants (id, name, slug, created_at)
       SELECT ${tenantId("i")}, (ARRAY[$1::text, 'Globex Research', 'Initech Platform', 'Umbrella Labs'])[i + 1],
              (ARRAY[$2::text, 'globex-research', 'initech-platform', 'umbrella-labs'])[i + 1], now() - interval '400 days'
         FROM generate_series(0, $3::int) i`,
      [TENANT_NAME, TENANT_SLUG, SIZE.otherWorkspaces],
    );
    await client.query(
      `INSERT INTO tenant_members (tenant_id, user_id, role, created_at)
       SELECT ${tenantId(0)}, ${userId("k")},
              (CASE WHEN k <= 2 THEN 'owner' WHEN k <= 10 THEN 'admin' WHEN k <= 13 THEN 'auditor' ELSE 'member' END)::member_role,
              now() - interval '400 days' + k * interval '7 days'
         FROM generate_series(1, $1::int) k`,
      [SIZE.members],
    );
    await client.query(
      `INSERT INTO tenant_members (tenant_id, user_id, role)
       SELECT ${tenantId("t")}, ${userId("k")}, (CASE WHEN k = $1::int + t THEN 'owner' ELSE 'member' END)::member_role
         FROM generate_series(1, $2::int) t, generate_series($1::int + 1, $1::int + 10) k
       UNION ALL
       SELECT ${tenantId("t")}, ${userId(1)}, (ARRAY['admin', 'member', 'auditor'])[1 + (t - 1) % 3]::member_role
         FROM generate_series(1, $2::int) t`,
      [SIZE.members, SIZE.otherWorkspaces],
    );
    await client.query(`UPDATE users SET last_tenant_id = ${tenantId(0)} WHERE id = ${userId(1)}`);
    // Pending (shown), pending but expired (shown, marked), accepted and revoked (not shown).
    const { pendingInvitations: p, expiredInvitations: x, closedInvitations: c } = SIZE;
    await client.query(
      `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at, invited_by, accepted_at, revoked_at, created_at)
       SELECT ${tenantId(0)},
              (${arr(FIRST)})[1 + (n * 11) % 20] || '.' || (${arr(LAST)})[1 + (n * 17) % 20] || '.' || n || '@' || (${arr(DOMAINS)})[1 + n % ${DOMAINS.length}],
              (ARRAY['member', 'member', 'member', 'admin', 'auditor'])[1 + n % 5]::member_role,
              encode(sha256(convert_to('pages-invitation-' || n, 'UTF8')), 'hex'),
              (CASE WHEN n <= $1::int + $2::int THEN 'pending' WHEN n % 2 = 0 THEN 'accepted' ELSE 'revoked' END)::invitation_status,
              CASE WHEN n <= $1::int THEN now() + (7 - n % 6) * interval '1 day' ELSE now() - interval '1 day' END,
              ${userId("1 + n % 10")},
              CASE WHEN n > $1::int + $2::int AND n % 2 = 0 THEN now() - n * interval '1 day' END,
              CASE WHEN n > $1::int + $2::int AND n % 2 = 1 THEN now() - n * interval '1 day' END,
              CASE WHEN n <= $1::int THEN now() - n * interval '5 hours' ELSE now() - (8 + n) * interval '1 day' END
         FROM generate_series(1, $1::int + $2::int + $3::int) n`,
      [p, x, c],
    );
    const auditRows = async (tenant: number, count: number, firstActor: number, actors: number) => {
      const email = `(${arr(FIRST)})[1 + (g * 11) % 20] || '.' || (${arr(LAST)})[1 + (g * 17) % 20] || '.' || g || '@' || (${arr(DOMAINS)})[1 + g % ${DOMAINS.length}]`;
      await client.query("BEGIN");
      await client.query(`SELECT set_config('app.tenant_id', (${tenantId(tenant)})::text, true), set_config('app.user_id', (${userId(1)})::text, true)`);
      await client.query(
        `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent, created_at)
         SELECT ${tenantId(tenant)}, u.id, u.email, s.action,
                CASE WHEN s.action = 'tenant.switch' THEN 'tenant' WHEN s.action = 'audit.export' THEN 'audit_log'
                     WHEN s.action LIKE 'member.invite%' THEN 'invitation' ELSE 'user' END,
                CASE WHEN s.action IN ('tenant.switch', 'audit.export') THEN (${tenantId(tenant)})::text
                     ELSE md5('pages-target-' || s.g)::uuid::text END,
                CASE s.action
                  WHEN 'tenant.switch' THEN jsonb_build_object('remembered', s.r3 < 0.1)
                  WHEN 'member.invite' THEN jsonb_build_object('email', s.email, 'role', s.role, 'email_dispatched', s.r3 > 0.03)
                  WHEN 'member.invite.resend' THEN jsonb_build_object('email', s.email, 'role', s.role, 'email_dispatched', true, 'previous_invitation_id', md5('pages-prev-' || s.g)::uuid::text)
                  WHEN 'member.invite.revoke' THEN jsonb_build_object('email', s.email, 'role', s.role, 'was_expired', s.r3 < 0.3)
                  WHEN 'member.invite.accept' THEN jsonb_build_object('email', s.email, 'role', s.role, 'invited_role', s.role, 'already_member', false)
                  WHEN 'member.remove' THEN jsonb_build_object('email', s.email, 'role', s.role)
                  WHEN 'member.role.change' THEN jsonb_build_object('email', s.email, 'from', 'member', 'to', s.role)
                  WHEN 'member.leave' THEN jsonb_build_object('role', 'member')
                  ELSE jsonb_build_object('format', 'csv', 'filters', '{}'::jsonb, 'rows', (s.r3 * 3000)::int, 'complete', true)
                END,
                '10.' || (s.g % 250) || '.' || (s.g * 7 % 250) || '.' || (1 + s.g % 250),
                (${arr(AGENTS)})[1 + s.g % ${AGENTS.length}],
                now() - ($1::int - s.g) * interval '43 minutes'
           FROM (SELECT g, r2, r3,
                        CASE WHEN r1 < 0.55 THEN 'tenant.switch' WHEN r1 < 0.72 THEN 'member.invite' WHEN r1 < 0.84 THEN 'member.invite.accept'
                             WHEN r1 < 0.88 THEN 'member.invite.resend' WHEN r1 < 0.92 THEN 'member.invite.revoke' WHEN r1 < 0.95 THEN 'member.remove'
                             WHEN r1 < 0.97 THEN 'member.role.change' WHEN r1 < 0.99 THEN 'member.leave' ELSE 'audit.export' END AS action,
                        ${email} AS email,
                        (ARRAY['member', 'member', 'admin', 'auditor'])[1 + g % 4] AS role
                   FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3 FROM generate_series(1, $1::int) g OFFSET 0) r) s
           JOIN users u ON u.id = md5('pages-user-' || ($2::int + floor(s.r2 * s.r2 * $3::int)::int))::uuid
          ORDER BY s.g`,
        [count, firstActor, actors],
      );
      await client.query("COMMIT");
    };
    await auditRows(0, SIZE.auditEvents, 1, SIZE.members);
    for (let t = 1; t <= SIZE.otherWorkspaces; t++) await auditRows(t, Math.round(SIZE.otherEvents / SIZE.otherWorkspaces), SIZE.members + 1, 10);
    await client.query("VACUUM ANALYZE");

    const [row] = (
      await client.query<{ tenant_id: string; user_id: string; members: number; pending: number; events: number; all_events: number }>(
        `SELECT t.id AS tenant_id, u.id AS user_id,
                (SELECT count(*)::int FROM tenant_members WHERE tenant_id = t.id) AS members,
                (SELECT count(*)::int FROM tenant_invitations WHERE tenant_id = t.id AND status = 'pending') AS pending,
                (SELECT count(*)::int FROM audit_log WHERE tenant_id = t.id) AS events,
                (SELECT count(*)::int FROM audit_log) AS all_events
           FROM tenants t, users u WHERE t.slug = $1 AND u.email = $2`,
        [TENANT_SLUG, BENCH_EMAIL],
      )
    ).rows;
    if (!row) throw new Error("Seeding left no bench workspace or user.");
    return {
      tenantId: row.tenant_id,
      userId: row.user_id,
      memberCount: row.members,
      pendingInvitations: row.pending,
      auditEvents: row.events,
      auditRowsAllWorkspaces: row.all_events,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------
// The production build and server
// ---------------------------------------------------------------------------

async function buildApp(): Promise<{ seconds: number | null; routes: string }> {
  const build = await buildNext(DIST_DIR, flag("rebuild"));
  // The route table `next build` prints (○ static, ƒ dynamic).
  const at = build.output.indexOf("Route (app)");
  const routes = at < 0 ? "" : build.output.slice(at).split("\n").filter((l) => /[○ƒ●]/.test(l)).join("\n");
  return { seconds: build.seconds, routes };
}

interface Server extends NextServer {
  probeFile: string;
}

// Loaded into the server with --require: counts the queries the app sends
// through pg (Prisma's driver adapter uses pg's Client#query for every
// statement, BEGIN and COMMIT included) and, on SIGUSR2, writes the counts,
// the process's CPU time and its memory to a file.
const PRELOAD = `"use strict";
const fs = require("node:fs");
const { createRequire } = require("node:module");
const file = process.env.BENCH_PAGES_PROBE_FILE;
const counts = { queries: 0, transactions: 0, hooked: false, error: null };
const RECENT = 64;
const recent = new Array(RECENT);
try {
  const pg = createRequire(process.env.BENCH_PAGES_ROOT + "/package.json")("pg");
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === "string" ? config : config && config.text;
    recent[counts.queries % RECENT] = text;
    counts.queries++;
    if (typeof text === "string" && /^\\s*BEGIN\\b/i.test(text)) counts.transactions++;
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
  fs.writeFileSync(file + ".tmp", JSON.stringify({ seq, ...counts, statements, cpuMicros: cpu.user + cpu.system, ...process.memoryUsage(), gc: command === "gc" && typeof global.gc === "function" }));
  fs.renameSync(file + ".tmp", file);
});
`;

async function startServer(db: BenchDatabase): Promise<Server> {
  const scratch = path.join(os.tmpdir(), `tenantry-bench-pages-${process.pid}`);
  await mkdir(scratch, { recursive: true });
  stoppers.push(() => rm(scratch, { recursive: true, force: true }));
  const preload = path.join(scratch, "count-queries.cjs");
  await writeFile(preload, PRELOAD);
  const probeFile = path.join(scratch, "probe.json");
  const server = await startNextServer({
    distDir: DIST_DIR,
    db,
    env: { NODE_OPTIONS: `--require ${preload} --expose-gc`, BENCH_PAGES_PROBE_FILE: probeFile, BENCH_PAGES_ROOT: ROOT },
    ready: (url) => get(`${url}/api/health`, {}),
  });
  return { ...server, probeFile };
}

interface Probe {
  seq: number;
  queries: number;
  transactions: number;
  hooked: boolean;
  error: string | null;
  /** The last (up to 64) statements sent, oldest first. */
  statements: string[];
  cpuMicros: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS, ArrayBuffers and WebAssembly memories included. */
  external: number;
  arrayBuffers: number;
  gc: boolean;
}

let probeSeq = 0;
/** The server's query counts, CPU time and memory now (from the preload); after a full GC when asked. */
async function probe(server: Server, options: { gc?: boolean } = {}): Promise<Probe> {
  const want = ++probeSeq;
  await writeFile(`${server.probeFile}.cmd`, options.gc ? "gc" : "");
  process.kill(server.pid, "SIGUSR2");
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = await readFile(server.probeFile, "utf8").catch(() => "");
    if (text) {
      const found = JSON.parse(text) as Probe;
      if (found.seq >= want) return found;
    }
    if (Date.now() > deadline) throw new Error("The server did not answer the probe (SIGUSR2) within 5 s.");
    await sleep(20);
  }
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string>): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url}: no answer within 30 s`)));
    req.on("error", reject);
  });
}

// ---------------------------------------------------------------------------
// The pages
// ---------------------------------------------------------------------------
interface Page {
  key: string;
  label: string;
  path: string;
  signedIn: boolean;
  /** What a correct, signed-in rendering of this page contains; returns what is missing. */
  check(html: string, seeded: Seeded): string[];
}

const count = (html: string, needle: string) => html.split(needle).length - 1;
const need = (problems: string[], ok: boolean, what: string) => void (ok || problems.push(what));

function signedInChecks(html: string, problems: string[]) {
  need(problems, html.includes(`data-testid="signed-in-as"`) && html.includes(BENCH_EMAIL), `the sidebar's “signed in as ${BENCH_EMAIL}”`);
  need(problems, html.includes(TENANT_NAME), `the workspace name “${TENANT_NAME}”`);
  need(problems, !html.includes("One account for every workspace"), "not the sign-in page");
}

const PAGES: Page[] = [
  {
    key: "plain",
    label: "/sign-in (public, dynamic: the plain page)",
    path: "/sign-in",
    signedIn: false,
    check(html) {
      const problems: string[] = [];
      need(problems, html.includes("One account for every workspace"), "the sign-in page's text");
      need(problems, html.includes('type="email"'), "the email field of the sign-in form");
      return problems;
    },
  },
  {
    key: "dashboard",
    label: "/app/dashboard",
    path: "/app/dashboard",
    signedIn: true,
    check(html, seeded) {
      const problems: string[] = [];
      signedInChecks(html, problems);
      need(problems, html.includes(`data-testid="dashboard-role"`), "the dashboard's role card");
      need(problems, html.includes(`data-testid="dashboard-workspace-name">${TENANT_NAME}<`), "the dashboard's workspace name");
      need(problems, html.includes(`>${seeded.memberCount}</p>`), `the member count ${seeded.memberCount}`);
      return problems;
    },
  },
  {
    key: "settings",
    label: "/app/settings (members)",
    path: "/app/settings",
    signedIn: true,
    check(html, seeded) {
      const problems: string[] = [];
      signedInChecks(html, problems);
      const rows = count(html, `data-testid="member-row"`);
      need(problems, rows === 20, `20 member rows (a page of ${seeded.memberCount}), found ${rows}`);
      const invitations = count(html, `data-testid="invitation-row"`);
      need(problems, invitations === seeded.pendingInvitations, `${seeded.pendingInvitations} invitation rows, found ${invitations}`);
      need(problems, html.includes(`data-testid="invite-form"`), "the invite form (the bench user is an owner)");
      return problems;
    },
  },
  {
    key: "audit",
    label: "/app/audit",
    path: "/app/audit",
    signedIn: true,
    check(html) {
      const problems: string[] = [];
      signedInChecks(html, problems);
      const rows = count(html, `data-testid="audit-row"`);
      need(problems, rows === 50, `50 audit rows, found ${rows}`);
      need(problems, html.includes(`rel="next"`), "the link to older events");
      return problems;
    },
  },
];

interface Measurement {
  page: string;
  label: string;
  path: string;
  /** Mean of autocannon's per-second samples. */
  requestsPerSecond: number;
  requests: number;
  latencyMs: { average: number; p50: number; p97_5: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** The checked response's body (decoded size when compressed). */
  htmlBytes: number;
  /** What went over the wire per response during the load, headers included. */
  wireBytesPerResponse: number;
  contentEncoding: string | null;
  cacheControl: string | null;
  /** Exact, from sequential requests. */
  queriesPerRequest: number | null;
  transactionsPerRequest: number | null;
  /** Over the measured load (includes requests cut off at the end). */
  queriesPerRequestUnderLoad: number | null;
  /** The statements of the last of those requests, in order. */
  statements: string[];
  serverCpuMsPerRequest: number;
  serverCpuCores: number;
  /** CPU the bench process (autocannon) used meanwhile, on the same machine. */
  loadGeneratorCpuCores: number;
  peakRssMb: number;
  /** After the load and a full GC: what the server retains. */
  heapAfterGcMb: number;
  externalAfterGcMb: number;
  rssAfterGcMb: number;
}

function headersFor(page: Page, cookie: string): Record<string, string> {
  return { ...(page.signedIn ? { cookie } : {}), ...(GZIP ? { "accept-encoding": "gzip" } : {}) };
}

async function measure(server: Server, db: BenchDatabase, page: Page, cookie: string): Promise<Measurement> {
  const url = `${server.url}${page.path}`;
  const headers = headersFor(page, cookie);

  // 1. It must render what it should, as a 200, before it is loaded.
  const first = await get(url, headers);
  const encoding = typeof first.headers["content-encoding"] === "string" ? first.headers["content-encoding"] : null;
  const body = encoding === "gzip" ? gunzipSync(first.body) : first.body;
  const html = body.toString("utf8");
  if (first.status !== 200) {
    const where = first.headers.location ? ` → ${first.headers.location}` : "";
    throw new Error(`${page.path}: HTTP ${first.status}${where} before loading${where.includes("/sign-in") ? " (the session was not accepted)" : ""}.\n${html.slice(0, 500)}`);
  }
  const problems = page.check(html, db.seeded);
  if (problems.length) throw new Error(`${page.path} answered 200 but is missing: ${problems.join("; ")}.`);
  const cacheControl = typeof first.headers["cache-control"] === "string" ? first.headers["cache-control"] : null;
  if (!cacheControl?.includes("no-store")) {
    throw new Error(`${page.path} is not dynamically rendered (Cache-Control: ${cacheControl ?? "none"}${first.headers["x-nextjs-cache"] ? `, x-nextjs-cache: ${String(first.headers["x-nextjs-cache"])}` : ""}).`);
  }

  // 2. The queries one request makes, exactly: sequential requests.
  const before = await probe(server);
  for (let i = 0; i < PROBE; i++) {
    const r = await get(url, headers);
    if (r.status !== 200) throw new Error(`${page.path}: HTTP ${r.status} while counting queries.`);
  }
  const after = await probe(server);
  const counted = after.hooked;
  const perProbe = (after.queries - before.queries) / PROBE;
  const statements = counted && Number.isInteger(perProbe) && perProbe > 0 ? after.statements.slice(-perProbe) : [];

  // 3. Warm-up, then the measured load.
  if (WARMUP > 0) await autocannon({ url, connections: CONNECTIONS, duration: WARMUP, headers });
  const sampler = new RssSampler(server.pid, 100);
  sampler.start();
  const start = await probe(server);
  const clientStart = process.cpuUsage();
  const result: Result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers, title: page.key });
  const client = process.cpuUsage(clientStart);
  const end = await probe(server);
  const peak = await sampler.stop();
  const settled = await probe(server, { gc: true });

  const completed = result.requests.total;
  const perRequest = (a: number, b: number, n: number) => (counted ? Math.round(((b - a) / n) * 100) / 100 : null);
  const cpuMs = (end.cpuMicros - start.cpuMicros) / 1000;
  return {
    page: page.key,
    label: page.label,
    path: page.path,
    requestsPerSecond: result.requests.average,
    requests: completed,
    latencyMs: { average: result.latency.average, p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    htmlBytes: body.length,
    wireBytesPerResponse: completed ? result.throughput.total / completed : 0,
    contentEncoding: encoding,
    cacheControl,
    queriesPerRequest: perRequest(before.queries, after.queries, PROBE),
    transactionsPerRequest: perRequest(before.transactions, after.transactions, PROBE),
    queriesPerRequestUnderLoad: completed ? perRequest(start.queries, end.queries, completed) : null,
    statements,
    serverCpuMsPerRequest: completed ? cpuMs / completed : 0,
    serverCpuCores: cpuMs / 1000 / result.duration,
    loadGeneratorCpuCores: (client.user + client.system) / 1e6 / result.duration,
    peakRssMb: peak / 2 ** 20,
    heapAfterGcMb: settled.heapUsed / 2 ** 20,
    externalAfterGcMb: settled.external / 2 ** 20,
    rssAfterGcMb: settled.rss / 2 ** 20,
  };
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

const fixed = (v: number | null, digits = 1) => (v === null ? "n/a" : v.toFixed(digits));

async function main() {
  const startedAt = new Date();
  log(`Load: ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s measured per page${GZIP ? ", gzip" : ", uncompressed"}.`);
  const db = await setUpDatabase();
  const build = await buildApp();
  const server = await startServer(db);
  log(`next start on ${server.url} (pid ${server.pid})`);
  const idle = await probe(server);
  if (!idle.hooked) log(`  (query counting is off: ${idle.error ?? "pg not hooked"})`);

  const cookie = `${SESSION_COOKIE}=${await createBenchSession(db.ownerUrl, db.seeded.userId)}; prom_tenant=${db.seeded.tenantId}`;

  // Every page once, then a short load on each, so that the first page
  // measured does not pay alone for the server's cold code.
  if (WARMUP > 0) {
    log(`\nWarm-up: ${WARMUP} s on each page.`);
    for (const page of PAGES) {
      const r = await get(`${server.url}${page.path}`, headersFor(page, cookie));
      if (r.status !== 200) throw new Error(`${page.path}: HTTP ${r.status}${r.headers.location ? ` → ${r.headers.location}` : ""} on the first request.`);
      await autocannon({ url: `${server.url}${page.path}`, connections: CONNECTIONS, duration: WARMUP, headers: headersFor(page, cookie) });
    }
  }

  // The plain page before and after the signed-in pages: the spread between
  // the two is a measure of the noise of the machine during the run.
  const loadBefore = os.loadavg();
  const order = [PAGES[0]!, ...PAGES.slice(1), PAGES[0]!];
  const results: Measurement[] = [];
  for (const [i, page] of order.entries()) {
    if (PAUSE > 0) await sleep(PAUSE * 1000);
    log(`\n${page.label}${i === order.length - 1 ? " — again" : ""}`);
    const m = await measure(server, db, page, cookie);
    results.push(m);
    log(
      `  ${m.requestsPerSecond.toFixed(1)} req/s · p50 ${m.latencyMs.p50} ms · p97.5 ${m.latencyMs.p97_5} ms · p99 ${m.latencyMs.p99} ms · non-2xx ${m.non2xx} · ` +
        `${(m.htmlBytes / 1024).toFixed(1)} KB · ${fixed(m.queriesPerRequest)} queries (${fixed(m.transactionsPerRequest)} tx)/request\n` +
        `  server CPU ${m.serverCpuMsPerRequest.toFixed(2)} ms/request (${m.serverCpuCores.toFixed(2)} cores; autocannon ${m.loadGeneratorCpuCores.toFixed(2)}) · ` +
        `peak RSS ${m.peakRssMb.toFixed(0)} MB, after GC ${m.rssAfterGcMb.toFixed(0)} MB (heap ${m.heapAfterGcMb.toFixed(0)} MB, external ${m.externalAfterGcMb.toFixed(0)} MB)`,
    );
    if (m.statements.length && i < order.length - 1) log(m.statements.map((q, n) => `    ${String(n + 1).padStart(2)}. ${q}`).join("\n"));
  }
  const loadAfter = os.loadavg();

  const plainRuns = results.filter((r) => r.page === "plain");
  const plain = plainRuns.reduce((s, r) => s + r.requestsPerSecond, 0) / plainRuns.length;
  const signedIn = results.filter((r) => r.page !== "plain");
  const failures = results.filter((r) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0);
  // The design doc's machine: plain page ≈ 300 req/s. Scaled by the ratio to
  // the plain page measured here, what each page would serve there.
  const scaled = (r: Measurement) => (r.requestsPerSecond / plain) * DOC_PLAIN_RPS;
  // The server's one JavaScript thread is what saturates: 1 / (CPU time per
  // request) bounds its req/s, and CPU time per request moves much less than
  // req/s when other work shares the machine.
  const plainCpu = plainRuns.reduce((s, r) => s + r.serverCpuMsPerRequest, 0) / plainRuns.length;
  const byCpu = (r: Measurement) => plainCpu / r.serverCpuMsPerRequest;
  const spread = Math.abs(plainRuns[0]!.requestsPerSecond - plainRuns[plainRuns.length - 1]!.requestsPerSecond) / plain;
  const NOISY = 0.2;

  const nextVersion = JSON.parse(await readFile(path.join(ROOT, "node_modules", "next", "package.json"), "utf8")).version as string;
  const acVersion = JSON.parse(await readFile(path.join(ROOT, "node_modules", "autocannon", "package.json"), "utf8")).version as string;
  const pgVersion = (await ownerQuery<{ v: string }>(db.ownerUrl, "SELECT split_part(version(), ' on ', 1) AS v"))[0]!.v;
  const cpu = os.cpus();
  const expired = SIZE.expiredInvitations;

  const md: string[] = [];
  md.push(`# Signed-in pages under load — ${startedAt.toISOString()}`, "");
  md.push(
    `${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s measured per page (autocannon ${acVersion}, in the bench process on the same machine), ${GZIP ? "gzip" : "uncompressed"} responses; ` +
      `\`next start\` ${nextVersion} on ${cpu.length} × ${cpu[0]?.model.trim() ?? "?"}, Node ${process.version}, ${pgVersion} (${db.embedded ? "embedded" : "DATABASE_URL server"}), ` +
      `app pool ${process.env.DATABASE_POOL_SIZE ?? 10} connections. Load average (1 min) ${loadBefore[0]!.toFixed(2)} before the measurements, ${loadAfter[0]!.toFixed(2)} after. ` +
      `Signed in as the owner of “${TENANT_NAME}”: ${db.seeded.memberCount} members, ${db.seeded.pendingInvitations} pending invitations (${expired} of them expired), ` +
      `${db.seeded.auditEvents.toLocaleString("en")} audit events (${db.seeded.auditRowsAllWorkspaces.toLocaleString("en")} in ${SIZE.otherWorkspaces + 1} workspaces).`,
    "",
  );
  md.push(
    table(
      ["page", "req/s", "× plain", `× ${STARTER_RPS}`, "p50 ms", "p97.5 ms", "p99 ms", "non-2xx", "HTML KB", "bytes/resp", "queries/req", "tx/req", "CPU ms/req", "peak RSS MB"],
      results.map((r, i) => [
        r.page === "plain" ? `${r.path} (plain${i > 0 ? ", again" : ""})` : r.path,
        r.requestsPerSecond.toFixed(1),
        (r.requestsPerSecond / plain).toFixed(2),
        (r.requestsPerSecond / STARTER_RPS).toFixed(2),
        String(r.latencyMs.p50),
        String(r.latencyMs.p97_5),
        String(r.latencyMs.p99),
        String(r.non2xx + r.errors + r.timeouts),
        (r.htmlBytes / 1024).toFixed(1),
        Math.round(r.wireBytesPerResponse).toLocaleString("en"),
        fixed(r.queriesPerRequest),
        fixed(r.transactionsPerRequest),
        r.serverCpuMsPerRequest.toFixed(2),
        r.peakRssMb.toFixed(0),
      ]),
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
    "",
    `“× plain” divides by the mean of the two plain-page runs (${plain.toFixed(1)} req/s; they differ by ${(spread * 100).toFixed(0)}%). ` +
      `non-2xx counts errors and timeouts too. bytes/resp: on the wire, headers included. queries/req and tx/req: statements and transactions the server sent through pg for one request, ` +
      `from ${PROBE} sequential requests. CPU ms/req: the server process's user + system CPU time over the measured load, divided by the requests it completed ` +
      `(autocannon itself used ${Math.min(...results.map((r) => r.loadGeneratorCpuCores)).toFixed(2)}–${Math.max(...results.map((r) => r.loadGeneratorCpuCores)).toFixed(2)} of the ${cpu.length} cores). ` +
      `Peak RSS: the server process tree, sampled every 100 ms during the measured load; after the last page and a full GC the server held ` +
      `${results[results.length - 1]!.rssAfterGcMb.toFixed(0)} MB RSS, ${results[results.length - 1]!.heapAfterGcMb.toFixed(0)} MB of heap.`,
    "",
  );
  md.push(
    table(
      ["target", ...signedIn.map((r) => r.path)],
      [
        [`≥ ${TARGET_VS_PLAIN} × the plain page`, ...signedIn.map((r) => `${(r.requestsPerSecond / plain).toFixed(2)} ${r.requestsPerSecond >= TARGET_VS_PLAIN * plain ? "met" : "**MISSED**"}`)],
        [
          `the same, by server CPU per request (plain ${plainCpu.toFixed(2)} ms)`,
          ...signedIn.map((r) => `${byCpu(r).toFixed(2)} ${byCpu(r) >= TARGET_VS_PLAIN ? "met" : "**MISSED**"}`),
        ],
        [
          `≥ ${TARGET_VS_STARTER} × ${STARTER_RPS} = ${TARGET_VS_STARTER * STARTER_RPS} req/s, as measured here`,
          ...signedIn.map((r) => `${r.requestsPerSecond.toFixed(0)} ${r.requestsPerSecond >= TARGET_VS_STARTER * STARTER_RPS ? "met" : "**MISSED**"}`),
        ],
        [
          `the same, scaled to the doc's machine (plain = ${DOC_PLAIN_RPS})`,
          ...signedIn.map((r) => `${scaled(r).toFixed(0)} ${scaled(r) >= TARGET_VS_STARTER * STARTER_RPS ? "met" : "**MISSED**"}`),
        ],
        ["no non-2xx, errors or timeouts", ...signedIn.map((r) => (r.non2xx + r.errors + r.timeouts === 0 ? "met" : "**FAILED**"))],
      ],
      ["l", ...signedIn.map(() => "r" as const)],
    ),
    "",
    `The ${STARTER_RPS} req/s of the starter and the ${DOC_PLAIN_RPS} req/s of the plain page were measured on the design doc's machine, not here: ` +
      `“as measured here” compares this machine's req/s with them directly; “scaled” first multiplies each page's ratio to the plain page measured in this run by ${DOC_PLAIN_RPS}. ` +
      `“By server CPU per request”: the plain page's CPU time per request over the page's — the ratio of req/s the server would reach with a core to itself.`,
    "",
  );
  if (spread > NOISY) {
    md.push(
      `**Noisy run:** the plain page's two measurements differ by ${(spread * 100).toFixed(0)}% (load average ${loadBefore[0]!.toFixed(2)} → ${loadAfter[0]!.toFixed(2)}): ` +
        `other work shared the machine. Trust the CPU-per-request ratios over the req/s ones, or run again.`,
      "",
    );
  }
  if (build.routes) md.push("Route table of this build (`next build`):", "", "```", build.routes, "```", "");
  const report = md.join("\n");

  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `pages-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(
    file,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        options: { duration: DURATION, connections: CONNECTIONS, warmup: WARMUP, pause: PAUSE, probe: PROBE, gzip: GZIP },
        machine: { cpus: cpu.length, cpu: cpu[0]?.model.trim(), memoryGiB: os.totalmem() / 2 ** 30, loadBefore, loadAfter, node: process.version },
        versions: { next: nextVersion, autocannon: acVersion, postgres: pgVersion, embeddedPostgres: db.embedded },
        data: { ...db.seeded, seedSeconds: db.seedSeconds },
        build: { distDir: DIST_DIR, seconds: build.seconds },
        reference: { docPlainRps: DOC_PLAIN_RPS, starterRps: STARTER_RPS, targetVsPlain: TARGET_VS_PLAIN, targetVsStarter: TARGET_VS_STARTER },
        plainRps: plain,
        plainCpuMsPerRequest: plainCpu,
        plainSpread: spread,
        noisy: spread > NOISY,
        results: results.map((r) => ({ ...r, vsPlain: r.requestsPerSecond / plain, vsStarter: r.requestsPerSecond / STARTER_RPS, scaledToDocMachine: scaled(r), vsPlainByCpu: byCpu(r) })),
        markdown: report,
      },
      null,
      2,
    ),
  );
  log(`\n${report}`);
  log(`Written to ${path.relative(ROOT, file)}`);
  if (failures.length) {
    throw new Error(
      `Non-2xx responses, errors or timeouts under load: ${failures
        .map((r) => `${r.path}: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)}), ${r.errors} errors, ${r.timeouts} timeouts`)
        .join("; ")}\n${server.output.join("").slice(-3000)}`,
    );
  }
}

await runBench(main);
