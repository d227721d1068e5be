// The live role checks the policies make: app_role_in(tenant) and
// app_can(permission), as the app's role calls them after an entry.
//
// Each reads the signed request context (app_context(), which verifies its
// signature on every call) twice: once for the tenant it is asked about, once
// for the user. Before migration 20261209000000_role_checks_by_definer they
// looked the membership up through the tables' own policies, whose
// sub-selects read the context again, 7 and 14 times a check. What they answer
// is held here too: the role as it is now, not as the entry found it.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addMember, createTenantRow, createWorkspace, owner, ownerDatabaseUrl, type TestTenant, type TestUser } from "@/test/fixtures";

let client: pg.Client;
let tenant: TestTenant;
let other: TestTenant;
let admin: TestUser;

beforeAll(async () => {
  // A connection of the app's role, counting its PL/pgSQL calls (track_functions is set before SET ROLE: only a superuser may).
  client = new pg.Client({ connectionString: ownerDatabaseUrl() });
  await client.connect();
  await client.query("SET track_functions = 'pl'");
  await client.query("SET ROLE tenantry_app");
});

afterAll(async () => {
  await client?.end();
});

beforeEach(async () => {
  const workspace = await createWorkspace();
  tenant = workspace.tenant;
  admin = workspace.admin;
  other = await createTenantRow();
  await addMember(other.id, admin.id, "member");
});

/** The transaction's calls of app_context() so far. */
async function contextReads(): Promise<number> {
  const { rows } = await client.query<{ calls: string }>(
    "SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_xact_user_functions WHERE schemaname = 'public' AND funcname = 'app_context'",
  );
  return Number(rows[0]!.calls);
}

/** Runs `body` in a transaction the admin entered into `tenant` with their session token, then rolls back. */
async function asEnteredAdmin(body: () => Promise<void>) {
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ kind: string; role: string }>("SELECT kind, role FROM app_enter($1, $2)", [admin.sessionToken, tenant.id]);
    expect(rows[0]).toEqual({ kind: "tenant", role: "admin" });
    await body();
  } finally {
    await client.query("ROLLBACK");
  }
}

const roleIn = async (tenantId: string) =>
  (await client.query<{ role: string | null }>("SELECT app_role_in($1) AS role", [tenantId])).rows[0]!.role;
const can = async (permission: string) =>
  (await client.query<{ can: boolean }>("SELECT app_can($1) AS can", [permission])).rows[0]!.can;

describe("the policies' live role checks", () => {
  it("app_role_in reads the request's context twice, not again through the tables' policies", async () => {
    await asEnteredAdmin(async () => {
      const before = await contextReads();
      expect((await client.query("SELECT app_role_in(app_current_tenant_id()) AS role")).rows[0].role).toBe("admin");
      expect((await contextReads()) - before).toBe(2);
    });
  });

  it("app_can reads it twice too, not once per role the permission is granted to", async () => {
    await asEnteredAdmin(async () => {
      const before = await contextReads();
      expect(await can("members.manage")).toBe(true);
      expect((await contextReads()) - before).toBe(2);
    });
  });

  it("answer the user's role in the tenant asked about, and none where they are no member", async () => {
    await asEnteredAdmin(async () => {
      expect(await roleIn(tenant.id)).toBe("admin");
      expect(await roleIn(other.id)).toBe("member");
      const stranger = await createTenantRow();
      expect(await roleIn(stranger.id)).toBeNull();
    });
  });

  it("count a role changed since the entry at the next statement", async () => {
    await asEnteredAdmin(async () => {
      expect(await can("members.manage")).toBe(true);
      await owner().query("UPDATE tenant_members SET role = 'auditor' WHERE tenant_id = $1 AND user_id = $2", [tenant.id, admin.id]);
      expect(await roleIn(tenant.id)).toBe("auditor");
      expect(await can("members.manage")).toBe(false);
      expect(await can("audit.read")).toBe(true);
    });
  });

  it("find no role and grant nothing once the membership is removed", async () => {
    await asEnteredAdmin(async () => {
      await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [tenant.id, admin.id]);
      expect(await roleIn(tenant.id)).toBeNull();
      expect(await can("audit.read")).toBe(false);
      expect(await roleIn(other.id)).toBe("member");
    });
  });

  it("find no role once the user is deactivated", async () => {
    await asEnteredAdmin(async () => {
      await owner().query("UPDATE users SET active = false WHERE id = $1", [admin.id]);
      expect(await roleIn(tenant.id)).toBeNull();
      expect(await roleIn(other.id)).toBeNull();
      expect(await can("members.manage")).toBe(false);
    });
  });
});
