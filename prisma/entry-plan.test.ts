// The plan Postgres keeps for the entry's list of the user's workspaces.
//
// PL/pgSQL keeps a statement's plan for the connection, and after five calls
// the generic one, planned without knowing whose memberships it reads. Under
// row-level security the planner may not use a column's statistics through
// an operator that is not leakproof, so it guesses that almost no workspace
// is left once deleted ones are filtered out; joined as a nested loop over a
// scan of every workspace per membership, a user of 500 workspaces made each
// page view read ~127,000 rows (migration 20261207000000_entry_memberships_by_key).
// These tests read the plan the entry runs with (auto_explain's nested
// statements, the generic plan forced) and hold it to one lookup by key per
// membership.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, owner, ownerDatabaseUrl, unique, type TestUser } from "@/test/fixtures";

const WORKSPACES = 400;
const MEMBERSHIPS = 250;
const OTHER_USERS = 3000;

let user: TestUser;
let client: pg.Client;
const notices: string[] = [];

beforeAll(async () => {
  user = await createUser({ name: "Plan Reader" });
  const tag = unique();
  // Workspaces enough that reading every one per membership is not the cheap way; the user belongs to most of them.
  const { rows } = await owner().query<{ id: string }>(
    `INSERT INTO tenants (name, slug) SELECT 'Plan ' || $1 || ' ' || i, 'plan-' || $1 || '-' || i FROM generate_series(1, $2::int) AS i RETURNING id`,
    [tag, WORKSPACES],
  );
  await owner().query(`INSERT INTO tenant_members (tenant_id, user_id, role) SELECT unnest($1::uuid[]), $2, 'owner'`, [
    rows.slice(0, MEMBERSHIPS).map((r) => r.id),
    user.id,
  ]);
  // And as in any real database, many users of a workspace or two: a plan made without knowing whose memberships
  // it reads expects a membership or two.
  const others = await owner().query<{ id: string }>(
    `INSERT INTO users (email) SELECT 'plan-' || $1 || '-' || i || '@example.test' FROM generate_series(1, $2::int) AS i RETURNING id`,
    [tag, OTHER_USERS],
  );
  await owner().query(
    `INSERT INTO tenant_members (tenant_id, user_id, role) SELECT ($1::uuid[])[1 + n % cardinality($1::uuid[])], u, 'member' FROM unnest($2::uuid[]) WITH ORDINALITY AS x(u, n)`,
    [rows.map((r) => r.id), others.rows.map((r) => r.id)],
  );
  await owner().query("ANALYZE tenants, tenant_members, tenant_logos");

  // A connection of the app's role, with the plans of nested statements reported as notices.
  client = new pg.Client({ connectionString: ownerDatabaseUrl() });
  await client.connect();
  client.on("notice", (notice) => notices.push(notice.message ?? ""));
  await client.query("LOAD 'auto_explain'");
  for (const setting of [
    "auto_explain.log_min_duration = 0",
    "auto_explain.log_nested_statements = on",
    "auto_explain.log_analyze = on",
    "auto_explain.log_timing = off",
    "auto_explain.log_level = notice",
    // The plan PL/pgSQL keeps after its first five calls, from the first call.
    "plan_cache_mode = force_generic_plan",
  ]) {
    await client.query(`SET ${setting}`);
  }
  await client.query("SET ROLE tenantry_app");
});

afterAll(async () => {
  await client?.end();
});

/** The plan of the entry's statement that lists the user's own memberships, from one page's entry. */
async function membershipsPlan(): Promise<{ plan: string; listed: number }> {
  notices.length = 0;
  await client.query("BEGIN");
  const { rows } = await client.query<{ kind: string; memberships: unknown[] }>("SELECT kind, memberships FROM app_enter($1, NULL)", [user.sessionToken]);
  await client.query("COMMIT");
  const plans = notices.filter((n) => /FROM public\.tenant_members m\b/.test(n) && /jsonb_agg/.test(n) && /WHERE m\.user_id = v_user\.user_id/.test(n));
  expect(plans, "one plan of the memberships statement").toHaveLength(1);
  expect(rows[0]!.kind).toBe("tenant");
  return { plan: plans[0]!, listed: rows[0]!.memberships.length };
}

describe("the entry's list of the user's workspaces (its kept, generic plan)", () => {
  it("lists every membership", async () => {
    const { listed } = await membershipsPlan();
    expect(listed).toBe(MEMBERSHIPS);
  });

  it("finds each membership's workspace by its key, not by reading the workspaces again per membership", async () => {
    const { plan } = await membershipsPlan();
    expect(plan).toMatch(/Index Scan using tenants_pkey on tenants t/);
    expect(plan).not.toMatch(/Seq Scan on tenants/);
    expect(plan).not.toMatch(/Rows Removed by Join Filter/);
  });
});
