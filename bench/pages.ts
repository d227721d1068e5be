// npm run bench:pages [-- --duration=15] [--connections=32] [--rounds=2] [--no-scale] [--counts-only] [--help]
//
// The signed-in pages under load, measured against the baseline app
// (bench/baseline: a minimal Next.js page, its 30 KB table from constants or
// from one RLS transaction) in the same run: both production builds
// (`next start`) run side by side, and autocannon loads one page at a time,
// alternating between them in rounds (round 1 in order, round 2 reversed, …)
// so that drift of the machine shows as spread and falls on both alike.
//
// The dashboard, members and audit pages are also set against a plain page
// of their own size: the baseline's table (/sized/{rows}) with as many rows
// as make its HTML as large as the page's, loaded in the same rounds.
//
// Per page: requests/s (mean of its rounds, and their range), × the plain
// 30 KB page (the baseline's /static of the same run), server CPU time per
// request, the statements and transactions one view sends (counted inside
// each server by a preload that wraps pg's Client#query) and the server's
// peak RSS. Then, at scale (unless --no-scale): the members page of a
// workspace with 10,000 members, the dashboard of a user with 500
// workspaces and the switcher's list of them loaded when it opens (a server
// action's call, posted as the browser posts it), and the audit page of the
// big workspace: server time per request (timed inside the server, one request
// at a time; p50/p95), statements and transactions per view, and req/s under
// the same load. Last, without load: one view of every signed-in page of
// the app (the workspace pages as the main workspace's owner, the user's
// pages, /app/onboarding as a user of no workspace, /app/suspended as the
// owner of a suspended workspace, the /admin pages as a platform
// administrator): its HTTP status, statements, transactions and round trips,
// counted by the same preload, against issue 10's ≤ 1 transaction and ≤ 4
// statements. --counts-only runs that section alone (the app's build and
// server and the seed, no baseline, no load, no scale): about a minute once
// the app is built.
//
// Targets (issue 10): /app/dashboard ≥ 0.75 × the plain page's req/s,
// /app/settings and /app/audit ≥ 0.6 ×; the app server's peak RSS < 300 MB
// under the load; ≤ 1 transaction and ≤ 4 statements per signed-in view (the
// loaded pages, and every signed-in page by the counts); at scale, p95 < 50
// ms for the members page and the switcher with the same transaction count,
// and the audit page keeping its targets.
//
// The app's database is `tenantry_bench_pages`, the baseline's `perfanchor`
// (harness/setup.sql; none with --counts-only), both recreated on every run:
// on DATABASE_URL's server, else on an embedded Postgres in
// .data/bench-pages-postgres that is deleted again afterwards. Builds go to
// .next-bench-pages and bench/baseline/.next-bench-baseline (reused while no
// source is newer).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import autocannon, { type Result } from "autocannon";
import { mintApiKey } from "../lib/api-keys/format";
import { resolvePostgres } from "../scripts/db/postgres";
import { prepareDatabase, type PreparedDatabase } from "../scripts/db/prepare";
import { encodeActionArguments, formArguments, readServerActions } from "../scripts/server-action-build";
import { buildBaseline, setUpBaselineDatabase, startBaselineServer } from "./baseline-app";
import { buildNext, createBenchSession, log, ownerQuery, postgresCpuBetween, postgresCpuMicros, RESULTS_DIR, ROOT, RssSampler, seconds, runBench, startNextServer, SESSION_COOKIE, stoppers, table, type NextServer } from "./lib";
import {
  ADMIN_EMAIL,
  BENCH_EMAIL,
  NEWCOMER_EMAIL,
  NEWCOMER_INVITED_TO,
  SCALE_OWNER_EMAIL,
  SCALE_TENANT_NAME,
  seed,
  SIZE,
  SUSPENDED_EMAIL,
  SUSPENDED_TENANT_NAME,
  SWITCHER_EMAIL,
  TENANT_NAME,
  type ScaleSize,
  type SeedResult,
} from "./pages-seed";
import { probe, probeEnv } from "./server-probe";

const DATABASE = "tenantry_bench_pages";
const DIST_DIR = ".next-bench-pages";

// Issue 10's targets.
const TARGET_VS_PLAIN: Record<string, number> = { dashboard: 0.75, settings: 0.6, audit: 0.6 };
const TARGET_RSS_MB = 300;
const TARGET_TRANSACTIONS = 1;
const TARGET_STATEMENTS = 4;
const TARGET_SCALE_P95_MS = 50;

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------
const USAGE = `npm run bench:pages [-- options]

  --duration=S            seconds of measured load per page and round (default 15)
  --connections=N         concurrent connections autocannon keeps open (default 32)
  --warmup=S              seconds of unmeasured load before each measurement (default 3)
  --rounds=N              rounds over all pages, every other one in reverse order (default 2)
  --pause=S               idle seconds between measurements (default 2)
  --probe=N               sequential requests per page to count its database statements (default 5)
  --no-scale              skip the scale scenarios (and their seeding)
  --scale-requests=N      sequential requests per scale page for p50/p95 (default 200)
  --scale-members=N       members of the big workspace (default 10000)
  --scale-memberships=N   workspaces of the switcher user (default 500)
  --scale-audit-events=N  audit events of the big workspace (default 100000)
  --counts-only           only count one view of every signed-in page (statements, transactions,
                          round trips; --probe requests each): the app's build, server and seed,
                          no baseline app, no load, no scale scenarios
  --gzip                  send Accept-Encoding: gzip (default: uncompressed responses)
  --rebuild               rebuild both apps even if their builds are newer than the sources
  --help                  this text

DATABASE_URL: a Postgres server the bench may create and drop the databases
${DATABASE} and perfanchor (and the roles pa_owner, pa_app) on, as a
superuser (seeding writes past row-level security). Unset: an embedded
Postgres is started in .data/bench-pages-postgres and removed afterwards.
Results: a Markdown report on stdout, and it and every measurement as JSON
in bench/results/.`;

const args = process.argv.slice(2);
const KNOWN = new Set(["duration", "connections", "warmup", "rounds", "pause", "probe", "no-scale", "counts-only", "scale-requests", "scale-members", "scale-memberships", "scale-audit-events", "gzip", "rebuild", "help"]);
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
const DURATION = option("duration", 15, 1);
const CONNECTIONS = Math.round(option("connections", 32, 1));
const WARMUP = option("warmup", 3, 0);
const ROUNDS = Math.round(option("rounds", 2, 1));
const PAUSE = option("pause", 2, 0);
const PROBE = Math.round(option("probe", 5, 1));
const GZIP = flag("gzip");
/** Only the page counts: no baseline, no load, no scale. */
const COUNTS_ONLY = flag("counts-only");
const SCALE: ScaleSize | null = flag("no-scale") || COUNTS_ONLY
  ? null
  : {
      members: Math.round(option("scale-members", 10_000, 20)),
      memberships: Math.round(option("scale-memberships", 500, 1)),
      auditEvents: Math.round(option("scale-audit-events", 100_000, 100)),
    };
const SCALE_REQUESTS = Math.round(option("scale-requests", 200, 10));
/**
 * Seconds before autocannon gives up on a response (its default is 10): on a
 * machine shared with other work, a page at 32 connections can take that
 * long, and a request given up on is counted as an error, not as slow.
 */
const REQUEST_TIMEOUT_S = 30;
/** Sequential requests before the timed ones of a scale page. */
const SCALE_WARM_REQUESTS = 20;
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE ?? 10);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Databases: both created and seeded on every run (seconds)
// ---------------------------------------------------------------------------
interface BenchDatabase extends PreparedDatabase {
  embedded: boolean;
  seeded: SeedResult;
  seedSeconds: number;
  /** Null with --counts-only: no baseline app. */
  baselineUrl: string | null;
}

async function setUpDatabases(): Promise<BenchDatabase> {
  const server = await resolvePostgres("bench-pages-postgres", false);
  stoppers.push(() => server.stop());
  log(`Postgres: ${server.embedded ? `embedded (${server.dataDir}, removed afterwards)` : "DATABASE_URL's server"}, database${COUNTS_ONLY ? ` ${DATABASE}` : `s ${DATABASE} and perfanchor`} (recreated)`);
  const baseline = COUNTS_ONLY ? null : await setUpBaselineDatabase(server.adminUrl);
  const db = await prepareDatabase({ serverUrl: server.adminUrl, database: DATABASE, recreate: true });
  const started = performance.now();
  const seeded = await seed(db.ownerUrl, SCALE);
  const seedSeconds = seconds(started);
  const { main, scale } = seeded;
  log(`Seeded in ${seedSeconds.toFixed(1)} s: ${main.memberCount} members, ${main.pendingInvitations} pending invitations, ${main.auditEvents.toLocaleString("en")} audit events in “${TENANT_NAME}”.`);
  log(`  For the page counts: a platform administrator (${ADMIN_EMAIL}), a user of no workspace (${NEWCOMER_EMAIL}), the owner of the suspended “${SUSPENDED_TENANT_NAME}” (${SUSPENDED_EMAIL}).`);
  if (scale) {
    log(
      `  At scale: ${scale.memberCount.toLocaleString("en")} members and ${scale.auditEvents.toLocaleString("en")} audit events in “${SCALE_TENANT_NAME}”; ` +
        `${scale.switcherTenantIds.length} workspaces for ${SWITCHER_EMAIL}.`,
    );
  }
  return { ...db, embedded: server.embedded, seeded, seedSeconds, baselineUrl: baseline?.appUrl ?? null };
}

// ---------------------------------------------------------------------------
// The two servers
// ---------------------------------------------------------------------------
type ServerName = "baseline" | "app";

interface Server extends NextServer {
  name: ServerName;
  probeFile: string;
  /** Sampled from start to end of the run, warm-ups included. */
  rss: RssSampler;
}

async function buildApp(): Promise<{ seconds: number | null; routes: string }> {
  const build = await buildNext(DIST_DIR, flag("rebuild"));
  // The route table `next build` prints (○ static, ƒ dynamic).
  const at = build.output.indexOf("Route (app)");
  const routes = at < 0 ? "" : build.output.slice(at).split("\n").filter((l) => /[○ƒ●]/.test(l)).join("\n");
  return { seconds: build.seconds, routes };
}

/** Rejects until `url` answers 200: a server is ready once a page renders. */
async function answers(url: string): Promise<void> {
  const r = await send(url, {});
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
}

const withRss = (name: ServerName, server: NextServer, probeFile: string): Server => {
  const rss = new RssSampler(server.pid, 250);
  rss.start();
  return { ...server, name, probeFile, rss };
};

/** The app's server (all that --counts-only starts). */
async function startApp(db: BenchDatabase): Promise<Server> {
  const appProbe = await probeEnv("app");
  // The API's rate limits would refuse a load test: lifted for the bench (the limiter still runs on every request).
  const app = await startNextServer({ distDir: DIST_DIR, db, env: { ...appProbe.env, API_RATE_LIMIT_PER_KEY: "100000000", API_RATE_LIMIT_PER_IP: "100000000" }, ready: (url) => answers(`${url}/api/health`) });
  return withRss("app", app, appProbe.file);
}

async function startServers(db: BenchDatabase): Promise<Record<ServerName, Server>> {
  const app = await startApp(db);
  const baselineProbe = await probeEnv("baseline");
  const baseline = await startBaselineServer({ appUrl: db.baselineUrl!, poolSize: POOL_SIZE, env: baselineProbe.env, ready: (url) => answers(`${url}/static`) });
  return { app, baseline: withRss("baseline", baseline, baselineProbe.file) };
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET, or the POST of a server action's call when `body` is given (see prepareActionCalls). */
function send(url: string, headers: Record<string, string>, agent: http.Agent | false = false, body?: Buffer): Promise<Response> {
  return new Promise((resolve, reject) => {
    const options = body ? { method: "POST", headers: { ...headers, origin: new URL(url).origin }, agent } : { headers, agent };
    const req = http.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${body ? "POST" : "GET"} ${url}: no answer within 30 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------------------
// The pages
// ---------------------------------------------------------------------------
/**
 * Who a page is viewed as: the main workspace's owner, the big workspace's
 * owner, the user of many workspaces, the main owner's API key; for the page
 * counts also a user of no workspace, the owner of a suspended workspace
 * (their tenant cookie naming it) and a platform administrator.
 */
type Viewer = "main" | "scaleOwner" | "switcher" | "apiKey" | "newcomer" | "suspended" | "admin";

interface Page {
  key: string;
  server: ServerName;
  path: string;
  /** What the report calls it. */
  label: string;
  viewer: Viewer | null;
  /**
   * Not the page but a call of this server action on it ("module#export"),
   * as the browser makes it with a form of no fields: a POST of the
   * action's id and its encoded arguments (prepareActionCalls).
   */
  action?: string;
  /** What a correct rendering of this page contains; returns what is missing. */
  check(html: string, seeded: SeedResult): string[];
}

interface ScalePage extends Page {
  /** What is big about it, for the report. */
  data: (seeded: SeedResult) => string;
  /** Also measured under load (req/s, × plain, peak RSS). */
  load: boolean;
  /** The issue-10 target its p95 is held to, if any. */
  p95Target: boolean;
}

const count = (html: string, needle: string) => html.split(needle).length - 1;
const need = (problems: string[], ok: boolean, what: string) => void (ok || problems.push(what));

function signedInChecks(html: string, problems: string[], email: string, workspace: string) {
  need(problems, html.includes(`data-testid="signed-in-as"`) && html.includes(email), `the sidebar's “signed in as ${email}”`);
  need(problems, html.includes(workspace), `the workspace name “${workspace}”`);
  need(problems, !html.includes("One account for every workspace"), "not the sign-in page");
}

function baselineTable(title: string): Page["check"] {
  return (html) => {
    const problems: string[] = [];
    need(problems, html.includes(`<h1>${title}</h1>`), `the heading “${title}”`);
    const rows = count(html, "<tr>");
    need(problems, rows === 51, `a header row and 50 rows, found ${rows} rows`);
    return problems;
  };
}

/**
 * The signed-in pages also measured against a plain page of their own size:
 * the baseline's table (/sized/{rows}, /static's table with more or fewer
 * rows) with as many rows as make its HTML as large as the page's. The ratio
 * to /static says what a page costs against a 30 KB page; this one, what it
 * costs against a plain page of the same size.
 */
const SAME_SIZE_AS = ["dashboard", "settings", "audit"] as const;
const sameSizeKey = (key: string) => `same-size:${key}`;

function baselineRows(rows: number): Page["check"] {
  return (html) => {
    const problems: string[] = [];
    need(problems, html.includes("<h1>Static rows</h1>"), "the heading “Static rows”");
    const found = count(html, "<tr>");
    need(problems, found === rows + 1, `a header row and ${rows} rows, found ${found} rows`);
    return problems;
  };
}

const LOAD_PAGES: Page[] = [
  { key: "static", server: "baseline", path: "/static", label: "baseline `/static` (the plain 30 KB page)", viewer: null, check: baselineTable("Static rows") },
  { key: "rls", server: "baseline", path: "/rls", label: "baseline `/rls` (the same, one RLS transaction)", viewer: null, check: baselineTable("Postgres rows (RLS)") },
  // The baseline's table as large as each of these signed-in pages (path, label and check set by sizeBaselinePages).
  ...SAME_SIZE_AS.map((key): Page => ({ key: sameSizeKey(key), server: "baseline", path: "", label: "", viewer: null, check: () => ["not sized yet"] })),
  {
    key: "sign-in",
    server: "app",
    path: "/sign-in",
    label: "`/sign-in` (public, no database)",
    viewer: null,
    check(html) {
      const problems: string[] = [];
      need(problems, html.includes("One account for every workspace"), "the sign-in page's text");
      need(problems, html.includes('type="email"'), "the email field of the sign-in form");
      return problems;
    },
  },
  {
    key: "dashboard",
    server: "app",
    path: "/app/dashboard",
    label: "`/app/dashboard`",
    viewer: "main",
    check(html, { main }) {
      const problems: string[] = [];
      signedInChecks(html, problems, BENCH_EMAIL, TENANT_NAME);
      need(problems, html.includes(`data-testid="dashboard-role"`), "the dashboard's role card");
      need(problems, html.includes(`data-testid="dashboard-workspace-name">${TENANT_NAME}<`), "the dashboard's workspace name");
      need(problems, html.includes(`>${main.memberCount}</p>`), `the member count ${main.memberCount}`);
      return problems;
    },
  },
  {
    key: "settings",
    server: "app",
    path: "/app/settings",
    label: "`/app/settings` (members)",
    viewer: "main",
    check(html, { main }) {
      const problems: string[] = [];
      signedInChecks(html, problems, BENCH_EMAIL, TENANT_NAME);
      const rows = count(html, `data-testid="member-row"`);
      need(problems, rows === 20, `20 member rows (a page of ${main.memberCount}), found ${rows}`);
      const invitations = count(html, `data-testid="invitation-row"`);
      need(problems, invitations === main.pendingInvitations, `${main.pendingInvitations} invitation rows, found ${invitations}`);
      need(problems, html.includes(`data-testid="invite-form"`), "the invite form (the bench user is an owner)");
      return problems;
    },
  },
  {
    key: "audit",
    server: "app",
    path: "/app/audit",
    label: "`/app/audit`",
    viewer: "main",
    check(html) {
      const problems: string[] = [];
      signedInChecks(html, problems, BENCH_EMAIL, TENANT_NAME);
      const rows = count(html, `data-testid="audit-row"`);
      need(problems, rows === 50, `50 audit rows, found ${rows}`);
      need(problems, html.includes(`rel="next"`), "the link to older events");
      return problems;
    },
  },
  {
    key: "api-me",
    server: "app",
    path: "/api/v1/me",
    label: "`GET /api/v1/me` (by API key)",
    viewer: "apiKey",
    check(body) {
      const problems: string[] = [];
      const me = JSON.parse(body) as { user?: { email?: string }; tenants?: unknown[] };
      need(problems, me.user?.email === BENCH_EMAIL, `the bench user (${BENCH_EMAIL})`);
      need(problems, me.tenants?.length === SIZE.otherWorkspaces + 1, `${SIZE.otherWorkspaces + 1} workspaces, found ${me.tenants?.length}`);
      return problems;
    },
  },
  {
    key: "api-members",
    server: "app",
    path: "/api/v1/tenants/{tenant}/members",
    label: "`GET /api/v1/tenants/{id}/members` (a page of 20, by API key)",
    viewer: "apiKey",
    check(body, { main }) {
      const problems: string[] = [];
      const page = JSON.parse(body) as { data?: unknown[]; total?: number };
      need(problems, page.data?.length === 20, `20 members, found ${page.data?.length}`);
      need(problems, page.total === main.memberCount, `total ${main.memberCount}, found ${page.total}`);
      return problems;
    },
  },
];

/** The scale scenarios' sizes as the report names them. */
const MEMBERS_TEXT = (SCALE?.members ?? 0).toLocaleString("en");
const LAST_MEMBERS_PAGE = Math.ceil((SCALE?.members ?? 0) / 20);

/** The search of the scale members page: a last name a twentieth of the members share. */
const SCALE_SEARCH = "hopper";

function membersPageChecks(html: string, scale: NonNullable<SeedResult["scale"]>, rows: number): string[] {
  const problems: string[] = [];
  signedInChecks(html, problems, SCALE_OWNER_EMAIL, SCALE_TENANT_NAME);
  const found = count(html, `data-testid="member-row"`);
  need(problems, found === rows, `${rows} member rows, found ${found}`);
  need(problems, count(html, `data-testid="invitation-row"`) === scale.pendingInvitations, `${scale.pendingInvitations} invitation rows`);
  return problems;
}

const SCALE_PAGES: ScalePage[] = [
  {
    // The page carries none of the list beyond the active workspace (components/switcher-list.ts) …
    key: "switcher",
    server: "app",
    path: "/app/dashboard",
    label: `\`/app/dashboard\` of a user of ${SCALE?.memberships ?? 0} workspaces`,
    viewer: "switcher",
    data: ({ scale }) => `${scale!.switcherTenantIds.length} workspaces, the list not in the page`,
    load: true,
    p95Target: true,
    check(html, { scale }) {
      const problems: string[] = [];
      signedInChecks(html, problems, SWITCHER_EMAIL, scale!.switcherTenantName);
      const carried = scale!.switcherTenantIds.filter((id) => id !== scale!.switcherTenantId && html.includes(id)).length;
      need(problems, carried === 0, `none of the switcher's other workspaces in the page (${carried} of ${scale!.switcherTenantIds.length - 1} there)`);
      return problems;
    },
  },
  {
    // … and the switcher loads it when it is about to open: the server action's call, as the browser posts it.
    key: "switcher-open",
    server: "app",
    path: "/app/dashboard",
    action: "app/app/actions.ts#listSwitcherWorkspaces",
    label: `the switcher's list of ${SCALE?.memberships ?? 0} workspaces, opened (\`listSwitcherWorkspaces\`)`,
    viewer: "switcher",
    data: ({ scale }) => `${scale!.switcherTenantIds.length} workspaces in the switcher`,
    load: false,
    p95Target: true,
    check(body, { scale }) {
      const problems: string[] = [];
      const missing = scale!.switcherTenantIds.filter((id) => !body.includes(id)).length;
      need(problems, missing === 0, `every workspace of the switcher (${missing} of ${scale!.switcherTenantIds.length} missing)`);
      return problems;
    },
  },
  {
    key: "members-scale",
    server: "app",
    path: "/app/settings",
    label: `\`/app/settings\`, ${MEMBERS_TEXT} members, first page`,
    viewer: "scaleOwner",
    data: ({ scale }) => `${scale!.memberCount.toLocaleString("en")} members, page 1 of ${Math.ceil(scale!.memberCount / 20)}`,
    load: true,
    p95Target: true,
    check: (html, { scale }) => [...membersPageChecks(html, scale!, 20), ...(html.includes(String(scale!.memberCount)) ? [] : [`the total ${scale!.memberCount}`])],
  },
  {
    key: "members-scale-last",
    server: "app",
    path: `/app/settings?page=${LAST_MEMBERS_PAGE}`,
    label: `\`/app/settings\`, ${MEMBERS_TEXT} members, last page`,
    viewer: "scaleOwner",
    data: ({ scale }) => `${scale!.memberCount.toLocaleString("en")} members, page ${Math.ceil(scale!.memberCount / 20)}`,
    load: false,
    p95Target: true,
    check: (html, { scale }) => membersPageChecks(html, scale!, scale!.memberCount % 20 || 20),
  },
  {
    key: "members-scale-search",
    server: "app",
    path: `/app/settings?q=${SCALE_SEARCH}`,
    label: `\`/app/settings\`, ${MEMBERS_TEXT} members, search “${SCALE_SEARCH}”`,
    viewer: "scaleOwner",
    data: ({ scale }) => `${scale!.memberCount.toLocaleString("en")} members searched, page 1`,
    load: false,
    p95Target: true,
    check: (html, { scale }) => membersPageChecks(html, scale!, 20),
  },
  {
    // The API by key, timed per request in the server like the pages above
    // (the issue's p95 next to the plain page): the bench user's workspace.
    key: "api-me-latency",
    server: "app",
    path: "/api/v1/me",
    label: "`GET /api/v1/me` (by API key)",
    viewer: "apiKey",
    data: () => `the bench user, ${SIZE.otherWorkspaces + 1} workspaces`,
    load: false,
    p95Target: false,
    check: (body) => (body.includes(BENCH_EMAIL) ? [] : [`the bench user (${BENCH_EMAIL})`]),
  },
  {
    key: "api-members-latency",
    server: "app",
    path: "/api/v1/tenants/{tenant}/members",
    label: "`GET /api/v1/tenants/{id}/members` (a page of 20, by API key)",
    viewer: "apiKey",
    data: () => `${SIZE.members} members, first page of 20`,
    load: false,
    p95Target: false,
    check: (body) => ((JSON.parse(body) as { data?: unknown[] }).data?.length === 20 ? [] : ["20 members"]),
  },
  {
    key: "audit-scale",
    server: "app",
    path: "/app/audit",
    label: `\`/app/audit\` of the ${MEMBERS_TEXT}-member workspace`,
    viewer: "scaleOwner",
    data: ({ scale }) => `${scale!.auditEvents.toLocaleString("en")} events by ${scale!.memberCount.toLocaleString("en")} members`,
    load: true,
    p95Target: false,
    check(html) {
      const problems: string[] = [];
      signedInChecks(html, problems, SCALE_OWNER_EMAIL, SCALE_TENANT_NAME);
      const rows = count(html, `data-testid="audit-row"`);
      need(problems, rows === 50, `50 audit rows, found ${rows}`);
      return problems;
    },
  },
];

// ---------------------------------------------------------------------------
// Every signed-in page, one view each (counted, not loaded)
// ---------------------------------------------------------------------------
interface CountPage extends Page {
  /** The workspace's pages, the user's own, the platform's console. */
  group: "workspace" | "user" | "platform";
}

/** A search of the audit log: a word that is in the main workspace's events (the invited addresses' last names). */
const AUDIT_SEARCH = "hopper";
/**
 * The confirmation link's parameters as the transfer's email writes them
 * (lib/transfer): the page checks their shape and renders the confirm button
 * without reading the transfer, which the button's action checks; no
 * transfer is seeded (one would change /app/settings/transfer).
 */
const CONFIRM_QUERY = `tenant={tenant}&transfer=3f1c9d2e-7a44-4c1b-9e3a-2b8d6f0a1c37&token=bench-confirmation-token-of-a-link-0001`;

const VIEWER_TEXT: Partial<Record<Viewer, string>> = {
  main: `owner of “${TENANT_NAME}”`,
  newcomer: `user of no workspace (1 invitation)`,
  suspended: `owner of “${SUSPENDED_TENANT_NAME}” (suspended)`,
  admin: "platform administrator",
};

/** The page is the workspace shell around the main workspace, signed in as its owner, plus `marks` (what → text in the page). */
function workspacePage(marks: Record<string, string>): CountPage["check"] {
  return (html) => {
    const problems: string[] = [];
    signedInChecks(html, problems, BENCH_EMAIL, TENANT_NAME);
    for (const [what, text] of Object.entries(marks)) need(problems, html.includes(text), what);
    return problems;
  };
}

/** The page contains each of `marks` (what → text). */
function contains(marks: Record<string, string>): CountPage["check"] {
  return (html) => Object.entries(marks).flatMap(([what, text]) => (html.includes(text) ? [] : [what]));
}

const adminPage = (marks: Record<string, string>) => contains({ [`the console's header with ${ADMIN_EMAIL}`]: ADMIN_EMAIL, "the console's name": "Platform administration", ...marks });

const COUNT_PAGES: CountPage[] = [
  { key: "count-dashboard", group: "workspace", server: "app", path: "/app/dashboard", label: "`/app/dashboard`", viewer: "main", check: workspacePage({ "the dashboard's role card": `data-testid="dashboard-role"` }) },
  { key: "count-settings", group: "workspace", server: "app", path: "/app/settings", label: "`/app/settings` (members)", viewer: "main", check: workspacePage({ "the member rows": `data-testid="member-row"`, "the invite form": `data-testid="invite-form"` }) },
  {
    key: "count-settings-general",
    group: "workspace",
    server: "app",
    path: "/app/settings/general",
    label: "`/app/settings/general`",
    viewer: "main",
    check: workspacePage({ "the name and slug form": `data-testid="settings-name-slug"`, "the branding section": `data-testid="settings-branding"` }),
  },
  {
    key: "count-settings-api-keys",
    group: "workspace",
    server: "app",
    path: "/app/settings/api-keys",
    label: "`/app/settings/api-keys` (1 key)",
    viewer: "main",
    check: workspacePage({ "the new-key form": `data-testid="create-api-key-form"`, "the bench's key": `data-testid="api-key-row"` }),
  },
  {
    key: "count-settings-transfer",
    group: "workspace",
    server: "app",
    path: "/app/settings/transfer",
    label: "`/app/settings/transfer` (no transfer under way)",
    viewer: "main",
    check: workspacePage({ "the start of a transfer": `id="transfer-start-title"` }),
  },
  {
    key: "count-settings-transfer-confirm",
    group: "workspace",
    server: "app",
    path: `/app/settings/transfer/confirm?${CONFIRM_QUERY}`,
    label: "`/app/settings/transfer/confirm` (a link's parameters; the page reads no transfer)",
    viewer: "main",
    check: workspacePage({ "the confirm button's form": `data-testid="transfer-confirm"` }),
  },
  { key: "count-audit", group: "workspace", server: "app", path: "/app/audit", label: "`/app/audit`", viewer: "main", check: workspacePage({ "the audit rows": `data-testid="audit-row"` }) },
  {
    key: "count-audit-search",
    group: "workspace",
    server: "app",
    path: `/app/audit?q=${AUDIT_SEARCH}`,
    label: `\`/app/audit?q=${AUDIT_SEARCH}\` (a search)`,
    viewer: "main",
    check: workspacePage({ [`events matching “${AUDIT_SEARCH}”`]: `data-testid="audit-row"` }),
  },
  { key: "count-projects", group: "workspace", server: "app", path: "/app/projects", label: "`/app/projects` (none yet)", viewer: "main", check: workspacePage({ "the projects page": `data-testid="projects-empty"` }) },
  { key: "count-hierarchy", group: "workspace", server: "app", path: "/app/hierarchy", label: "`/app/hierarchy`", viewer: "main", check: workspacePage({ "the child workspaces section": `data-testid="child-workspaces"` }) },
  { key: "count-profile", group: "user", server: "app", path: "/app/profile", label: "`/app/profile`", viewer: "main", check: workspacePage({ "the profile's email": `data-testid="profile-email"`, "the sessions": `data-testid="sessions-title"` }) },
  { key: "count-trash", group: "user", server: "app", path: "/app/trash", label: "`/app/trash` (empty)", viewer: "main", check: contains({ "the trash's heading": ">Trash</h1>", "the empty trash": "Nothing in the trash.", "the way back to the workspace": TENANT_NAME }) },
  {
    key: "count-workspaces-new",
    group: "user",
    server: "app",
    path: "/app/workspaces/new",
    label: "`/app/workspaces/new`",
    viewer: "main",
    check: contains({ "the page's heading": ">Create a workspace</h1>", "the way back to the workspace": TENANT_NAME }),
  },
  {
    key: "count-onboarding",
    group: "user",
    server: "app",
    path: "/app/onboarding",
    label: "`/app/onboarding`",
    viewer: "newcomer",
    check: contains({ "the welcome": "Welcome to Tenantry", "the user's email": NEWCOMER_EMAIL, [`the invitation to ${NEWCOMER_INVITED_TO}`]: NEWCOMER_INVITED_TO, "the invitations list": `data-testid="pending-invitations"` }),
  },
  {
    key: "count-suspended",
    group: "user",
    server: "app",
    path: "/app/suspended",
    label: "`/app/suspended`",
    viewer: "suspended",
    check: contains({ "the suspension's title": `data-testid="suspended-title"`, "the workspace's name": SUSPENDED_TENANT_NAME }),
  },
  { key: "count-admin", group: "platform", server: "app", path: "/admin", label: "`/admin` (the directory)", viewer: "admin", check: adminPage({ "the directory": `data-testid="admin-directory"`, "the newest workspace (the suspended one)": SUSPENDED_TENANT_NAME }) },
  { key: "count-admin-plans", group: "platform", server: "app", path: "/admin/plans", label: "`/admin/plans`", viewer: "admin", check: adminPage({ "a plan's form": `data-testid="plan-` }) },
  { key: "count-admin-new", group: "platform", server: "app", path: "/admin/workspaces/new", label: "`/admin/workspaces/new`", viewer: "admin", check: adminPage({ "the page's heading": ">New workspace</h1>" }) },
  {
    key: "count-admin-workspace",
    group: "platform",
    server: "app",
    path: "/admin/workspaces/{tenant}",
    label: "`/admin/workspaces/{id}` (the main workspace)",
    viewer: "admin",
    check: adminPage({ "the cross-view banner": `data-testid="cross-view-banner"`, "the usage": `data-testid="admin-usage"`, "the members": `data-testid="admin-members"`, "the audit events": `data-testid="admin-audit"` }),
  },
  {
    key: "count-admin-members",
    group: "platform",
    server: "app",
    path: "/admin/workspaces/{tenant}/members",
    label: "`/admin/workspaces/{id}/members`",
    viewer: "admin",
    check: adminPage({ "the cross-view banner": `data-testid="cross-view-banner"`, "the members": `data-testid="admin-members-page"`, "the owner": BENCH_EMAIL }),
  },
  {
    key: "count-admin-audit",
    group: "platform",
    server: "app",
    path: "/admin/workspaces/{tenant}/audit",
    label: "`/admin/workspaces/{id}/audit`",
    viewer: "admin",
    check: adminPage({ "the cross-view banner": `data-testid="cross-view-banner"`, "the audit rows": `data-testid="audit-row"` }),
  },
];

function headersFor(page: Page, cookies: Record<Viewer, string>): Record<string, string> {
  // The API's pages are read with the main owner's API key (cookies.apiKey holds it).
  const headers: Record<string, string> = GZIP ? { "accept-encoding": "gzip" } : {};
  if (page.viewer === "apiKey") headers.authorization = `Bearer ${cookies.apiKey}`;
  else if (page.viewer) headers.cookie = cookies[page.viewer];
  return { ...headers, ...ACTION_CALLS.get(page.key)?.headers };
}

/** The request body of an action page's call (a GET for every other page). */
const bodyFor = (page: Page) => ACTION_CALLS.get(page.key)?.body;

/** Each action page's call as the browser's router posts it, prepared once against the build. */
const ACTION_CALLS = new Map<string, { headers: Record<string, string>; body: Buffer }>();
async function prepareActionCalls(pages: Page[]): Promise<void> {
  const actions = readServerActions(path.join(ROOT, DIST_DIR));
  for (const page of pages.filter((p) => p.action)) {
    const [file, name] = page.action!.split("#");
    const action = actions.find((a) => a.file === file && a.name === name);
    if (!action) throw new Error(`No server action ${page.action} in the build (${DIST_DIR}).`);
    // A form of no fields, encoded as the router encodes it (multipart, or text for arguments of no form).
    const encoded = await encodeActionArguments(action, formArguments(action, new FormData()));
    const request = new Request("http://localhost/", { method: "POST", body: encoded });
    ACTION_CALLS.set(page.key, {
      headers: { "next-action": action.id, accept: "text/x-component", "content-type": request.headers.get("content-type")! },
      body: Buffer.from(await request.arrayBuffer()),
    });
  }
}

/** An API key of the user in the workspace, stored as the app stores one (its SHA-256). */
async function createBenchApiKey(ownerUrl: string, userId: string, tenantId: string): Promise<string> {
  const key = mintApiKey();
  await ownerQuery(
    ownerUrl,
    `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at)
     VALUES ($1, $2, 'bench', 'read', $3, encode(sha256(convert_to($4, 'UTF8')), 'hex'), now() + interval '30 days')`,
    [tenantId, userId, key.slice(0, 13), key],
  );
  return key;
}

// ---------------------------------------------------------------------------
// Measuring one page
// ---------------------------------------------------------------------------
interface Count {
  /** Statements / transactions one view sends, exact (from sequential requests); null when the preload could not count. */
  statements: number | null;
  transactions: number | null;
  /** The round trips (Client#query calls) they took. */
  roundTrips: number | null;
  /** The statements of the last of those views, in order. */
  sent: string[];
}

interface Measurement extends Count {
  page: string;
  server: ServerName;
  path: string;
  round: number;
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
  /** Over the measured load (includes requests cut off at the end). */
  statementsPerRequestUnderLoad: number | null;
  /** The server's CPU time over the responses it ended in the same interval; null when it ended none. */
  serverCpuMsPerRequest: number | null;
  /** Every Postgres process's CPU time over the same interval, per response; null when the database runs elsewhere. */
  postgresCpuMsPerRequest: number | null;
  /** Responses the server ended during the measured load (autocannon's completed ones, give or take those in flight at either end). */
  serverResponses: number;
  serverCpuCores: number;
  /** CPU the bench process (autocannon) used meanwhile, on the same machine. */
  loadGeneratorCpuCores: number;
  /** The server process tree's, sampled every 100 ms during the measured load. */
  peakRssMb: number;
  /** After the load and a full GC: what the server retains. */
  heapAfterGcMb: number;
  /** Outside the JS heap: buffers, ArrayBuffers, native objects bound to JS. */
  externalAfterGcMb: number;
  rssAfterGcMb: number;
}

/** Fetches the page once and checks it renders as it should, dynamically, as a 200. */
async function checkPage(server: Server, page: Page, seeded: SeedResult, headers: Record<string, string>): Promise<number> {
  const url = `${server.url}${page.path}`;
  const first = await send(url, headers, false, bodyFor(page));
  const encoding = typeof first.headers["content-encoding"] === "string" ? first.headers["content-encoding"] : null;
  const html = (encoding === "gzip" ? gunzipSync(first.body) : first.body).toString("utf8");
  if (first.status !== 200) {
    const where = first.headers.location ? ` → ${first.headers.location}` : "";
    throw new Error(`${page.server} ${page.path}: HTTP ${first.status}${where}${where.includes("/sign-in") ? " (the session was not accepted)" : ""}.\n${html.slice(0, 500)}`);
  }
  const problems = page.check(html, seeded);
  if (problems.length) throw new Error(`${page.server} ${page.path} answered 200 but is missing: ${problems.join("; ")}.`);
  const cacheControl = typeof first.headers["cache-control"] === "string" ? first.headers["cache-control"] : null;
  if (!cacheControl?.includes("no-store")) {
    throw new Error(`${page.server} ${page.path} is not dynamically rendered (Cache-Control: ${cacheControl ?? "none"}).`);
  }
  return Buffer.byteLength(html);
}

/**
 * Points each same-size page (SAME_SIZE_AS) at the baseline's table of as
 * many rows as make its HTML as large as the signed-in page's, as rendered
 * now: the table's size is a + b × rows, read from /sized/50 and /sized/150.
 */
async function sizeBaselinePages(servers: Record<ServerName, Server>, seeded: SeedResult, cookies: Record<Viewer, string>): Promise<void> {
  const any = () => [] as string[];
  const bytesAt = (rows: number) => checkPage(servers.baseline, { ...LOAD_PAGES[0]!, path: `/sized/${rows}`, check: baselineRows(rows) }, seeded, headersFor(LOAD_PAGES[0]!, cookies));
  const [at50, at150] = [await bytesAt(50), await bytesAt(150)];
  const perRow = (at150 - at50) / 100;
  const base = at50 - 50 * perRow;
  for (const key of SAME_SIZE_AS) {
    const page = LOAD_PAGES.find((p) => p.key === key)!;
    const bytes = await checkPage(servers[page.server], { ...page, check: any }, seeded, headersFor(page, cookies));
    const rows = Math.min(1000, Math.max(1, Math.round((bytes - base) / perRow)));
    const sized = LOAD_PAGES.find((p) => p.key === sameSizeKey(key))!;
    sized.path = `/sized/${rows}`;
    sized.label = `baseline \`/sized/${rows}\` (${rows} rows: the size of \`${page.path}\`)`;
    sized.check = baselineRows(rows);
  }
}

/**
 * Waits until the server has finished what it was doing: a server loaded
 * past its capacity still renders the requests it accepted after autocannon
 * has hung up, which would count as the next measurement's statements and
 * CPU. Idle: no statement sent and under 5 % of a core used for 500 ms.
 */
async function settle(server: Server): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = await probe(server);
  for (;;) {
    await sleep(500);
    const now = await probe(server);
    if (now.queries === last.queries && now.cpuMicros - last.cpuMicros < 25_000) return;
    if (Date.now() > deadline) {
      log(`  (the ${server.name} server was still busy after 60 s of waiting; measuring anyway)`);
      return;
    }
    last = now;
  }
}

/** The statements and transactions of one view: PROBE sequential requests, counted in the server. */
async function countStatements(server: Server, page: Page, headers: Record<string, string>): Promise<Count> {
  const before = await probe(server);
  for (let i = 0; i < PROBE; i++) {
    const r = await send(`${server.url}${page.path}`, headers, false, bodyFor(page));
    if (r.status !== 200) throw new Error(`${page.path}: HTTP ${r.status} while counting statements.`);
  }
  const after = await probe(server);
  if (!after.hooked) return { statements: null, transactions: null, roundTrips: null, sent: [] };
  const perView = (after.queries - before.queries) / PROBE;
  return {
    statements: (after.statementCount - before.statementCount) / PROBE,
    transactions: (after.transactions - before.transactions) / PROBE,
    roundTrips: perView,
    sent: Number.isInteger(perView) && perView > 0 ? after.statements.slice(-perView) : [],
  };
}

/** One view of a signed-in page, counted (countEveryPage). */
interface PageCount extends Count {
  page: string;
  path: string;
  label: string;
  group: CountPage["group"];
  viewer: string;
  /** The page's answer (checkPage fails the run on anything but its normal 200). */
  status: number;
  htmlBytes: number;
  /** ≤ TARGET_TRANSACTIONS transactions and ≤ TARGET_STATEMENTS statements; null when the preload could not count. */
  meets: boolean | null;
}

/**
 * Every signed-in page once, no load: checked as a 200 that renders what it
 * should (checkPage, failing the run otherwise), then its statements,
 * transactions and round trips over PROBE sequential requests
 * (countStatements), as for the loaded pages.
 */
async function countEveryPage(server: Server, seeded: SeedResult, cookies: Record<Viewer, string>): Promise<PageCount[]> {
  await settle(server);
  const counts: PageCount[] = [];
  for (const page of COUNT_PAGES) {
    const headers = headersFor(page, cookies);
    const htmlBytes = await checkPage(server, page, seeded, headers);
    const counted = await countStatements(server, page, headers);
    const meets = counted.statements === null || counted.transactions === null ? null : counted.transactions <= TARGET_TRANSACTIONS && counted.statements <= TARGET_STATEMENTS;
    counts.push({ page: page.key, path: page.path, label: page.label, group: page.group, viewer: VIEWER_TEXT[page.viewer!] ?? String(page.viewer), status: 200, htmlBytes, meets, ...counted });
    log(`  ${page.path}: ${perView(counted.statements, counted.transactions, counted.roundTrips)} statements / tx${meets === false ? " (not met)" : ""}`);
  }
  return counts;
}

/** The page's name in lists: its label's path, without what the label says about it. */
const shortName = (c: PageCount) => c.label.replace(/ \(.*\)$/, "");

/** The targets row of the page counts. */
function pageCountsTarget(counts: PageCount[]): string[] {
  const met = counts.filter((c) => c.meets === true);
  const not = counts.filter((c) => c.meets !== true);
  return [
    `≤ ${TARGET_TRANSACTIONS} transaction and ≤ ${TARGET_STATEMENTS} statements per view of every signed-in page (one view each, without load)`,
    `${met.length} of ${counts.length} pages meet it` +
      (not.length ? `; not: ${not.map((c) => `${shortName(c)} ${c.meets === null ? "(not counted)" : `(${perView(c.statements, c.transactions)})`}`).join(", ")}` : ""),
    verdict(not.length === 0),
  ];
}

/** The page counts' section of the report: the table, then each page's statements. */
function pageCountsSection(counts: PageCount[]): string[] {
  const yes = (c: PageCount) => (c.meets === null ? "n/a" : c.meets ? "met" : "**not met**");
  const fmt = (v: number | null) => (v === null ? "n/a" : String(+v.toFixed(2)));
  const md = [
    "## Every signed-in page, one view each",
    "",
    `No load: each page viewed once unmeasured (checked as its normal 200 with its content, as the loaded pages are), then ${PROBE} requests one after another, counted in the app's server by the same preload as above (every statement sent through pg's Client#query, BEGIN and COMMIT included; ` +
      `transactions: the BEGINs among them, so a statement sent alone, outside one, counts as 1 / 0; round trips: the calls of Client#query, one of which may carry several statements). ` +
      `The workspace's pages and the user's own as the owner of “${TENANT_NAME}” (its tenant cookie set); /app/onboarding as ${NEWCOMER_EMAIL}, a user of no workspace with one pending invitation (to “${NEWCOMER_INVITED_TO}”); ` +
      `/app/suspended as ${SUSPENDED_EMAIL}, the owner of “${SUSPENDED_TENANT_NAME}”, which the platform has suspended, their cookie naming it; the /admin pages as ${ADMIN_EMAIL}, a platform administrator (users.is_platform_admin) of no workspace, the workspace ones on “${TENANT_NAME}” ` +
      `(each of those views is a cross-view visit, which writes itself into that workspace's audit log). Target: ≤ ${TARGET_TRANSACTIONS} transaction and ≤ ${TARGET_STATEMENTS} statements per view.`,
    "",
    table(
      ["page", "viewed as", "HTTP", "statements", "transactions", "round trips", `≤ ${TARGET_TRANSACTIONS} tx, ≤ ${TARGET_STATEMENTS} statements`],
      counts.map((c) => [c.label, c.viewer, String(c.status), fmt(c.statements), fmt(c.transactions), fmt(c.roundTrips), yes(c)]),
      ["l", "l", "r", "r", "r", "r", "l"],
    ),
    "",
    "Statements of one view of each (the last of the counted requests):",
    "",
  ];
  for (const c of counts) {
    if (!c.sent.length) continue;
    md.push(`${c.label}:`, "", "```", ...c.sent.map((q, n) => `${String(n + 1).padStart(2)}. ${q}`), "```", "");
  }
  return md;
}

async function measure(server: Server, page: Page, seeded: SeedResult, cookies: Record<Viewer, string>, round: number): Promise<Measurement> {
  const url = `${server.url}${page.path}`;
  const headers = headersFor(page, cookies);
  const htmlBytes = await checkPage(server, page, seeded, headers);
  const counted = await countStatements(server, page, headers);

  if (WARMUP > 0) await autocannon({ url, connections: CONNECTIONS, duration: WARMUP, headers, timeout: REQUEST_TIMEOUT_S });
  const sampler = new RssSampler(server.pid, 100);
  sampler.start();
  const start = await probe(server);
  const postgresStart = await postgresCpuMicros();
  const clientStart = process.cpuUsage();
  const result: Result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers, title: page.key, timeout: REQUEST_TIMEOUT_S });
  const client = process.cpuUsage(clientStart);
  const postgresMicros = postgresCpuBetween(postgresStart, await postgresCpuMicros());
  const end = await probe(server);
  const peak = await sampler.stop();
  const settled = await probe(server, { gc: true });

  const completed = result.requests.total;
  const cpuMs = (end.cpuMicros - start.cpuMicros) / 1000;
  return {
    page: page.key,
    server: page.server,
    path: page.path,
    round,
    ...counted,
    requestsPerSecond: result.requests.average,
    requests: completed,
    latencyMs: { average: result.latency.average, p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    htmlBytes,
    wireBytesPerResponse: completed ? result.throughput.total / completed : 0,
    statementsPerRequestUnderLoad: end.hooked && completed ? (end.statementCount - start.statementCount) / completed : null,
    serverCpuMsPerRequest: end.responses > start.responses ? cpuMs / (end.responses - start.responses) : null,
    postgresCpuMsPerRequest: postgresMicros !== null && end.responses > start.responses ? postgresMicros / 1000 / (end.responses - start.responses) : null,
    serverResponses: end.responses - start.responses,
    serverCpuCores: cpuMs / 1000 / result.duration,
    loadGeneratorCpuCores: (client.user + client.system) / 1e6 / result.duration,
    peakRssMb: peak / 2 ** 20,
    heapAfterGcMb: settled.heapUsed / 2 ** 20,
    externalAfterGcMb: settled.external / 2 ** 20,
    rssAfterGcMb: settled.rss / 2 ** 20,
  };
}

interface Timing {
  page: string;
  path: string;
  data: string;
  requests: number;
  /** In the server: the request's arrival → its last byte handed to the socket. One request at a time. */
  serverMs: { p50: number; p95: number; max: number; mean: number };
  /** In the bench process: request sent → last byte received, over one keep-alive connection. */
  clientMs: { p50: number; p95: number; max: number; mean: number };
  serverCpuMsPerRequest: number;
  count: Count;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
function spread(times: number[]): Timing["serverMs"] {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]!, mean: times.reduce((s, t) => s + t, 0) / times.length };
}

/** A scale page's time per request with nothing else in flight: SCALE_REQUESTS requests, one after another. */
async function timeSequential(server: Server, page: ScalePage, seeded: SeedResult, cookies: Record<Viewer, string>): Promise<Timing> {
  const headers = headersFor(page, cookies);
  await checkPage(server, page, seeded, headers);
  const counted = await countStatements(server, page, headers);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const url = `${server.url}${page.path}`;
    for (let i = 0; i < SCALE_WARM_REQUESTS; i++) await send(url, headers, agent, bodyFor(page));
    const times: number[] = [];
    const start = await probe(server);
    for (let i = 0; i < SCALE_REQUESTS; i++) {
      const t = performance.now();
      const r = await send(url, headers, agent, bodyFor(page));
      times.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`${page.path}: HTTP ${r.status} while timing.`);
    }
    const end = await probe(server);
    const timed = end.timed - start.timed;
    if (timed !== SCALE_REQUESTS || timed > end.responseMs.length) throw new Error(`${page.path}: the server timed ${timed} responses of ${SCALE_REQUESTS}.`);
    return {
      page: page.key,
      path: page.action ? `${page.path} → ${page.action.split("#")[1]}` : page.path,
      data: page.data(seeded),
      requests: SCALE_REQUESTS,
      serverMs: spread(end.responseMs.slice(-timed)),
      clientMs: spread(times),
      serverCpuMsPerRequest: (end.cpuMicros - start.cpuMicros) / 1000 / Math.max(1, end.responses - start.responses),
      count: counted,
    };
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------
// Summaries
// ---------------------------------------------------------------------------
interface Summary {
  page: string;
  server: ServerName;
  rounds: number[];
  rps: number;
  minRps: number;
  maxRps: number;
  /** (max − min) / mean of its rounds' req/s. */
  spread: number;
  /** Mean of the rounds; null when a round completed no request. */
  cpuMs: number | null;
  /** Postgres's CPU per response, mean of the rounds; null when it runs elsewhere. */
  postgresCpuMs: number | null;
  statements: number | null;
  transactions: number | null;
  roundTrips: number | null;
  /** Different counts in different rounds (a view's statements should not vary). */
  countsVary: boolean;
  peakRssMb: number;
  htmlBytes: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
}

function summarize(page: string, runs: Measurement[]): Summary {
  const rps = runs.map((r) => r.requestsPerSecond);
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const statements = runs.map((r) => r.statements);
  const transactions = runs.map((r) => r.transactions);
  return {
    page,
    server: runs[0]!.server,
    rounds: rps,
    rps: mean(rps),
    minRps: Math.min(...rps),
    maxRps: Math.max(...rps),
    spread: (Math.max(...rps) - Math.min(...rps)) / mean(rps),
    cpuMs: runs.every((r) => r.serverCpuMsPerRequest !== null) ? mean(runs.map((r) => r.serverCpuMsPerRequest!)) : null,
    postgresCpuMs: runs.every((r) => r.postgresCpuMsPerRequest !== null) ? mean(runs.map((r) => r.postgresCpuMsPerRequest!)) : null,
    statements: statements.every((s) => s !== null) ? Math.max(...(statements as number[])) : null,
    transactions: transactions.every((t) => t !== null) ? Math.max(...(transactions as number[])) : null,
    roundTrips: runs.every((r) => r.roundTrips !== null) ? Math.max(...runs.map((r) => r.roundTrips!)) : null,
    countsVary: new Set(statements).size > 1 || new Set(transactions).size > 1,
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    htmlBytes: runs[0]!.htmlBytes,
    p50Ms: mean(runs.map((r) => r.latencyMs.p50)),
    p99Ms: mean(runs.map((r) => r.latencyMs.p99)),
    failures: runs.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
  };
}

const fixed = (v: number | null, digits = 2) => (v === null ? "n/a" : v.toFixed(digits));
const perView = (statements: number | null, transactions: number | null, roundTrips: number | null = null) =>
  statements === null || transactions === null
    ? "n/a (not counted)"
    : `${+statements.toFixed(2)} / ${+transactions.toFixed(2)}${roundTrips === null ? "" : ` (${+roundTrips.toFixed(2)} round trips)`}`;
const verdict = (ok: boolean) => (ok ? "met" : "**not met**");

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------
/**
 * A session (and the API key) for each viewer, and the pages' paths that
 * name the main workspace ({tenant}) made concrete.
 */
async function signIn(db: BenchDatabase): Promise<Record<Viewer, string>> {
  const { main, viewers, scale } = db.seeded;
  for (const page of [...LOAD_PAGES, ...SCALE_PAGES, ...COUNT_PAGES]) page.path = page.path.replace("{tenant}", main.tenantId);
  // The tenant cookie (lib/tenancy/cookie.ts) names the workspace the request asks for; none for a user of none.
  const session = async (userId: string, tenantId: string | null) =>
    `${SESSION_COOKIE}=${await createBenchSession(db.ownerUrl, userId)}${tenantId ? `; prom_tenant=${tenantId}` : ""}`;
  return {
    main: await session(main.userId, main.tenantId),
    apiKey: await createBenchApiKey(db.ownerUrl, main.userId, main.tenantId),
    scaleOwner: scale ? await session(scale.ownerId, scale.tenantId) : "",
    switcher: scale ? await session(scale.switcherId, scale.switcherTenantId) : "",
    newcomer: await session(viewers.newcomerId, null),
    suspended: await session(viewers.suspendedUserId, viewers.suspendedTenantId),
    admin: await session(viewers.adminId, null),
  };
}

async function versions(db: BenchDatabase) {
  const nextVersion = JSON.parse(await readFile(path.join(ROOT, "node_modules", "next", "package.json"), "utf8")).version as string;
  const pgVersion = (await ownerQuery<{ v: string }>(db.ownerUrl, "SELECT split_part(version(), ' on ', 1) AS v"))[0]!.v;
  return { nextVersion, pgVersion };
}

/** --counts-only: the app's build, server and seed, and only the page counts. */
async function countsOnly() {
  const startedAt = new Date();
  log(`Counts only: one view of each of ${COUNT_PAGES.length} signed-in pages, ${PROBE} counted requests each; no baseline app, no load, no scale scenarios.`);
  const db = await setUpDatabases();
  const build = await buildApp();
  const app = await startApp(db);
  log(`next start: app on ${app.url} (pid ${app.pid})`);
  const idle = await probe(app);
  if (!idle.hooked) log(`  (statement counting is off in the app's server: ${idle.error ?? "pg not hooked"})`);
  const cookies = await signIn(db);
  log(`\nEvery signed-in page, one view each:`);
  const counts = await countEveryPage(app, db.seeded, cookies);
  await app.rss.stop();

  const { nextVersion, pgVersion } = await versions(db);
  const cpu = os.cpus();
  const md: string[] = [];
  md.push(`# Every signed-in page's statements and transactions — ${startedAt.toISOString()}`, "");
  md.push(
    `\`npm run bench:pages -- --counts-only\`: \`next start\` ${nextVersion} (the production build in ${DIST_DIR}) with a pg pool of ${POOL_SIZE} connections, on ${cpu.length} × ${cpu[0]?.model.trim() ?? "?"}, Node ${process.version}, ${pgVersion} (${db.embedded ? "embedded" : "DATABASE_URL server"}); ` +
      `the main workspace “${TENANT_NAME}”: ${db.seeded.main.memberCount} members, ${db.seeded.main.pendingInvitations} pending invitations, ${db.seeded.main.auditEvents.toLocaleString("en")} audit events. No baseline, no load, no scale scenarios.`,
    "",
  );
  md.push("Target (issue 10):", "", table(["target", "this run", ""], [pageCountsTarget(counts)], ["l", "l", "l"]), "");
  md.push(...pageCountsSection(counts));
  if (build.routes) md.push("Route table of this build of the app (`next build`):", "", "```", build.routes, "```", "");
  const report = md.join("\n");

  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `pages-counts-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(
    file,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        options: { countsOnly: true, probe: PROBE, gzip: GZIP, poolSize: POOL_SIZE },
        machine: { cpus: cpu.length, cpu: cpu[0]?.model.trim(), memoryGiB: os.totalmem() / 2 ** 30, node: process.version },
        versions: { next: nextVersion, postgres: pgVersion, embeddedPostgres: db.embedded },
        data: { ...db.seeded, seedSeconds: db.seedSeconds },
        builds: { app: { distDir: DIST_DIR, seconds: build.seconds } },
        targets: { transactions: TARGET_TRANSACTIONS, statements: TARGET_STATEMENTS },
        pageCounts: counts,
        markdown: report,
      },
      null,
      2,
    ),
  );
  log(`\n${report}`);
  log(`Written to ${path.relative(ROOT, file)}`);
}

async function main() {
  if (COUNTS_ONLY) return countsOnly();
  const startedAt = new Date();
  log(
    `Load: ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s measured per page, ${ROUNDS} round${ROUNDS === 1 ? "" : "s"}${GZIP ? ", gzip" : ", uncompressed"}; ` +
      (SCALE ? `scale: ${SCALE.members.toLocaleString("en")} members, ${SCALE.memberships} workspaces, ${SCALE.auditEvents.toLocaleString("en")} audit events.` : "no scale scenarios."),
  );
  const db = await setUpDatabases();
  const baselineBuild = await buildBaseline(flag("rebuild"));
  const build = await buildApp();
  await prepareActionCalls([...LOAD_PAGES, ...SCALE_PAGES]);
  const servers = await startServers(db);
  log(`next start: app on ${servers.app.url} (pid ${servers.app.pid}), baseline on ${servers.baseline.url} (pid ${servers.baseline.pid})`);
  for (const server of Object.values(servers)) {
    const idle = await probe(server);
    if (!idle.hooked) log(`  (statement counting is off in the ${server.name} server: ${idle.error ?? "pg not hooked"})`);
  }

  const { main, scale } = db.seeded;
  const cookies = await signIn(db);
  await sizeBaselinePages(servers, db.seeded, cookies);

  // Every page once, then a short load on each, so that the first page
  // measured does not pay alone for its server's cold code.
  if (WARMUP > 0) {
    log(`\nWarm-up: ${WARMUP} s on each page.`);
    for (const page of LOAD_PAGES) {
      const server = servers[page.server];
      await checkPage(server, page, db.seeded, headersFor(page, cookies));
      await autocannon({ url: `${server.url}${page.path}`, connections: CONNECTIONS, duration: WARMUP, headers: headersFor(page, cookies), timeout: REQUEST_TIMEOUT_S });
    }
  }

  // Rounds over every page, alternating the servers; every other round in
  // reverse, so that a steady drift of the machine raises or lowers each
  // page's mean alike.
  const loadBefore = os.loadavg();
  const results: Measurement[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? LOAD_PAGES : [...LOAD_PAGES].reverse();
    for (const page of order) {
      for (const server of Object.values(servers)) await settle(server);
      if (PAUSE > 0) await sleep(PAUSE * 1000);
      log(`\nRound ${round}: ${page.server} ${page.path}`);
      const m = await measure(servers[page.server], page, db.seeded, cookies, round);
      results.push(m);
      log(
        `  ${m.requestsPerSecond.toFixed(1)} req/s · p50 ${m.latencyMs.p50} ms · p99 ${m.latencyMs.p99} ms · non-2xx ${m.non2xx} · ` +
          `${(m.htmlBytes / 1024).toFixed(1)} KB · ${perView(m.statements, m.transactions, m.roundTrips)} statements / tx per view\n` +
          `  server CPU ${fixed(m.serverCpuMsPerRequest)} ms/request (${m.serverCpuCores.toFixed(2)} cores; autocannon ${m.loadGeneratorCpuCores.toFixed(2)}) · ` +
          `peak RSS ${m.peakRssMb.toFixed(0)} MB, after GC ${m.rssAfterGcMb.toFixed(0)} MB (heap ${m.heapAfterGcMb.toFixed(0)} MB, external ${m.externalAfterGcMb.toFixed(0)} MB)`,
      );
      if (round === 1 && m.sent.length) log(m.sent.map((q, n) => `    ${String(n + 1).padStart(2)}. ${q}`).join("\n"));
    }
  }
  const loadAfter = os.loadavg();
  const summaries = LOAD_PAGES.map((page) => summarize(page.key, results.filter((r) => r.page === page.key)));
  const byKey = Object.fromEntries(summaries.map((s) => [s.page, s])) as Record<string, Summary>;
  const plain = byKey.static!;
  // Per round: each page against the plain page of the same round.
  const roundRatios = (key: string) => Array.from({ length: ROUNDS }, (_, i) => byKey[key]!.rounds[i]! / plain.rounds[i]!);

  // At scale: one request at a time, then (for some) the same load.
  const timings: Timing[] = [];
  const scaleLoads: Measurement[] = [];
  let smallOpen: Count | null = null;
  if (scale) {
    log(`\nAt scale: ${SCALE_REQUESTS} sequential requests per page (after ${SCALE_WARM_REQUESTS} unmeasured), then the load on some.`);
    for (const page of SCALE_PAGES) {
      for (const server of Object.values(servers)) await settle(server);
      const t = await timeSequential(servers.app, page, db.seeded, cookies);
      timings.push(t);
      log(`  ${page.path} (${t.data}): server time p50 ${t.serverMs.p50.toFixed(1)} ms · p95 ${t.serverMs.p95.toFixed(1)} ms · max ${t.serverMs.max.toFixed(1)} ms (client p95 ${t.clientMs.p95.toFixed(1)} ms) · CPU ${t.serverCpuMsPerRequest.toFixed(2)} ms/request · ${perView(t.count.statements, t.count.transactions, t.count.roundTrips)} statements / tx`);
    }
    // The switcher's list has no small page to compare with: its counterpart is the same call by the bench user, of a few workspaces.
    const open = SCALE_PAGES.find((p) => p.key === "switcher-open")!;
    smallOpen = await countStatements(servers.app, { ...open, viewer: "main" }, headersFor({ ...open, viewer: "main" }, cookies));
    for (const page of SCALE_PAGES.filter((p) => p.load)) {
      for (const server of Object.values(servers)) await settle(server);
      if (PAUSE > 0) await sleep(PAUSE * 1000);
      const m = await measure(servers.app, page, db.seeded, cookies, 1);
      scaleLoads.push(m);
      log(`  under load, ${page.label}: ${m.requestsPerSecond.toFixed(1)} req/s (${(m.requestsPerSecond / plain.rps).toFixed(2)} × plain) · CPU ${fixed(m.serverCpuMsPerRequest)} ms/request · peak RSS ${m.peakRssMb.toFixed(0)} MB`);
    }
  }
  const runPeak = { app: (await servers.app.rss.stop()) / 2 ** 20, baseline: (await servers.baseline.rss.stop()) / 2 ** 20 };

  // Every signed-in page, one view each, last: the /admin pages' cross-view
  // visits write into the main workspace's audit log.
  log(`\nEvery signed-in page, one view each (${PROBE} counted requests per page):`);
  const pageCounts = await countEveryPage(servers.app, db.seeded, cookies);

  // -------------------------------------------------------------------------
  // Report
  // -------------------------------------------------------------------------
  const { nextVersion, pgVersion } = await versions(db);
  const acVersion = JSON.parse(await readFile(path.join(ROOT, "node_modules", "autocannon", "package.json"), "utf8")).version as string;
  const cpu = os.cpus();
  const signedIn = summaries.filter((s) => TARGET_VS_PLAIN[s.page] !== undefined);
  const appLoadPeak = Math.max(...summaries.filter((s) => s.server === "app").map((s) => s.peakRssMb));
  const failures = [...results, ...scaleLoads].filter((r) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0);
  const NOISY = 0.2;

  const md: string[] = [];
  md.push(`# Signed-in pages against the baseline — ${startedAt.toISOString()}`, "");
  md.push(
    `${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s measured per page and round, ${ROUNDS} round${ROUNDS === 1 ? "" : "s"} alternating the baseline's and the app's pages ` +
      `(${LOAD_PAGES.map((p) => p.path).join(", ")}${ROUNDS > 1 ? ", then in reverse" : ""}); autocannon ${acVersion} in the bench process on the same machine, ${GZIP ? "gzip" : "uncompressed"} responses. ` +
      `\`next start\` ${nextVersion} for both apps, each with a pg pool of ${POOL_SIZE} connections, on ${cpu.length} × ${cpu[0]?.model.trim() ?? "?"}, Node ${process.version}, ${pgVersion} (${db.embedded ? "embedded" : "DATABASE_URL server"}). ` +
      `Load average (1 min) ${loadBefore[0]!.toFixed(2)} before the rounds, ${loadAfter[0]!.toFixed(2)} after. ` +
      `Signed in as the owner of “${TENANT_NAME}”: ${main.memberCount} members, ${main.pendingInvitations} pending invitations (${SIZE.expiredInvitations} of them expired), ` +
      `${main.auditEvents.toLocaleString("en")} audit events; ${SIZE.otherWorkspaces + 1} workspaces in the switcher.`,
    "",
  );
  md.push(
    table(
      ["page", "req/s (rounds)", "× plain 30 KB page", "server CPU ms/req", "Postgres CPU ms/req", "statements / tx per view", "peak RSS"],
      summaries.map((s) => {
        const page = LOAD_PAGES.find((p) => p.key === s.page)!;
        return [
          page.label,
          `${s.rps.toFixed(0)} (${s.rounds.map((r) => r.toFixed(0)).join(", ")})`,
          (s.rps / plain.rps).toFixed(2),
          fixed(s.cpuMs),
          fixed(s.postgresCpuMs),
          perView(s.statements, s.transactions, s.roundTrips) + (s.countsVary ? " (varied)" : ""),
          `${s.peakRssMb.toFixed(0)} MB`,
        ];
      }),
      ["l", "r", "r", "r", "r", "r", "r"],
    ),
    "",
    `req/s: the mean of the page's rounds (each round's in brackets, in order); × plain 30 KB page: that mean over the baseline \`/static\`'s mean (${plain.rps.toFixed(1)} req/s, rounds ${(plain.spread * 100).toFixed(0)} % apart). ` +
      `Server CPU: the server process's user + system time over the measured load, divided by the responses it ended meanwhile (counted in the server), mean of the rounds. ` +
      `Postgres CPU: the same for the Postgres processes on this machine (backends and background workers, read per process from /proc at the start and the end; a connection closed meanwhile is left out; n/a when the database runs elsewhere). ` +
      `Statements / tx: every statement the server sent through pg's Client#query for one view (BEGIN and COMMIT included) and the transactions among them, from ${PROBE} sequential requests in each round; in brackets, the round trips they took (one message can carry several statements). ` +
      `Peak RSS: the server's process tree, sampled every 100 ms during the page's measured loads, highest of the rounds; over the whole run, warm-ups and scale scenarios included, the app's server peaked at ${runPeak.app.toFixed(0)} MB and the baseline's at ${runPeak.baseline.toFixed(0)} MB.`,
    "",
  );

  md.push(
    "Against a plain page of the same size: each page's req/s over the baseline's table rendered as large as its HTML (`/sized/{rows}`, measured in the same rounds), and the same by CPU per request.",
    "",
    table(
      ["page", "HTML KB", "req/s", "the plain page of its size", "its req/s", "× same-size plain page", "by CPU per request"],
      SAME_SIZE_AS.map((key) => {
        const s = byKey[key]!;
        const sized = byKey[sameSizeKey(key)]!;
        const page = LOAD_PAGES.find((p) => p.key === key)!;
        return [
          page.label,
          (s.htmlBytes / 1024).toFixed(1),
          s.rps.toFixed(0),
          `\`${LOAD_PAGES.find((p) => p.key === sized.page)!.path}\` (${(sized.htmlBytes / 1024).toFixed(1)} KB)`,
          sized.rps.toFixed(0),
          (s.rps / sized.rps).toFixed(2),
          s.cpuMs !== null && sized.cpuMs !== null ? (sized.cpuMs / s.cpuMs).toFixed(2) : "n/a",
        ];
      }),
      ["l", "r", "r", "l", "r", "r", "r"],
    ),
    "",
  );

  const targetRows: string[][] = [];
  for (const s of signedIn) {
    const target = TARGET_VS_PLAIN[s.page]!;
    const ratios = roundRatios(s.page);
    const byCpu = plain.cpuMs !== null && s.cpuMs !== null ? (plain.cpuMs / s.cpuMs).toFixed(2) : "n/a";
    targetRows.push([
      `${LOAD_PAGES.find((p) => p.key === s.page)!.path} ≥ ${target} × the plain page's req/s`,
      `${(s.rps / plain.rps).toFixed(2)} × (rounds ${ratios.map((r) => r.toFixed(2)).join(", ")}; by CPU per request ${byCpu} ×)`,
      verdict(s.rps >= target * plain.rps),
    ]);
  }
  targetRows.push([`app server peak RSS < ${TARGET_RSS_MB} MB under the ${CONNECTIONS}-connection load`, `${appLoadPeak.toFixed(0)} MB`, verdict(appLoadPeak < TARGET_RSS_MB)]);
  const counts = signedIn.map((s) => ({ path: LOAD_PAGES.find((p) => p.key === s.page)!.path, statements: s.statements, transactions: s.transactions }));
  const countText = (key: "statements" | "transactions") => counts.map((c) => `${c.path} ${c[key] ?? "n/a"}`).join(", ");
  targetRows.push([`≤ ${TARGET_TRANSACTIONS} transaction per signed-in view`, countText("transactions"), verdict(counts.every((c) => c.transactions !== null && c.transactions <= TARGET_TRANSACTIONS))]);
  targetRows.push([`≤ ${TARGET_STATEMENTS} statements per signed-in view`, countText("statements"), verdict(counts.every((c) => c.statements !== null && c.statements <= TARGET_STATEMENTS))]);
  if (scale) {
    for (const t of timings.filter((t) => SCALE_PAGES.find((p) => p.key === t.page)!.p95Target)) {
      const page = SCALE_PAGES.find((p) => p.key === t.page)!;
      targetRows.push([`${page.label}: p95 < ${TARGET_SCALE_P95_MS} ms server time`, `${t.serverMs.p95.toFixed(1)} ms`, verdict(t.serverMs.p95 < TARGET_SCALE_P95_MS)]);
    }
    const small: Record<string, number | null> = { switcher: byKey.dashboard!.transactions, "switcher-open": smallOpen?.transactions ?? null, "members-scale": byKey.settings!.transactions, "members-scale-last": byKey.settings!.transactions, "members-scale-search": byKey.settings!.transactions, "audit-scale": byKey.audit!.transactions };
    // Only the pages with a small-workspace counterpart (the API's timings have none).
    const compared = timings.filter((t) => t.page in small);
    const same = compared.filter((t) => t.count.transactions !== null && t.count.transactions === small[t.page]);
    targetRows.push([
      "at scale, the same transaction count as the small workspace",
      compared.map((t) => `${t.path} ${t.count.transactions ?? "n/a"} (small: ${small[t.page] ?? "n/a"})`).join(", "),
      verdict(same.length === compared.length),
    ]);
    const auditLoad = scaleLoads.find((m) => m.page === "audit-scale");
    const auditTiming = timings.find((t) => t.page === "audit-scale")!;
    if (auditLoad) {
      const ratio = auditLoad.requestsPerSecond / plain.rps;
      const ok = ratio >= TARGET_VS_PLAIN.audit! && auditTiming.count.transactions !== null && auditTiming.count.transactions <= TARGET_TRANSACTIONS && auditTiming.count.statements !== null && auditTiming.count.statements <= TARGET_STATEMENTS;
      targetRows.push([
        `the audit page at scale keeps its targets (≥ ${TARGET_VS_PLAIN.audit} ×, ≤ ${TARGET_TRANSACTIONS} tx, ≤ ${TARGET_STATEMENTS} statements)`,
        `${ratio.toFixed(2)} × (one measurement), ${perView(auditTiming.count.statements, auditTiming.count.transactions)} statements / tx`,
        verdict(ok),
      ]);
    }
  }
  targetRows.push(pageCountsTarget(pageCounts));
  targetRows.push(["no non-2xx, errors or timeouts", failures.length ? failures.map((f) => `${f.path}: ${f.non2xx + f.errors + f.timeouts}`).join(", ") : "none", failures.length ? "**failed**" : "met"]);
  md.push("Targets (issue 10):", "", table(["target", "this run", ""], targetRows, ["l", "l", "l"]), "");
  md.push(
    `“By CPU per request”: the plain page's server CPU per request over the page's — the ratio of req/s each would reach with a core to itself, which moves less than req/s when other work shares the machine.`,
    "",
  );
  const empty = [...results, ...scaleLoads].filter((r) => r.requests === 0);
  if (empty.length) {
    md.push(
      `**${empty.length} measurement${empty.length === 1 ? "" : "s"} completed no request** (${empty.map((r) => `${r.path}, round ${r.round}`).join("; ")}): ` +
        `under this load a response took longer than the ${DURATION} s measured; run with a longer --duration.`,
      "",
    );
  }
  if (plain.spread > NOISY) {
    md.push(
      `**Noisy run:** the plain page's rounds differ by ${(plain.spread * 100).toFixed(0)} % (load average ${loadBefore[0]!.toFixed(2)} → ${loadAfter[0]!.toFixed(2)}): other work shared the machine. Trust the ratios by CPU over the ones by req/s, or run again.`,
      "",
    );
  }

  if (scale) {
    md.push(
      "## At scale",
      "",
      `“${SCALE_TENANT_NAME}”: ${scale.memberCount.toLocaleString("en")} members, ${scale.pendingInvitations} pending invitations, ${scale.auditEvents.toLocaleString("en")} audit events, viewed by its owner; ` +
        `${SWITCHER_EMAIL}: a member of ${scale.switcherTenantIds.length} workspaces, on the dashboard of the first. ` +
        `Server time: ${SCALE_REQUESTS} requests one after another over one keep-alive connection (after ${SCALE_WARM_REQUESTS} unmeasured), each timed inside the server from the request's arrival to its last byte handed to the socket (by the preload, not the app); ` +
        `“client p95” is the same requests timed in the bench process, sending to last byte received. Under load: one ${DURATION} s measurement at ${CONNECTIONS} connections, against the plain page's mean above.`,
      "",
      table(
        ["page", "data", "server p50 ms", "server p95 ms", "max ms", "client p95 ms", "server CPU ms/req", "statements / tx per view", "req/s under load", "× plain 30 KB page", "peak RSS"],
        timings.map((t) => {
          const page = SCALE_PAGES.find((p) => p.key === t.page)!;
          const m = scaleLoads.find((l) => l.page === t.page);
          return [
            page.label,
            t.data,
            t.serverMs.p50.toFixed(1),
            t.serverMs.p95.toFixed(1),
            t.serverMs.max.toFixed(1),
            t.clientMs.p95.toFixed(1),
            t.serverCpuMsPerRequest.toFixed(2),
            perView(t.count.statements, t.count.transactions, t.count.roundTrips),
            m ? m.requestsPerSecond.toFixed(0) : "–",
            m ? (m.requestsPerSecond / plain.rps).toFixed(2) : "–",
            m ? `${m.peakRssMb.toFixed(0)} MB` : "–",
          ];
        }),
        ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
      ),
      "",
      `Server CPU at scale: over the sequential requests (one at a time, so without the batching a loaded server gets).`,
      "",
    );
  }

  md.push(
    "## Every measurement",
    "",
    table(
      ["round", "server", "page", "req/s", "p50 ms", "p99 ms", "non-2xx", "HTML KB", "bytes/resp", "CPU ms/req", "peak RSS MB", "autocannon cores"],
      [...results, ...scaleLoads].map((r) => [
        scaleLoads.includes(r) ? "scale" : String(r.round),
        r.server,
        r.path + (r.server === "app" && r.page !== "sign-in" ? ` (${r.page})` : ""),
        r.requestsPerSecond.toFixed(1),
        String(r.latencyMs.p50),
        String(r.latencyMs.p99),
        String(r.non2xx + r.errors + r.timeouts),
        (r.htmlBytes / 1024).toFixed(1),
        Math.round(r.wireBytesPerResponse).toLocaleString("en"),
        fixed(r.serverCpuMsPerRequest),
        r.peakRssMb.toFixed(0),
        r.loadGeneratorCpuCores.toFixed(2),
      ]),
      ["l", "l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
    "",
    "Statements of one view (the last of the counted requests):",
    "",
  );
  for (const page of [...LOAD_PAGES, ...(scale ? SCALE_PAGES : [])]) {
    const sent = results.find((r) => r.page === page.key)?.sent ?? timings.find((t) => t.page === page.key)?.count.sent ?? [];
    if (!sent.length) continue;
    md.push(`${page.label}:`, "", "```", ...sent.map((q, n) => `${String(n + 1).padStart(2)}. ${q}`), "```", "");
  }
  md.push(...pageCountsSection(pageCounts));
  if (build.routes) md.push("Route table of this build of the app (`next build`):", "", "```", build.routes, "```", "");
  const report = md.join("\n");

  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `pages-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(
    file,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        options: { duration: DURATION, connections: CONNECTIONS, warmup: WARMUP, rounds: ROUNDS, pause: PAUSE, probe: PROBE, gzip: GZIP, scale: SCALE, scaleRequests: SCALE_REQUESTS, poolSize: POOL_SIZE },
        machine: { cpus: cpu.length, cpu: cpu[0]?.model.trim(), memoryGiB: os.totalmem() / 2 ** 30, loadBefore, loadAfter, node: process.version },
        versions: { next: nextVersion, autocannon: acVersion, postgres: pgVersion, embeddedPostgres: db.embedded },
        data: { ...db.seeded, scale: scale ? { ...scale, switcherTenantIds: scale.switcherTenantIds.length } : null, seedSeconds: db.seedSeconds },
        builds: { app: { distDir: DIST_DIR, seconds: build.seconds }, baseline: { seconds: baselineBuild.seconds } },
        targets: { vsPlain: TARGET_VS_PLAIN, rssMb: TARGET_RSS_MB, transactions: TARGET_TRANSACTIONS, statements: TARGET_STATEMENTS, scaleP95Ms: TARGET_SCALE_P95_MS },
        summaries: summaries.map((s) => ({ ...s, vsPlain: s.rps / plain.rps, vsPlainByCpu: plain.cpuMs !== null && s.cpuMs !== null ? plain.cpuMs / s.cpuMs : null })),
        peakRssMbWholeRun: runPeak,
        measurements: results,
        scale: { timings, loads: scaleLoads.map((m) => ({ ...m, vsPlain: m.requestsPerSecond / plain.rps })) },
        pageCounts,
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
        .map((r) => `${r.server} ${r.path}: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)}), ${r.errors} errors, ${r.timeouts} timeouts`)
        .join("; ")}\n${servers.app.output.join("").slice(-3000)}`,
    );
  }
}

await runBench(main);
