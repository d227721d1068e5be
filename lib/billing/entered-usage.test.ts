// What the entered workspace uses of its plan's limits on seats, API keys and
// child workspaces (app_entered_plan_usage), for the pages that offer to
// create them: counted as the limit counts (app_plan_usage), whatever the caller may
// see, for the entered workspace only, and read in the pages' one statement.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { apiKeysPageRead } from "@/lib/api-keys";
import { hierarchyPage } from "@/lib/hierarchy/workspaces";
import { resolveWithData } from "@/lib/tenancy/resolve";
import { asApp, createTenantRow, createUser, createWorkspace, credentialOf, insertInvitation, owner, pgErrorCode, setTenantStatus, TEST_REQUEST, unique, uniqueEmail, type TestUser } from "@/test/fixtures";

async function insertKey(tenantId: string, userId: string, state: "live" | "revoked" | "deleted" | "expired" = "live") {
  const { rows } = await owner().query<{ id: string }>(
    `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at)
     VALUES ($1, $2, $3, 'read', $4, $5, now() + interval '30 days') RETURNING id`,
    [tenantId, userId, state, `tnty_${unique()}`, randomBytes(32).toString("hex")],
  );
  const change = {
    live: null,
    revoked: "UPDATE api_keys SET revoked_at = now() WHERE id = $1",
    deleted: "UPDATE api_keys SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1",
    expired: "UPDATE api_keys SET created_at = now() - interval '9 days', expires_at = now() - interval '1 day' WHERE id = $1",
  }[state];
  if (change) await owner().query(change, [rows[0]!.id]);
}

async function insertChild(parentId: string, status: "active" | "blocked" | "deleted" = "active") {
  const tag = unique();
  const { rows } = await owner().query<{ id: string }>("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $2, $3) RETURNING id", [
    `Child ${tag}`,
    `child-${tag}`,
    parentId,
  ]);
  if (status !== "active") await setTenantStatus(rows[0]!.id, status);
}

/** What the database's limit counts (app_plan_usage, as its owner). */
async function limitCounts(tenantId: string, limit: "seats" | "api_keys" | "child_workspaces"): Promise<number> {
  const { rows } = await owner().query<{ n: number }>("SELECT app_plan_usage($1, $2)::int AS n", [tenantId, limit]);
  return rows[0]!.n;
}

/** What the app role reads, entered in `tenantId` as `user` (or with no workspace entered). */
async function enteredUsage(user: TestUser | null, tenantId: string | undefined, limit: string): Promise<number | null> {
  return asApp({ user, tenantId }, async (client) => {
    const { rows } = await client.query<{ n: number | null }>("SELECT app_entered_plan_usage($1)::int AS n", [limit]);
    return rows[0]!.n;
  });
}

describe("app_entered_plan_usage", () => {
  it("gives every role the entered workspace's live API keys, counted as the limit counts them, not only those the caller sees", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    await insertKey(ws.tenant.id, ws.admin.id);
    await insertKey(ws.tenant.id, ws.owner.id);
    for (const state of ["revoked", "deleted", "expired"] as const) await insertKey(ws.tenant.id, ws.admin.id, state);
    await insertKey(other.tenant.id, other.owner.id);
    await insertKey(other.tenant.id, other.owner.id);
    await insertKey(other.tenant.id, other.owner.id);

    expect(await limitCounts(ws.tenant.id, "api_keys")).toBe(2);
    for (const user of [ws.owner, ws.admin, ws.auditor, ws.member]) {
      expect(await enteredUsage(user, ws.tenant.id, "api_keys")).toBe(2);
    }
    // The member sees none of those keys themselves.
    const seen = await asApp({ user: ws.member, tenantId: ws.tenant.id }, async (client) => (await client.query("SELECT id FROM api_keys")).rowCount);
    expect(seen).toBe(0);
    // Entered in the other workspace, its own count.
    expect(await enteredUsage(other.owner, other.tenant.id, "api_keys")).toBe(3);
  });

  it("gives every role the entered workspace's seats, counted as the seats triggers count them: members and pending invitations not expired or in the trash", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("pending") });
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("lapsed"), expiresAt: new Date(Date.now() - 60_000) });
    for (const status of ["declined", "revoked", "accepted"]) await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail(status), status });
    const trashed = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("trashed") });
    await owner().query("UPDATE tenant_invitations SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [trashed.id]);
    await insertInvitation({ tenantId: other.tenant.id, email: uniqueEmail("theirs") });

    expect(await limitCounts(ws.tenant.id, "seats")).toBe(5);
    for (const user of [ws.owner, ws.admin, ws.auditor, ws.member]) {
      expect(await enteredUsage(user, ws.tenant.id, "seats")).toBe(5);
    }
    expect(await enteredUsage(other.owner, other.tenant.id, "seats")).toBe(5);
  });

  it("gives a manager the entered workspace's children, without those in the trash; others get nothing", async () => {
    const ws = await createWorkspace();
    await insertChild(ws.tenant.id);
    await insertChild(ws.tenant.id, "blocked");
    await insertChild(ws.tenant.id, "deleted");
    expect(await limitCounts(ws.tenant.id, "child_workspaces")).toBe(2);
    expect(await enteredUsage(ws.owner, ws.tenant.id, "child_workspaces")).toBe(2);
    expect(await enteredUsage(ws.admin, ws.tenant.id, "child_workspaces")).toBe(2);
    // Those who may not see the workspace's children do not learn how many there are.
    expect(await enteredUsage(ws.member, ws.tenant.id, "child_workspaces")).toBeNull();
    expect(await enteredUsage(ws.auditor, ws.tenant.id, "child_workspaces")).toBeNull();
  });

  it("answers for no workspace but the entered one: none is named by the caller, and without an entry it answers nothing", async () => {
    const ws = await createWorkspace();
    const target = await createWorkspace();
    await insertKey(target.tenant.id, target.owner.id);
    // Only the limit is an argument: no signature takes a workspace.
    const named = await asApp({ user: ws.owner, tenantId: ws.tenant.id }, (client) =>
      pgErrorCode(client.query("SELECT app_entered_plan_usage($1::uuid, 'api_keys')", [target.tenant.id])),
    );
    expect(named).toBe("42883");
    // Nor may the app count another workspace through the function the limit uses.
    const direct = await asApp({ user: ws.owner, tenantId: ws.tenant.id }, (client) =>
      pgErrorCode(client.query("SELECT app_plan_usage($1, 'api_keys')", [target.tenant.id])),
    );
    expect(direct).toBe("42501");
    // A user who is no member of the workspace named in the cookie enters none.
    const stranger = await createUser();
    expect(await enteredUsage(stranger, undefined, "api_keys")).toBeNull();
    expect(await enteredUsage(null, undefined, "api_keys")).toBeNull();
    expect(await enteredUsage(ws.owner, undefined, "child_workspaces")).toBeNull();
    // Limits other than seats, API keys and child workspaces are not what it answers.
    expect(await asApp({ user: ws.owner, tenantId: ws.tenant.id }, (client) => pgErrorCode(client.query("SELECT app_entered_plan_usage('export')")))).toBe(
      "22023",
    );
    expect(await enteredUsage(stranger, undefined, "seats")).toBeNull();
  });

  it("runs as tenantry_definer with a pinned search_path, callable by the app role and no one else", async () => {
    const { rows } = await owner().query(
      `SELECT p.prosecdef AS definer, pg_get_userbyid(p.proowner) AS owner, p.proconfig AS config,
              has_function_privilege('tenantry_app', p.oid, 'EXECUTE') AS app,
              has_function_privilege('tenantry_auth', p.oid, 'EXECUTE') AS auth,
              has_function_privilege('public', p.oid, 'EXECUTE') AS public
         FROM pg_proc p WHERE p.oid = 'app_entered_plan_usage(text)'::regprocedure`,
    );
    expect(rows).toEqual([{ definer: true, owner: "tenantry_definer", config: ["search_path=pg_catalog, pg_temp"], app: true, auth: false, public: false }]);
  });
});

describe("the pages' one statement", () => {
  it("gives the API keys page the workspace's live keys, also to a member who sees none of them", async () => {
    const ws = await createWorkspace();
    await insertKey(ws.tenant.id, ws.admin.id);
    await insertKey(ws.tenant.id, ws.owner.id, "revoked");
    const { data } = await resolveWithData(credentialOf(ws.member), ws.tenant.id, TEST_REQUEST, apiKeysPageRead());
    expect(data).toMatchObject({ keys: [], keysInUse: 1 });
  });

  it("gives the hierarchy page the children the limit counts, not those in the trash", async () => {
    const parent = await createTenantRow({ name: "Usage Parent" });
    const ws = { tenant: parent, owner: await createUser() };
    await owner().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'owner')", [parent.id, ws.owner.id]);
    await insertChild(parent.id);
    await insertChild(parent.id, "deleted");
    const { data } = await resolveWithData(credentialOf(ws.owner), parent.id, TEST_REQUEST, hierarchyPage);
    expect(data).toMatchObject({ childCount: 1, childrenInUse: 1 });
  });
});
