// npm run bench:hierarchy [-- --calls=N]
//
// The workspace hierarchy's request-time cost, measured in the database as
// the app role (tenantry_app, under row-level security), on a tree of 10,000
// workspaces six levels deep:
// - IsDescendant: app_is_descendant(root, x) entered in the root as its admin
//   (one primary-key lookup under tenant_closure's policy), for descendants
//   and for workspaces outside the tree;
// - a plain membership entry: app_enter(token, workspace, strict) of a member;
// - the act-as entry: app_enter(token, depth-6 workspace, strict) of an admin
//   of the root (no membership there: the delegation is found in the same
//   statement), and app_enter_act_as(token, root, workspace) — the API's;
// - the page entry (non-strict app_enter, which also lists the switcher's
//   workspaces): a member of one workspace, and the root's admin, whose list
//   includes the root's nearest 100 descendants.
// Each call is timed inside Postgres (clock_timestamp() around it, in a DO
// block run by the app role), so the figures hold no network or driver time.
//
// The tree is vacuumed and analysed after seeding (the state autovacuum
// reaches). The database is `tenantry_bench_hierarchy` on DATABASE_URL's server, else
// on an embedded Postgres in .data/bench-postgres; it is rebuilt every run
// (seeding takes seconds).
import pg from "pg";
import { resolvePostgres } from "../scripts/db/postgres";
import { prepareDatabase } from "../scripts/db/prepare";
import { createBenchSession, log, ownerQuery, runBench, seconds, stoppers, table } from "./lib";

const DATABASE = "tenantry_bench_hierarchy";
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.slice(name.length + 3)) : fallback;
};
const CALLS = option("calls", 2000);
const WARMUP = 200;
const TOTAL = 10_000;
const DEPTH = 6;
const BRANCHING = 5;

/** Inserts the tree level by level through the closure triggers; returns the ids per level. */
async function seedTree(ownerUrl: string): Promise<string[][]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const levels: string[][] = [];
    const root = await client.query<{ id: string }>("INSERT INTO tenants (name, slug) VALUES ('Root', 'root') RETURNING id");
    levels.push([root.rows[0]!.id]);
    let total = 1;
    for (let depth = 1; depth <= DEPTH; depth++) {
      const parents = levels[depth - 1]!;
      // Full branching above the last level; the last level takes what is left of 10,000.
      const count = depth < DEPTH ? parents.length * BRANCHING : TOTAL - total;
      const parentIds = Array.from({ length: count }, (_, i) => parents[i % parents.length]!);
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenants (name, slug, parent_id)
         SELECT 'Workspace ' || $1 || '-' || n, 'ws-' || $1 || '-' || n, p
           FROM unnest($2::uuid[]) WITH ORDINALITY AS x(p, n)
         RETURNING id`,
        [depth, parentIds],
      );
      levels.push(rows.map((r) => r.id));
      total += count;
    }
    // The steady state autovacuum reaches: statistics, and visibility for index-only scans.
    await client.query("VACUUM (ANALYZE) tenants, tenant_closure, tenant_members");
    return levels;
  } finally {
    await client.end();
  }
}

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

function stats(micros: number[]): Stats {
  const sorted = [...micros].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! / 1000;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: sorted.reduce((s, v) => s + v, 0) / sorted.length / 1000 };
}

/**
 * Times `call` (a SQL expression using $1, one of `args` per call, cycled)
 * `CALLS` times inside one DO block as the app role, after `prelude` (an
 * entry); returns each call's duration in microseconds.
 */
async function timeInDatabase(app: pg.Client, prelude: string, call: string, argValues: string[]): Promise<number[]> {
  const literal = (v: string) => app.escapeLiteral(v);
  const array = `ARRAY[${argValues.map(literal).join(",")}]::text[]`;
  await app.query("BEGIN");
  try {
    if (prelude) await app.query(prelude);
    await app.query(`DO $bench$
      DECLARE
        args text[] := ${array};
        arg text;
        started timestamptz;
        times bigint[] := '{}';
        sink text;
      BEGIN
        FOR i IN 1..${WARMUP + CALLS} LOOP
          arg := args[1 + (i % array_length(args, 1))];
          started := clock_timestamp();
          sink := (${call.replaceAll("$1", "arg")})::text;
          IF i > ${WARMUP} THEN
            times := times || (extract(epoch FROM clock_timestamp() - started) * 1000000)::bigint;
          END IF;
        END LOOP;
        PERFORM set_config('bench.times', array_to_string(times, ','), true);
      END
    $bench$`);
    const { rows } = await app.query<{ times: string }>("SELECT current_setting('bench.times') AS times");
    return rows[0]!.times.split(",").map(Number);
  } finally {
    await app.query("ROLLBACK");
  }
}

async function main() {
  const server = await resolvePostgres("bench-postgres", true);
  stoppers.push(() => server.stop());
  log(`Postgres: ${server.embedded ? `embedded (${server.dataDir})` : "DATABASE_URL's server"}, database ${DATABASE}`);
  const db = await prepareDatabase({ serverUrl: server.adminUrl, database: DATABASE, recreate: true });

  const seeding = performance.now();
  const levels = await seedTree(db.ownerUrl);
  const root = levels[0]![0]!;
  const leaves = levels[DEPTH]!;
  const closureRows = (await ownerQuery<{ n: number }>(db.ownerUrl, "SELECT count(*)::int AS n FROM tenant_closure"))[0]!.n;
  log(`Seeded ${levels.flat().length.toLocaleString("en")} workspaces, depth ${DEPTH}, ${closureRows.toLocaleString("en")} closure rows, in ${seconds(seeding).toFixed(1)} s.`);

  // The root's admin (a delegate everywhere below) and a member of one leaf.
  const newUser = async (email: string) => (await ownerQuery<{ id: string }>(db.ownerUrl, "INSERT INTO users (email, name) VALUES ($1, $1) RETURNING id", [email]))[0]!.id;
  const adminId = await newUser("admin@bench.test");
  const memberId = await newUser("member@bench.test");
  await ownerQuery(db.ownerUrl, "INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'admin')", [root, adminId]);
  await ownerQuery(db.ownerUrl, "INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [leaves[0], memberId]);
  const adminToken = await createBenchSession(db.ownerUrl, adminId);
  const memberToken = await createBenchSession(db.ownerUrl, memberId);

  const app = new pg.Client({ connectionString: db.appUrl });
  await app.connect();
  stoppers.push(() => app.end());
  const sample = (list: string[], n: number) => Array.from({ length: n }, (_, i) => list[(i * 7919) % list.length]!);
  const outside = Array.from({ length: 200 }, () => crypto.randomUUID());
  const everyone = levels.flat().slice(1);
  const lit = (v: string) => app.escapeLiteral(v);
  const enterRoot = `SELECT app_enter(${lit(adminToken)}, ${lit(root)}::uuid, true)`;

  const cases: Array<{ name: string; prelude: string; call: string; args: string[] }> = [
    { name: "IsDescendant, a descendant (true)", prelude: enterRoot, call: `app_is_descendant(${lit(root)}::uuid, $1::uuid)`, args: sample(everyone, 500) },
    { name: "IsDescendant, outside the tree (false)", prelude: enterRoot, call: `app_is_descendant(${lit(root)}::uuid, $1::uuid)`, args: outside },
    { name: "membership entry (app_enter, strict)", prelude: "", call: `(SELECT role FROM app_enter(${lit(memberToken)}, $1::uuid, true))`, args: [leaves[0]!] },
    { name: "act-as entry, depth 6 (app_enter, strict)", prelude: "", call: `(SELECT role FROM app_enter(${lit(adminToken)}, $1::uuid, true))`, args: sample(leaves, 500) },
    { name: "act-as entry, depth 1 (app_enter, strict)", prelude: "", call: `(SELECT role FROM app_enter(${lit(adminToken)}, $1::uuid, true))`, args: levels[1]! },
    { name: "act-as entry, named ancestor (app_enter_act_as)", prelude: "", call: `(SELECT role FROM app_enter_act_as(${lit(adminToken)}, ${lit(root)}::uuid, $1::uuid))`, args: sample(leaves, 500) },
    { name: "page entry of a member (app_enter, switcher list)", prelude: "", call: `(SELECT kind FROM app_enter(${lit(memberToken)}, $1::uuid))`, args: [leaves[0]!] },
    { name: "page entry of the root's admin (+100 descendants listed)", prelude: "", call: `(SELECT kind FROM app_enter(${lit(adminToken)}, $1::uuid))`, args: [root] },
    { name: "page entry of the root's admin, as delegate at depth 6", prelude: "", call: `(SELECT kind FROM app_enter(${lit(adminToken)}, $1::uuid))`, args: sample(leaves, 500) },
  ];

  const rows: string[][] = [];
  const results: Record<string, Stats> = {};
  for (const c of cases) {
    const times = await timeInDatabase(app, c.prelude, c.call, c.args);
    const s = stats(times);
    results[c.name] = s;
    rows.push([c.name, s.p50.toFixed(3), s.p95.toFixed(3), s.p99.toFixed(3), s.mean.toFixed(3)]);
    log(`  ${c.name}: p50 ${s.p50.toFixed(3)} ms, p95 ${s.p95.toFixed(3)} ms`);
  }
  log("");
  log(`${CALLS.toLocaleString("en")} calls each (after ${WARMUP} warm-up calls), timed inside Postgres as tenantry_app; milliseconds.`);
  log(table(["call", "p50", "p95", "p99", "mean"], rows, ["l", "r", "r", "r", "r"]));
}

void runBench(main);
