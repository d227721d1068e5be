// Tenant isolation, discovered rather than listed: every table in the
// database with a tenant_id column must have row-level security enabled and
// forced, and the app role — acting as an owner of tenant A — must neither
// read, insert, update nor delete tenant B's rows. A new tenant table makes
// this suite fail until it has policies and a row factory below.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  asApp,
  createTenantRow,
  createUser,
  insertAuditRow,
  insertInvitation,
  owner,
  pgErrorCode,
  uniqueEmail,
  type TestTenant,
  type TestUser,
} from "@/test/fixtures";

interface RowFactory {
  /** Puts one row for `tenant` in the table, as the owner. */
  seed(tenant: TestTenant): Promise<void>;
  /** An INSERT of a row for `tenant`, attempted as the app role. */
  insert(tenant: TestTenant, actor: TestUser): { text: string; values: unknown[] };
}

const FACTORIES: Record<string, RowFactory> = {
  tenant_members: {
    async seed(tenant) {
      const user = await createUser();
      await addMember(tenant.id, user.id, "member");
    },
    insert: (tenant, actor) => ({
      text: "INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'owner')",
      values: [tenant.id, actor.id],
    }),
  },
  tenant_invitations: {
    async seed(tenant) {
      await insertInvitation({ tenantId: tenant.id, email: uniqueEmail("invitee") });
    },
    insert: (tenant, actor) => ({
      text: `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by)
             VALUES ($1, $2, 'member', $3, now() + interval '1 day', $4)`,
      values: [tenant.id, uniqueEmail("x"), randomBytes(32).toString("hex"), actor.id],
    }),
  },
  audit_log: {
    async seed(tenant) {
      await insertAuditRow(tenant.id, null);
    },
    insert: (tenant, actor) => ({
      text: "INSERT INTO audit_log (tenant_id, actor_user_id, action) VALUES ($1, $2, 'forged.event')",
      values: [tenant.id, actor.id],
    }),
  },
  audit_log_terms: {
    async seed(tenant) {
      // The trigger on audit_log writes the event's words.
      await insertAuditRow(tenant.id, null);
    },
    insert: (tenant) => ({
      text: "INSERT INTO audit_log_terms (audit_id, term, tenant_id, created_at) SELECT max(id), 'forged', $1, now() FROM audit_log",
      values: [tenant.id],
    }),
  },
};

async function tenantTables(): Promise<string[]> {
  const { rows } = await owner().query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

/** A column of `table` the app role may UPDATE, to aim an UPDATE at B's rows through RLS rather than a missing grant. */
async function updatableColumn(table: string): Promise<string | null> {
  const { rows } = await owner().query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.column_privileges
      WHERE table_schema = 'public' AND table_name = $1 AND grantee = 'tenantry_app' AND privilege_type = 'UPDATE'
      ORDER BY column_name LIMIT 1`,
    [table],
  );
  return rows[0]?.column_name ?? null;
}

const countRows = async (table: string, tenantId: string) =>
  (await owner().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId])).rows[0]!.n;

let tables: string[];
let tenantA: TestTenant;
let tenantB: TestTenant;
let ownerA: TestUser;
let ownerB: TestUser;

beforeAll(async () => {
  tables = await tenantTables();
  [tenantA, tenantB] = await Promise.all([createTenantRow(), createTenantRow()]);
  [ownerA, ownerB] = await Promise.all([createUser(), createUser()]);
  await addMember(tenantA.id, ownerA.id, "owner");
  await addMember(tenantB.id, ownerB.id, "owner");
  for (const table of tables) {
    const factory = FACTORIES[table];
    if (factory) await factory.seed(tenantB);
  }
});

describe("tenant isolation, for every table with a tenant_id column", () => {
  it("finds the tenant tables (the discovery itself works)", () => {
    expect(tables).toEqual(expect.arrayContaining(["tenant_members", "tenant_invitations", "audit_log"]));
  });

  it("has a row factory for each tenant table, so each is exercised below", () => {
    expect(tables.filter((t) => !FACTORIES[t])).toEqual([]);
  });

  it("enables and forces row-level security on each", async () => {
    const { rows } = await owner().query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1)`,
      [tables],
    );
    expect(rows).toHaveLength(tables.length);
    for (const row of rows) expect(row, row.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it("lets B's owner see B's rows (the probes below would notice a leak)", async () => {
    await asApp({ tenantId: tenantB.id, userId: ownerB.id }, async (client) => {
      for (const table of tables) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantB.id]);
        expect(rows[0].n, table).toBeGreaterThan(0);
      }
    });
  });

  it("shows an owner of A none of B's rows", async () => {
    await asApp({ tenantId: tenantA.id, userId: ownerA.id }, async (client) => {
      for (const table of tables) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id <> $1`, [tenantA.id]);
        expect(rows[0].n, table).toBe(0);
      }
    });
  });

  it("refuses an owner of A an insert into B", async () => {
    for (const table of tables) {
      const { text, values } = FACTORIES[table]!.insert(tenantB, ownerA);
      const before = await countRows(table, tenantB.id);
      const code = await asApp({ tenantId: tenantA.id, userId: ownerA.id }, (client) => pgErrorCode(client.query(text, values)));
      expect(code, table).toBe("42501");
      expect(await countRows(table, tenantB.id), table).toBe(before);
    }
  });

  it("refuses an owner of A any update or delete of B's rows", async () => {
    for (const table of tables) {
      const before = await countRows(table, tenantB.id);
      const column = await updatableColumn(table);
      await asApp({ tenantId: tenantA.id, userId: ownerA.id }, async (client: pg.PoolClient) => {
        await client.query("SAVEPOINT probe");
        if (column) {
          const updated = await client.query(`UPDATE ${table} SET ${column} = ${column} WHERE tenant_id = $1`, [tenantB.id]);
          expect(updated.rowCount, `${table} update`).toBe(0);
        } else {
          expect(await pgErrorCode(client.query(`UPDATE ${table} SET tenant_id = tenant_id WHERE tenant_id = $1`, [tenantB.id])), table).toBe("42501");
          await client.query("ROLLBACK TO SAVEPOINT probe");
        }
        const deleted = await pgErrorCode(client.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantB.id]));
        if (deleted === "ok") {
          const again = await client.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantB.id]);
          expect(again.rowCount, `${table} delete`).toBe(0);
        } else {
          expect(deleted, `${table} delete`).toBe("42501");
        }
      });
      expect(await countRows(table, tenantB.id), table).toBe(before);
    }
  });
});

describe("the tenants table itself", () => {
  it("is RLS-enabled and forced", async () => {
    const { rows } = await owner().query("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'public.tenants'::regclass");
    expect(rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it("hides B from A's owner, refuses renaming B, and refuses creating a tenant other than the transaction's", async () => {
    await asApp({ tenantId: tenantA.id, userId: ownerA.id }, async (client) => {
      expect((await client.query("SELECT id FROM tenants WHERE id = $1", [tenantB.id])).rowCount).toBe(0);
      expect((await client.query("UPDATE tenants SET name = 'Hijacked' WHERE id = $1", [tenantB.id])).rowCount).toBe(0);
      const code = await pgErrorCode(
        client.query("INSERT INTO tenants (id, name, slug) VALUES (gen_random_uuid(), 'Other', $1)", [`x-${randomBytes(4).toString("hex")}`]),
      );
      expect(code).toBe("42501");
    });
    const { rows } = await owner().query("SELECT name FROM tenants WHERE id = $1", [tenantB.id]);
    expect(rows[0].name).toBe(tenantB.name);
  });

  it("shows a user only the tenants they belong to when no tenant is set", async () => {
    await asApp({ userId: ownerA.id }, async (client) => {
      const { rows } = await client.query("SELECT id FROM tenants");
      expect(rows.map((r) => r.id)).toEqual([tenantA.id]);
    });
  });

  it("shows nothing at all without a user or tenant in the transaction", async () => {
    await asApp({}, async (client) => {
      for (const table of ["tenants", ...tables]) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
        expect(rows[0].n, table).toBe(0);
      }
    });
  });
});

describe("the app role", () => {
  it("is not a superuser, cannot bypass RLS and owns no table", async () => {
    const role = await owner().query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'tenantry_app'");
    expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await owner().query(
      "SELECT count(*)::int AS n FROM pg_class WHERE relowner = 'tenantry_app'::regrole AND relnamespace = 'public'::regnamespace",
    );
    expect(owned.rows[0].n).toBe(0);
  });

  it("enters a tenant through app_enter_tenant only as one of its active members", async () => {
    const enter = (tenantId: string, userId: string) =>
      asApp({}, async (client) => {
        const { rows } = await client.query("SELECT app_enter_tenant($1, $2)::text AS role, current_setting('app.tenant_id') AS tenant", [tenantId, userId]);
        return rows[0];
      });
    expect(await enter(tenantA.id, ownerA.id)).toEqual({ role: "owner", tenant: tenantA.id });
    expect(await pgErrorCode(enter(tenantB.id, ownerA.id))).toBe("42501");
    const gone = await createUser({ active: false });
    await addMember(tenantA.id, gone.id, "admin");
    expect(await pgErrorCode(enter(tenantA.id, gone.id))).toBe("42501");
  });

  it("cannot UPDATE or DELETE the audit log, not even in its own tenant as its owner", async () => {
    await insertAuditRow(tenantA.id, ownerA.id, "kept.forever");
    await asApp({ tenantId: tenantA.id, userId: ownerA.id }, async (client) => {
      await client.query("SAVEPOINT probe");
      expect(await pgErrorCode(client.query("UPDATE audit_log SET action = 'rewritten' WHERE tenant_id = $1", [tenantA.id]))).toBe("42501");
      await client.query("ROLLBACK TO SAVEPOINT probe");
      expect(await pgErrorCode(client.query("DELETE FROM audit_log WHERE tenant_id = $1", [tenantA.id]))).toBe("42501");
    });
    const { rows } = await owner().query("SELECT action FROM audit_log WHERE tenant_id = $1", [tenantA.id]);
    expect(rows.map((r) => r.action)).toContain("kept.forever");
  });

  it("has only INSERT and SELECT on the audit log", async () => {
    const { rows } = await owner().query(
      `SELECT privilege_type FROM information_schema.table_privileges
        WHERE table_name = 'audit_log' AND grantee = 'tenantry_app' ORDER BY 1`,
    );
    expect(rows.map((r) => r.privilege_type)).toEqual(["INSERT", "SELECT"]);
  });

  it("leaves even the table owner unable to rewrite the audit log", async () => {
    await insertAuditRow(tenantA.id, ownerA.id, "owner.cannot.touch");
    expect(await pgErrorCode(owner().query("UPDATE audit_log SET action = 'x' WHERE action = 'owner.cannot.touch'"))).toBe("42501");
    expect(await pgErrorCode(owner().query("DELETE FROM audit_log WHERE action = 'owner.cannot.touch'"))).toBe("42501");
  });

  it("writes an event's search words itself, and gives the app role no way to write or change them", async () => {
    const words = await asApp({ tenantId: tenantA.id, userId: ownerA.id }, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO audit_log (tenant_id, actor_user_id, action, target_id, metadata)
         VALUES ($1, $2, 'words.event', 'Target-7', '{"email": "Zoë@Example.test", "nested": {"n": 42}, "flag": true}') RETURNING id`,
        [tenantA.id, ownerA.id],
      );
      const id = rows[0]!.id;
      const terms = await client.query<{ term: string }>("SELECT term FROM audit_log_terms WHERE audit_id = $1 ORDER BY term", [id]);
      const attempt = async (text: string, values: unknown[]) => {
        await client.query("SAVEPOINT probe");
        const code = await pgErrorCode(client.query(text, values));
        await client.query("ROLLBACK TO SAVEPOINT probe");
        return code;
      };
      const direct = await attempt("INSERT INTO audit_log_terms (audit_id, term, tenant_id, created_at) VALUES ($1, 'forged', $2, now())", [id, tenantA.id]);
      const update = await attempt("UPDATE audit_log_terms SET term = 'x' WHERE audit_id = $1", [id]);
      const remove = await attempt("DELETE FROM audit_log_terms WHERE audit_id = $1", [id]);
      return { terms: terms.rows.map((r) => r.term), direct, update, remove };
    });
    expect(words).toEqual({ terms: ["42", "example", "target", "test", "zoë"], direct: "42501", update: "42501", remove: "42501" });
    const { rows } = await owner().query(
      `SELECT privilege_type FROM information_schema.table_privileges
        WHERE table_name = 'audit_log_terms' AND grantee = 'tenantry_app' ORDER BY 1`,
    );
    expect(rows.map((r) => r.privilege_type)).toEqual(["SELECT"]);
  });
});
