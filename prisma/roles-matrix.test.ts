// The roles in SQL come from the roles matrix. Policies never name the
// caller's role: they ask app_can('<permission>'), which admits the roles
// role_permissions lists, and role_permissions must be exactly
// lib/tenancy/permissions.ts. So a policy cannot admit a role the matrix does
// not (or refuse one it does) without one of these tests failing.
import { beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, ROLES, can, type Role } from "@/lib/tenancy/permissions";
import { addMember, asApp, createTenantRow, createUser, owner, type TestTenant, type TestUser } from "@/test/fixtures";

interface PolicyRow {
  table: string;
  policy: string;
  expression: string;
}

async function policies(): Promise<PolicyRow[]> {
  const { rows } = await owner().query<PolicyRow>(
    `SELECT tablename AS table, policyname AS policy, concat_ws(' WITH CHECK ', qual, with_check) AS expression
       FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename, policyname`,
  );
  return rows;
}

/**
 * Where a policy compares the caller's role (app_role_in, app_current_role)
 * with anything: only `IS [NOT] NULL` (is a member at all) is allowed; which
 * roles may do something is app_can's business.
 */
export function roleComparisons(expression: string): string[] {
  const found: string[] = [];
  // As Postgres prints policies: ( SELECT app_role_in(app_current_tenant_id()) AS app_role_in) = 'owner'::member_role
  const wrapped = /AS (app_role_in|app_current_role)\)\s*(?!IS\b)(\S+)/g;
  // Called bare: app_role_in(tenant_id) = ANY (…)
  const bare = /\b(app_role_in|app_current_role)\((?:[^()]|\([^()]*\))*\)\s*(?!IS\b|AS\b)([=<>!]+|IN\b|= ANY)/g;
  for (const match of expression.matchAll(wrapped)) found.push(match[0]);
  for (const match of expression.matchAll(bare)) found.push(match[0]);
  return found;
}

const permissionsAskedFor = (expression: string) => [...expression.matchAll(/app_can\('([^']*)'(?:::text)?\)/g)].map((m) => m[1]!);

describe("roles in SQL come from the matrix", () => {
  it("role_permissions is exactly lib/tenancy/permissions.ts", async () => {
    const { rows } = await owner().query<{ permission: string; role: Role }>("SELECT permission, role FROM role_permissions");
    const inDatabase = rows.map((r) => `${r.permission}:${r.role}`).sort();
    const inMatrix = PERMISSIONS.flatMap((p) => ROLES.filter((r) => can(r, p)).map((r) => `${p}:${r}`)).sort();
    expect(inDatabase).toEqual(inMatrix);
  });

  it("no policy compares the caller's role with a role by name", async () => {
    const offenders = (await policies()).flatMap((p) => roleComparisons(p.expression).map((c) => `${p.table}.${p.policy}: ${c}`));
    expect(offenders).toEqual([]);
  });

  it("every permission a policy asks for is one the matrix has, and the policies ask for some", async () => {
    const asked = (await policies()).flatMap((p) => permissionsAskedFor(p.expression).map((permission) => ({ ...p, permission })));
    expect(asked.length).toBeGreaterThan(10);
    const unknown = asked.filter((a) => !(PERMISSIONS as string[]).includes(a.permission)).map((a) => `${a.table}.${a.policy}: ${a.permission}`);
    expect(unknown).toEqual([]);
  });

  it("catches a policy that names roles (the check above can fail)", async () => {
    // A loose policy, created and rolled back in one transaction, must be reported.
    const client = await owner().connect();
    try {
      await client.query("BEGIN");
      await client.query(
        `CREATE POLICY roles_by_name_probe ON tenant_notes FOR DELETE
           USING (tenant_id = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin', 'member'))`,
      );
      await client.query(
        `CREATE POLICY roles_bare_probe ON tenant_notes FOR SELECT USING (app_role_in(tenant_id) = 'auditor')`,
      );
      const { rows } = await client.query<PolicyRow>(
        `SELECT tablename AS table, policyname AS policy, concat_ws(' WITH CHECK ', qual, with_check) AS expression
           FROM pg_policies WHERE policyname IN ('roles_by_name_probe', 'roles_bare_probe') ORDER BY policyname`,
      );
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(roleComparisons(row.expression)).not.toEqual([]);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
    // Membership alone (IS NOT NULL) is not a role list.
    expect(roleComparisons("(( SELECT app_current_role() AS app_current_role) IS NOT NULL)")).toEqual([]);
    expect(roleComparisons("(app_role_in(tenant_id) IS NULL)")).toEqual([]);
  });

  describe("app_can, as the app role, for each role in a tenant", () => {
    let tenant: TestTenant;
    const members = {} as Record<Role, TestUser>;

    beforeAll(async () => {
      tenant = await createTenantRow();
      for (const role of ROLES) {
        members[role] = await createUser();
        await addMember(tenant.id, members[role].id, role);
      }
    });

    it.each(ROLES)("%s gets exactly the matrix's permissions", async (role) => {
      const granted = await asApp({ tenantId: tenant.id, user: members[role] }, async (client) => {
        const { rows } = await client.query<{ permission: string; allowed: boolean }>(
          "SELECT p AS permission, app_can(p) AS allowed FROM unnest($1::text[]) p",
          [PERMISSIONS],
        );
        return rows.filter((r) => r.allowed).map((r) => r.permission).sort();
      });
      expect(granted).toEqual(PERMISSIONS.filter((p) => can(role, p)).sort());
    });

    it("grants nothing outside a tenant, to a stranger, or for an unknown permission", async () => {
      const stranger = await createUser();
      const outside = await asApp({ user: members.owner }, async (client) =>
        (await client.query<{ n: number }>("SELECT count(*) FILTER (WHERE app_can(p))::int AS n FROM unnest($1::text[]) p", [PERMISSIONS])).rows[0]!.n,
      );
      expect(outside).toBe(0);
      const strangers = await asApp({ user: stranger }, async (client) =>
        (await client.query<{ n: number }>("SELECT count(*) FILTER (WHERE app_can(p))::int AS n FROM unnest($1::text[]) p", [PERMISSIONS])).rows[0]!.n,
      );
      expect(strangers).toBe(0);
      const unknown = await asApp({ tenantId: tenant.id, user: members.owner }, async (client) =>
        (await client.query<{ ok: boolean }>("SELECT app_can('no.such.permission') AS ok")).rows[0]!.ok,
      );
      expect(unknown).toBe(false);
    });
  });
});
