// Tenant isolation, discovered rather than listed: every table in the
// database with a tenant_id column must have row-level security enabled and
// forced, and the app role — acting as any role of tenant A — must neither
// read, insert, update nor delete tenant B's rows, nor write in A what the
// roles matrix forbids it. A new tenant table makes this suite fail until it
// has policies and a row factory (below, or a
// resource's own lib/<resource>/row-factory.ts).
//
// Writes are probed the way a careless query would make them: unqualified
// (`DELETE FROM t`, `UPDATE t SET c = <constant>`), which reads no column and
// so is filtered by the DELETE/UPDATE policy alone, not by the SELECT policy.
// Which rows such a statement touched is read from the row locks it holds,
// seen from the owner's connection while the app's transaction is still open
// (it is then rolled back): no probe ever commits a change.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
import type { RowFactory, Role } from "@/test/row-factory";

/** A 1×1 transparent PNG: what tenant_logos accepts (its CHECK wants a PNG's signature). */
const TINY_PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000970485973000003e8000003e801b57b526b0000000d494441540899636060606000000005000187a14ed40000000049454e44ae426082",
  "hex",
);

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
    // Anyone may leave (delete their own row); changing anyone else is for owners and admins.
    mayTouch: { member: "user_id = $1", auditor: "user_id = $1" },
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
    mayTouch: { member: null, auditor: null },
  },
  audit_log: {
    async seed(tenant) {
      await insertAuditRow(tenant.id, null);
    },
    insert: (tenant, actor) => ({
      text: "INSERT INTO audit_log (tenant_id, actor_user_id, action) VALUES ($1, $2, 'forged.event')",
      values: [tenant.id, actor.id],
    }),
    // Append-only for everyone.
    mayTouch: { owner: null, admin: null, member: null, auditor: null },
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
    mayTouch: { owner: null, admin: null, member: null, auditor: null },
  },
  tenant_logos: {
    async seed(tenant) {
      await owner().query(
        `INSERT INTO tenant_logos (tenant_id, content, mime, width, height) VALUES ($1, $2, 'image/png', 1, 1)
         ON CONFLICT (tenant_id) DO NOTHING`,
        [tenant.id, TINY_PNG],
      );
    },
    insert: (tenant, actor) => ({
      text: "INSERT INTO tenant_logos (tenant_id, content, mime, width, height, updated_by) VALUES ($1, $2, 'image/png', 1, 1, $3)",
      values: [tenant.id, TINY_PNG, actor.id],
    }),
    // Every member reads the logo; only owners set or remove it.
    mayTouch: { admin: null, auditor: null, member: null },
  },
  tenant_notes: {
    async seed(tenant) {
      await owner().query("INSERT INTO tenant_notes (tenant_id, body) VALUES ($1, 'fixture notes') ON CONFLICT (tenant_id) DO NOTHING", [tenant.id]);
    },
    insert: (tenant, actor) => ({
      text: "INSERT INTO tenant_notes (tenant_id, body, updated_by) VALUES ($1, 'forged', $2)",
      values: [tenant.id, actor.id],
    }),
    mayTouch: { admin: null, auditor: null, member: null },
  },
};

/** The row factories resources bring along: lib/<resource>/row-factory.ts, each exporting `rowFactory`. */
async function addResourceFactories(): Promise<void> {
  const lib = path.join(import.meta.dirname, "..", "lib");
  for (const dir of readdirSync(lib)) {
    const file = path.join(lib, dir, "row-factory.ts");
    if (!existsSync(file)) continue;
    const { rowFactory } = (await import(file)) as { rowFactory: RowFactory };
    if (!rowFactory.table || FACTORIES[rowFactory.table]) throw new Error(`${file}: a row factory names its table, once.`);
    FACTORIES[rowFactory.table] = rowFactory;
  }
}

async function tenantTables(): Promise<string[]> {
  const { rows } = await owner().query<{ table_name: string }>(
    `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

const countRows = async (table: string, tenantId: string) =>
  (await owner().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId])).rows[0]!.n;

/**
 * The unqualified writes to try on a table: `DELETE FROM t`, and for each
 * column the app role may update, `UPDATE t SET c = <a value of that column>`
 * (a constant, so the statement reads nothing). Without UPDATE privilege the
 * UPDATE is attempted on tenant_id (refused by the grant).
 */
async function unqualifiedWrites(table: string, sample: TestTenant): Promise<Array<{ text: string; values: unknown[] }>> {
  const [schema, name] = table.includes(".") ? table.split(".") : ["public", table];
  const { rows: columns } = await owner().query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.column_privileges
      WHERE table_schema = $1 AND table_name = $2 AND grantee = 'tenantry_app' AND privilege_type = 'UPDATE'
      ORDER BY column_name`,
    [schema, name],
  );
  const writes: Array<{ text: string; values: unknown[] }> = [{ text: `DELETE FROM ${table}`, values: [] }];
  if (columns.length === 0) writes.push({ text: `UPDATE ${table} SET tenant_id = $1`, values: [sample.id] });
  for (const { column_name: column } of columns) {
    const { rows } = await owner().query(`SELECT ${column} AS v FROM ${table} WHERE tenant_id = $1 LIMIT 1`, [sample.id]);
    writes.push({ text: `UPDATE ${table} SET ${column} = $1`, values: [rows[0]?.v ?? null] });
  }
  return writes;
}

/** Rows of `tenantId` in `table` that some open transaction holds a row lock on (it updated or deleted them). */
async function lockedRows(table: string, tenantId: string): Promise<string[]> {
  const all = await owner().query<{ ctid: string }>(`SELECT ctid::text FROM ${table} WHERE tenant_id = $1`, [tenantId]);
  const free = await owner().query<{ ctid: string }>(`SELECT ctid::text FROM ${table} WHERE tenant_id = $1 FOR UPDATE SKIP LOCKED`, [tenantId]);
  const unlocked = new Set(free.rows.map((r) => r.ctid));
  return all.rows.map((r) => r.ctid).filter((c) => !unlocked.has(c));
}

interface Violation {
  table: string;
  statement: string;
  as: Role;
  /** Rows the statement reached that it must not have: "B" for the other tenant's, "A" for its own. */
  tenant: "A" | "B";
  rows: number;
}

/**
 * Runs each unqualified write on `table` as `actor` (role `role` in tenant
 * A), each in its own transaction, and reports the rows of B — and the rows
 * of A the matrix forbids that role — the statement got hold of.
 */
async function probeWrites(
  table: string,
  a: TestTenant,
  b: TestTenant,
  actor: TestUser,
  role: Role,
  mayTouch: string | null | undefined,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const write of await unqualifiedWrites(table, b)) {
    const bBefore = await countRows(table, b.id);
    await asApp({ tenantId: a.id, user: actor }, async (client) => {
      // An error still leaves the locks of the rows it reached until ROLLBACK.
      await client.query(write.text, write.values).catch(() => {});
      const inB = await lockedRows(table, b.id);
      if (inB.length) violations.push({ table, statement: write.text, as: role, tenant: "B", rows: inB.length });
      if (mayTouch !== undefined) {
        const inA = await lockedRows(table, a.id);
        const allowed =
          mayTouch === null
            ? new Set<string>()
            : new Set(
                (await owner().query<{ ctid: string }>(`SELECT ctid::text FROM ${table} WHERE tenant_id = $2 AND (${mayTouch})`, [actor.id, a.id])).rows.map(
                  (r) => r.ctid,
                ),
              );
        const forbidden = inA.filter((c) => !allowed.has(c));
        if (forbidden.length) violations.push({ table, statement: write.text, as: role, tenant: "A", rows: forbidden.length });
      }
    });
    expect(await countRows(table, b.id), `${table}: B's rows after "${write.text}" (rolled back)`).toBe(bBefore);
  }
  return violations;
}

let tables: string[];
let tenantA: TestTenant;
let tenantB: TestTenant;
let actorsA: Record<Role, TestUser>;
let ownerB: TestUser;

async function seedEverywhere(tenant: TestTenant) {
  for (const table of tables) {
    const factory = FACTORIES[table];
    if (factory) {
      await factory.seed(tenant);
      await factory.seed(tenant);
    }
  }
}

beforeAll(async () => {
  await addResourceFactories();
  tables = await tenantTables();
  [tenantA, tenantB] = await Promise.all([createTenantRow(), createTenantRow()]);
  const [ownerA, adminA, auditorA, memberA, bOwner] = await Promise.all([createUser(), createUser(), createUser(), createUser(), createUser()]);
  actorsA = { owner: ownerA!, admin: adminA!, auditor: auditorA!, member: memberA! };
  ownerB = bOwner!;
  for (const [role, user] of Object.entries(actorsA)) await addMember(tenantA.id, user.id, role as Role);
  await addMember(tenantB.id, ownerB.id, "owner");
  await seedEverywhere(tenantA);
  await seedEverywhere(tenantB);
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
    await asApp({ tenantId: tenantB.id, user: ownerB }, async (client) => {
      for (const table of tables) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantB.id]);
        expect(rows[0].n, table).toBeGreaterThan(0);
      }
    });
  });

  it.each(["owner", "admin", "auditor", "member"] as const)("shows the %s of A none of B's rows", async (role) => {
    await asApp({ tenantId: tenantA.id, user: actorsA[role] }, async (client) => {
      for (const table of tables) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id <> $1`, [tenantA.id]);
        expect(rows[0].n, table).toBe(0);
      }
    });
  });

  it("refuses an owner of A an insert into B", async () => {
    for (const table of tables) {
      const { text, values } = FACTORIES[table]!.insert(tenantB, actorsA.owner);
      const before = await countRows(table, tenantB.id);
      const code = await asApp({ tenantId: tenantA.id, user: actorsA.owner }, (client) => pgErrorCode(client.query(text, values)));
      expect(code, table).toBe("42501");
      expect(await countRows(table, tenantB.id), table).toBe(before);
    }
  });

  it.each(["owner", "admin", "auditor", "member"] as const)(
    "lets the %s of A's unqualified UPDATE and DELETE reach none of B's rows, nor the rows of A the matrix keeps from it",
    async (role) => {
      const violations: Violation[] = [];
      for (const table of tables) {
        violations.push(...(await probeWrites(table, tenantA, tenantB, actorsA[role], role, FACTORIES[table]!.mayTouch[role])));
      }
      expect(violations).toEqual([]);
    },
  );

  it("reaches A's rows where the matrix allows it (the probe sees a write when there is one)", async () => {
    // An owner's unqualified DELETE of invitations deletes A's invitations: the lock probe must see them.
    const violations = await probeWrites("tenant_invitations", tenantA, tenantB, actorsA.owner, "owner", null);
    expect(violations.filter((v) => v.tenant === "A").length).toBeGreaterThan(0);
    expect(violations.filter((v) => v.tenant === "B")).toEqual([]);
  });
});

describe("the isolation probe itself", () => {
  // A table written the way a hurried migration might: SELECT and INSERT
  // scoped to the tenant, UPDATE and DELETE policies USING (true). It lives in
  // a schema of its own, outside the discovered tables.
  const LOOSE = "rls_fixture.loose_things";
  beforeAll(async () => {
    await owner().query(`
      DROP SCHEMA IF EXISTS rls_fixture CASCADE;
      CREATE SCHEMA rls_fixture;
      CREATE TABLE ${LOOSE} (id serial PRIMARY KEY, tenant_id uuid NOT NULL, label text NOT NULL);
      ALTER TABLE ${LOOSE} ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${LOOSE} FORCE ROW LEVEL SECURITY;
      CREATE POLICY loose_select ON ${LOOSE} FOR SELECT USING (tenant_id = (SELECT app_current_tenant_id()));
      CREATE POLICY loose_insert ON ${LOOSE} FOR INSERT WITH CHECK (tenant_id = (SELECT app_current_tenant_id()));
      CREATE POLICY loose_update ON ${LOOSE} FOR UPDATE USING (true);
      CREATE POLICY loose_delete ON ${LOOSE} FOR DELETE USING (true);
      GRANT USAGE ON SCHEMA rls_fixture TO tenantry_app;
      GRANT SELECT, INSERT, DELETE ON ${LOOSE} TO tenantry_app;
      GRANT UPDATE (label) ON ${LOOSE} TO tenantry_app;`);
    await owner().query(`INSERT INTO ${LOOSE} (tenant_id, label) VALUES ($1, 'a'), ($2, 'b')`, [tenantA.id, tenantB.id]);
  });
  afterAll(async () => {
    await owner().query("DROP SCHEMA IF EXISTS rls_fixture CASCADE");
  });

  it("passes the read checks a WHERE-qualified probe would make…", async () => {
    await asApp({ tenantId: tenantA.id, user: actorsA.owner }, async (client) => {
      expect((await client.query(`SELECT count(*)::int AS n FROM ${LOOSE} WHERE tenant_id <> $1`, [tenantA.id])).rows[0].n).toBe(0);
      expect((await client.query(`DELETE FROM ${LOOSE} WHERE tenant_id = $1`, [tenantB.id])).rowCount).toBe(0);
    });
  });

  it("…but the unqualified probe catches its UPDATE and DELETE reaching B", async () => {
    const violations = await probeWrites(LOOSE, tenantA, tenantB, actorsA.owner, "owner", undefined);
    expect(violations.filter((v) => v.tenant === "B").map((v) => v.statement.split(" ")[0])).toEqual(["DELETE", "UPDATE"]);
  });
});

describe("the tenants table itself", () => {
  it("is RLS-enabled and forced", async () => {
    const { rows } = await owner().query("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'public.tenants'::regclass");
    expect(rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });

  it("hides B from A's owner, refuses renaming B, and refuses creating a tenant", async () => {
    await asApp({ tenantId: tenantA.id, user: actorsA.owner }, async (client) => {
      expect((await client.query("SELECT id FROM tenants WHERE id = $1", [tenantB.id])).rowCount).toBe(0);
      expect((await client.query("UPDATE tenants SET name = 'Hijacked' WHERE id = $1", [tenantB.id])).rowCount).toBe(0);
      expect((await client.query("UPDATE tenants SET name = 'Hijacked'")).rowCount).toBe(1);
      const code = await pgErrorCode(
        client.query("INSERT INTO tenants (id, name, slug) VALUES (gen_random_uuid(), 'Other', $1)", [`x-${randomBytes(4).toString("hex")}`]),
      );
      expect(code).toBe("42501");
    });
    const { rows } = await owner().query("SELECT name FROM tenants WHERE id = $1", [tenantB.id]);
    expect(rows[0].name).toBe(tenantB.name);
  });

  it("lets only an owner rename their own tenant", async () => {
    for (const role of ["admin", "auditor", "member"] as const) {
      await asApp({ tenantId: tenantA.id, user: actorsA[role] }, async (client) => {
        expect((await client.query("UPDATE tenants SET name = 'Renamed'")).rowCount, role).toBe(0);
      });
    }
  });

  it("shows a user only the tenants they belong to when no tenant is entered", async () => {
    await asApp({ user: actorsA.owner }, async (client) => {
      const { rows } = await client.query("SELECT id FROM tenants");
      expect(rows.map((r) => r.id)).toEqual([tenantA.id]);
    });
  });
});

describe("the people of a tenant (users, under row-level security)", () => {
  it("shows a member themselves and the members of the tenant they entered, nobody else", async () => {
    const stranger = await createUser();
    await asApp({ tenantId: tenantA.id, user: actorsA.member }, async (client) => {
      const { rows } = await client.query<{ id: string }>("SELECT id FROM users");
      const members = await owner().query<{ user_id: string }>("SELECT user_id FROM tenant_members WHERE tenant_id = $1", [tenantA.id]);
      expect(rows.map((r) => r.id).sort()).toEqual(members.rows.map((r) => r.user_id).sort());
      expect(rows.map((r) => r.id)).not.toContain(stranger.id);
      expect(rows.map((r) => r.id)).not.toContain(ownerB.id);
    });
  });

  it("lets a user change only their own name, and nothing that decides access", async () => {
    await asApp({ tenantId: tenantA.id, user: actorsA.admin }, async (client) => {
      expect((await client.query("UPDATE users SET name = 'Renamed'")).rowCount).toBe(1);
      for (const column of ["email", "active", "is_platform_admin", "email_verified"]) {
        await client.query("SAVEPOINT probe");
        expect(await pgErrorCode(client.query(`UPDATE users SET ${column} = ${column}`)), column).toBe("42501");
        await client.query("ROLLBACK TO SAVEPOINT probe");
      }
    });
  });
});

describe("the app role's own credentials, without a session token", () => {
  let raw: pg.Client;
  beforeAll(async () => {
    raw = new pg.Client({ connectionString: process.env.APP_DATABASE_URL });
    await raw.connect();
  });
  afterAll(async () => {
    await raw.end();
  });

  it("read no tenant's rows and no person", async () => {
    for (const table of ["tenants", "users", ...tables]) {
      const { rows } = await raw.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(rows[0].n, table).toBe(0);
    }
  });

  it("touch none of Auth.js's tables: sessions, accounts, verification tokens", async () => {
    for (const statement of [
      "SELECT count(*) FROM sessions",
      "SELECT count(*) FROM accounts",
      "SELECT count(*) FROM verification_tokens",
      `INSERT INTO sessions (session_token, user_id, expires) VALUES (repeat('a', 64), '${actorsA.owner.id}', now() + interval '1 day')`,
      `INSERT INTO users (email) VALUES ('${uniqueEmail("minted")}')`,
      "UPDATE users SET is_platform_admin = true",
    ]) {
      expect(await pgErrorCode(raw.query(statement)), statement).toBe("42501");
    }
  });

  it("cannot set who they are: the old settings are ignored and a forged context is refused", async () => {
    await raw.query("BEGIN");
    try {
      await raw.query("SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true)", [tenantA.id, actorsA.owner.id]);
      expect((await raw.query("SELECT count(*)::int AS n FROM tenant_members")).rows[0].n).toBe(0);
      await raw.query("SELECT set_config('app.context', $1, true)", [`${tenantA.id}|${actorsA.owner.id}|x@y.z|owner|member||1|2|${"0".repeat(64)}`]);
      expect(await pgErrorCode(raw.query("SELECT count(*) FROM tenant_members"))).toBe("42501");
    } finally {
      await raw.query("ROLLBACK");
    }
  });

  it("cannot replay a context signed for another transaction", async () => {
    const signed = await asApp({ tenantId: tenantA.id, user: actorsA.owner }, async (client) => {
      return (await client.query<{ c: string }>("SELECT current_setting('app.context') AS c")).rows[0]!.c;
    });
    await raw.query("BEGIN");
    try {
      await raw.query("SELECT set_config('app.context', $1, true)", [signed]);
      expect(await pgErrorCode(raw.query("SELECT count(*) FROM tenant_members"))).toBe("42501");
    } finally {
      await raw.query("ROLLBACK");
    }
  });

  it("cannot sign a context, read the key, or enter with a made-up or expired token", async () => {
    expect(await pgErrorCode(raw.query("SELECT * FROM app_private.context_key"))).toBe("42501");
    expect(await pgErrorCode(raw.query("SELECT app_private.set_context(NULL, NULL, NULL, NULL, 'member', NULL)"))).toBe("42501");
    await raw.query("BEGIN");
    try {
      const entered = await raw.query("SELECT kind FROM app_enter($1, $2)", [randomBytes(18).toString("hex"), tenantA.id]);
      expect(entered.rows).toEqual([{ kind: "signed-out" }]);
      expect((await raw.query("SELECT count(*)::int AS n FROM tenant_members")).rows[0].n).toBe(0);
      expect(await pgErrorCode(raw.query("SELECT app_enter_to_join($1)", [tenantA.id]))).toBe("42501");
    } finally {
      await raw.query("ROLLBACK");
    }
    // A session's stored hash is not its token.
    const { rows } = await owner().query<{ session_token: string }>("SELECT session_token FROM sessions WHERE user_id = $1", [actorsA.owner.id]);
    const entered = await raw.query("SELECT kind FROM app_enter($1, $2)", [rows[0]!.session_token, tenantA.id]);
    expect(entered.rows).toEqual([{ kind: "signed-out" }]);
  });

  it("enter a tenant only with a live session of one of its active members", async () => {
    const enter = (user: TestUser, tenantId: string) =>
      asApp({}, async (client) => (await client.query("SELECT role::text, tenant_id FROM app_enter($1, $2, true)", [user.sessionToken, tenantId])).rows[0]);
    expect(await enter(actorsA.owner, tenantA.id)).toEqual({ role: "owner", tenant_id: tenantA.id });
    expect(await pgErrorCode(enter(actorsA.owner, tenantB.id))).toBe("42501");
    const gone = await createUser();
    await addMember(tenantA.id, gone.id, "admin");
    await owner().query("UPDATE users SET active = false WHERE id = $1", [gone.id]);
    expect(await pgErrorCode(enter(gone, tenantA.id))).toBe("42501");
  });
});

describe("the audit log", () => {
  it("cannot be updated or deleted by the app, not even in its own tenant as its owner", async () => {
    await insertAuditRow(tenantA.id, actorsA.owner.id, "kept.forever");
    await asApp({ tenantId: tenantA.id, user: actorsA.owner }, async (client) => {
      await client.query("SAVEPOINT probe");
      expect(await pgErrorCode(client.query("UPDATE audit_log SET action = 'rewritten' WHERE tenant_id = $1", [tenantA.id]))).toBe("42501");
      await client.query("ROLLBACK TO SAVEPOINT probe");
      expect(await pgErrorCode(client.query("DELETE FROM audit_log WHERE tenant_id = $1", [tenantA.id]))).toBe("42501");
    });
    const { rows } = await owner().query("SELECT action FROM audit_log WHERE tenant_id = $1", [tenantA.id]);
    expect(rows.map((r) => r.action)).toContain("kept.forever");
  });

  it("gives the app role only INSERT and SELECT", async () => {
    const { rows } = await owner().query(
      `SELECT privilege_type FROM information_schema.table_privileges
        WHERE table_name = 'audit_log' AND grantee = 'tenantry_app' ORDER BY 1`,
    );
    expect(rows.map((r) => r.privilege_type)).toEqual(["INSERT", "SELECT"]);
  });

  it("leaves even the table owner unable to rewrite it", async () => {
    await insertAuditRow(tenantA.id, actorsA.owner.id, "owner.cannot.touch");
    expect(await pgErrorCode(owner().query("UPDATE audit_log SET action = 'x' WHERE action = 'owner.cannot.touch'"))).toBe("42501");
    expect(await pgErrorCode(owner().query("DELETE FROM audit_log WHERE action = 'owner.cannot.touch'"))).toBe("42501");
  });

  it("caps each stored text field, whoever writes the row", async () => {
    const insert = (column: string, value: string) =>
      pgErrorCode(
        owner().query(`INSERT INTO audit_log (tenant_id, action, ${column}) VALUES ($1, 'caps.probe', $2)`, [
          tenantA.id,
          column === "metadata" ? JSON.stringify({ note: value }) : value,
        ]),
      );
    for (const [column, limit] of [["user_agent", 512], ["target_id", 200], ["ip", 45], ["actor_email", 320], ["target_type", 50]] as const) {
      expect(await insert(column, "x".repeat(limit)), `${column} at its limit`).toBe("ok");
      expect(await insert(column, "x".repeat(limit + 1)), `${column} past its limit`).toBe("23514");
    }
    expect(await insert("metadata", "x".repeat(8000))).toBe("ok");
    expect(await insert("metadata", "x".repeat(9000))).toBe("23514");
    expect(await pgErrorCode(owner().query("INSERT INTO audit_log (tenant_id, action) VALUES ($1, $2)", [tenantA.id, "a".repeat(101)]))).toBe("23514");
  });

  it("writes an event's search words itself, and gives the app role no way to write or change them", async () => {
    const words = await asApp({ tenantId: tenantA.id, user: actorsA.owner }, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO audit_log (tenant_id, actor_user_id, action, target_id, metadata)
         VALUES ($1, $2, 'words.event', 'Target-7', '{"email": "Zoë@Example.test", "nested": {"n": 42}, "flag": true}') RETURNING id`,
        [tenantA.id, actorsA.owner.id],
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

describe("code that runs with another role's rights (SECURITY DEFINER)", () => {
  it("pins search_path to pg_catalog, pg_temp and belongs to tenantry_definer, never a superuser", async () => {
    const { rows } = await owner().query<{ name: string; owner: string; superuser: boolean; config: string[] | null }>(
      `SELECT p.oid::regprocedure::text AS name, r.rolname AS owner, r.rolsuper AS superuser, p.proconfig AS config
         FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const fn of rows) {
      expect(fn.config, fn.name).toEqual(["search_path=pg_catalog, pg_temp"]);
      expect(fn.superuser, fn.name).toBe(false);
      expect(fn.owner, fn.name).toBe("tenantry_definer");
    }
  });

  // Postgres (before 18) plans a LANGUAGE sql function that it cannot inline
  // — any SECURITY DEFINER one, any with a FROM or a sub-select — again on
  // every call from a new statement; PL/pgSQL keeps its statements' plans for
  // the connection. Written in SQL, app_enter's delegable_descendants() was
  // planned on every page view, about 0.74 ms of Postgres CPU, most of what
  // the entry cost (migration 20261206000000_definer_plans_kept).
  it("is written in PL/pgSQL, whose plans are kept for the connection", async () => {
    const { rows } = await owner().query<{ name: string }>(
      `SELECT p.oid::regprocedure::text AS name
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
        WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND l.lanname = 'sql'
        ORDER BY 1`,
    );
    expect(rows.map((r) => r.name)).toEqual([]);
  });

  it("leaves the policies no SQL function that is planned on every call (one that reads a table or has a sub-select)", async () => {
    const { rows } = await owner().query<{ name: string; policy: string }>(
      `SELECT p.oid::regprocedure::text AS name, min(pol.tablename || '.' || pol.policyname) AS policy
         FROM pg_policies pol
        CROSS JOIN LATERAL regexp_matches(coalesce(pol.qual, '') || ' ' || coalesce(pol.with_check, ''), '([a-z_]+)\\(', 'g') AS called(m)
         JOIN pg_proc p ON p.proname = called.m[1]
         JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname IN ('public', 'app_private')
         JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'sql'
        WHERE p.prosrc ~* '\\mfrom\\M|\\mexists\\M|\\(\\s*select\\M'
        GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([]);
  });

  it("belongs to a role that cannot log in, is no superuser and cannot bypass row-level security", async () => {
    const { rows } = await owner().query(
      "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'tenantry_definer'",
    );
    expect(rows[0]).toEqual({ rolcanlogin: false, rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
  });

  it("leaves no one but the owner able to create objects: no TEMP or CREATE for PUBLIC or the app's roles", async () => {
    for (const role of ["public", "tenantry_app", "tenantry_auth", "tenantry_definer"]) {
      const { rows } = await owner().query(
        `SELECT has_database_privilege($1, current_database(), 'TEMP') AS temp,
                has_database_privilege($1, current_database(), 'CREATE') AS create_schema,
                has_schema_privilege($1, 'public', 'CREATE') AS create_in_public`,
        [role],
      );
      expect(rows[0], role).toEqual({ temp: false, create_schema: false, create_in_public: false });
    }
  });

  describe("a TEMP table shadowing audit_log_terms", () => {
    // A login role with everything the app role has, plus TEMP, to stage the
    // attack the revoked TEMP privilege prevents in the first place.
    const probeRole = `rls_probe_${process.pid}`;
    let probe: pg.Client;
    beforeAll(async () => {
      const database = (await owner().query<{ db: string }>("SELECT current_database() AS db")).rows[0]!.db;
      await owner().query(`DROP ROLE IF EXISTS ${probeRole}`);
      await owner().query(`CREATE ROLE ${probeRole} LOGIN PASSWORD 'probe' NOSUPERUSER NOBYPASSRLS IN ROLE tenantry_app`);
      await owner().query(`GRANT TEMP ON DATABASE ${database} TO ${probeRole}`);
      const url = new URL(process.env.APP_DATABASE_URL!);
      url.username = probeRole;
      url.password = "probe";
      probe = new pg.Client({ connectionString: url.toString() });
      await probe.connect();
    });
    afterAll(async () => {
      await probe.end();
      const database = (await owner().query<{ db: string }>("SELECT current_database() AS db")).rows[0]!.db;
      await owner().query(`REVOKE TEMP ON DATABASE ${database} FROM ${probeRole}`);
      await owner().query(`DROP ROLE IF EXISTS ${probeRole}`);
    });

    it("cannot even be created by the app role", async () => {
      await asApp({}, async (client) => {
        expect(await pgErrorCode(client.query("CREATE TEMP TABLE audit_log_terms (audit_id bigint, term text, tenant_id uuid, created_at timestamptz)"))).toBe(
          "42501",
        );
      });
    });

    it("given TEMP, still never receives the words nor runs its trigger as the definer", async () => {
      await probe.query("BEGIN");
      try {
        await probe.query("CREATE TEMP TABLE hijack_log (who text)");
        await probe.query("CREATE TEMP TABLE audit_log_terms (audit_id bigint, term text, tenant_id uuid, created_at timestamptz)");
        await probe.query(`CREATE FUNCTION pg_temp.hijack() RETURNS trigger LANGUAGE plpgsql AS $$
                             BEGIN INSERT INTO pg_temp.hijack_log VALUES (current_user); RETURN NEW; END $$`);
        await probe.query("CREATE TRIGGER hijack BEFORE INSERT ON pg_temp.audit_log_terms FOR EACH ROW EXECUTE FUNCTION pg_temp.hijack()");
        await probe.query("SELECT app_enter($1, $2, true)", [actorsA.owner.sessionToken, tenantA.id]);
        const { rows } = await probe.query<{ id: string }>(
          "INSERT INTO audit_log (tenant_id, actor_user_id, action, metadata) VALUES ($1, $2, 'hijack.attempt', '{\"note\": \"shadowed\"}') RETURNING id",
          [tenantA.id, actorsA.owner.id],
        );
        const hijacked = await probe.query("SELECT who FROM pg_temp.hijack_log");
        const shadow = await probe.query("SELECT count(*)::int AS n FROM pg_temp.audit_log_terms");
        const real = await probe.query("SELECT term FROM public.audit_log_terms WHERE audit_id = $1", [rows[0]!.id]);
        expect(hijacked.rows).toEqual([]);
        expect(shadow.rows[0].n).toBe(0);
        expect(real.rows.map((r) => r.term)).toEqual(["shadowed"]);
      } finally {
        await probe.query("ROLLBACK");
      }
    });
  });
});
