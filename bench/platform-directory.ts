// npx tsx bench/platform-directory.ts [-- --workspaces=N] [--runs=N]
//
// The platform console's directory at scale: N workspaces (10,000 by default)
// with five members each, 10 audit events each, 20 % on pro and 2 %
// suspended, in a fresh database `tenantry_bench_platform` on DATABASE_URL's
// server (an embedded Postgres when it is unset). Each query is the one the
// /admin page runs — app_platform_tenants as the app role after
// app_enter_platform, one page of 51 rows — timed over --runs runs (20), in
// one transaction per run as the page does; the report gives p50 and p95 in
// milliseconds and the entry's cost. The database is dropped at the end.
// Nothing here is part of the test suite.
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { dropDatabase, resolvePostgres } from "../scripts/db/postgres";
import { prepareDatabase } from "../scripts/db/prepare";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.slice(name.length + 3)) : fallback;
};
const WORKSPACES = option("workspaces", 10_000);
const RUNS = option("runs", 20);

const server = await resolvePostgres("bench-platform-postgres", false);
try {
  const db = await prepareDatabase({ serverUrl: server.adminUrl, database: "tenantry_bench_platform", recreate: true });
  const ownerClient = new pg.Client({ connectionString: db.ownerUrl });
  await ownerClient.connect();
  const token = randomBytes(32).toString("hex");
  const started = Date.now();
  await ownerClient.query(`
    INSERT INTO users (email, name) SELECT 'u' || g || '@example.test', 'User ' || g FROM generate_series(1, ${WORKSPACES * 2}) g;
    INSERT INTO tenants (name, slug, created_at)
      SELECT 'Company ' || md5(g::text) || ' ' || g, 'company-' || g, now() - (g || ' minutes')::interval FROM generate_series(1, ${WORKSPACES}) g;
    INSERT INTO tenant_members (tenant_id, user_id, role)
      SELECT t.id, u.id, CASE WHEN k = 0 THEN 'owner'::member_role ELSE 'member'::member_role END
        FROM (SELECT id, row_number() OVER (ORDER BY created_at) AS n FROM tenants) t
        CROSS JOIN generate_series(0, 4) k
        JOIN users u ON u.email = 'u' || (((t.n * 5 + k) % ${WORKSPACES * 2}) + 1) || '@example.test'
      ON CONFLICT DO NOTHING;
    UPDATE tenants SET plan_id = 'pro' WHERE random() < 0.2;
    UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE random() < 0.02;
    INSERT INTO audit_log (tenant_id, action, metadata, created_at)
      SELECT t.id, 'tenant.switch', '{}', now() - (g || ' seconds')::interval FROM tenants t CROSS JOIN generate_series(1, 10) g;
    INSERT INTO users (email, name, is_platform_admin) VALUES ('admin@example.test', 'Admin', true);
    ANALYZE;`);
  await ownerClient.query(
    "INSERT INTO sessions (session_token, user_id, expires) SELECT $1, id, now() + interval '1 day' FROM users WHERE email = 'admin@example.test'",
    [createHash("sha256").update(token).digest("hex")],
  );
  await ownerClient.end();
  console.log(`Seeded ${WORKSPACES.toLocaleString("en")} workspaces in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

  const app = new pg.Client({ connectionString: db.appUrl });
  await app.connect();
  const cases: Array<[string, unknown[]]> = [
    ["first page", [null, null, null, null, null]],
    ["deep page (keyset)", [null, null, null, new Date(Date.now() - (WORKSPACES / 2) * 60_000), "00000000-0000-0000-0000-000000000000"]],
    ["member email", [`u${Math.floor(WORKSPACES / 3)}@example.test`, null, null, null, null]],
    ["member email, its start", [`U${Math.floor(WORKSPACES / 3)}@exam`, null, null, null, null]],
    ["name fragment (rare)", [String(Math.floor(WORKSPACES * 0.42)), null, null, null, null]],
    ["name fragment (every row)", ["company", null, null, null, null]],
    ["status: suspended", [null, "blocked", null, null, null]],
    ["plan: pro", [null, null, "pro", null, null]],
    ["no match", ["nothing-matches-this", null, null, null, null]],
  ];
  const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const entry: number[] = [];
  const rows: string[] = [];
  for (const [label, params] of cases) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await app.query("BEGIN");
      let t = performance.now();
      await app.query("SELECT * FROM app_enter_platform($1)", [token]);
      entry.push(performance.now() - t);
      t = performance.now();
      await app.query("SELECT * FROM app_platform_tenants($1, $2::tenant_status, $3, $4, $5, 51)", params);
      times.push(performance.now() - t);
      await app.query("COMMIT");
    }
    times.sort((a, b) => a - b);
    rows.push(`| ${label} | ${p(times, 0.5).toFixed(1)} | ${p(times, 0.95).toFixed(1)} |`);
  }
  entry.sort((a, b) => a - b);
  await app.end();
  console.log(`\n| directory query (${WORKSPACES.toLocaleString("en")} workspaces) | p50 ms | p95 ms |\n|---|---:|---:|\n${rows.join("\n")}`);
  console.log(`\napp_enter_platform: p50 ${p(entry, 0.5).toFixed(1)} ms, p95 ${p(entry, 0.95).toFixed(1)} ms`);
} finally {
  await dropDatabase(server.adminUrl, "tenantry_bench_platform").catch(() => {});
  await server.stop();
}
