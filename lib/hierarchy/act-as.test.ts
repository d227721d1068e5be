// Acting as a delegate in a descendant workspace, decided by the database
// alone: raw SQL as the app role, entered with a session token as the app
// enters. Who gets in, with which role, and what is refused and why (seed
// 001's table: not a descendant → forbidden, suspended → 402, deleted → 404).
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, asApp, pgErrorCode, createTenantRow, createUser, owner, randomUUID, setTenantStatus, unique, type TestTenant, type TestUser } from "@/test/fixtures";

async function childOf(parent: TestTenant, fields: { delegateRole?: string | null } = {}): Promise<TestTenant> {
  const slug = `child-${unique()}`;
  const { rows } = await owner().query<{ id: string }>(
    "INSERT INTO tenants (name, slug, parent_id, delegate_role) VALUES ($1, $2, $3, $4) RETURNING id",
    [`Child ${slug}`, slug, parent.id, fields.delegateRole === undefined ? "admin" : fields.delegateRole],
  );
  return { id: rows[0]!.id, slug, name: `Child ${slug}` };
}

/** The strict entry (an action, a write): the role entered with, or the refusal's hint. */
async function enter(user: TestUser, tenantId: string): Promise<string> {
  return asApp({}, async (c) => {
    try {
      const { rows } = await c.query<{ role: string }>("SELECT role FROM app_enter($1, $2, true)", [user.sessionToken, tenantId]);
      return rows[0]!.role;
    } catch (error) {
      const e = error as { code?: string; hint?: string };
      return `${e.code}:${e.hint}`;
    }
  });
}

/** Runs `fn` entered in the tenant as the user (a delegate when they are no member). */
async function inside<T>(user: TestUser, tenantId: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  return asApp({}, async (c) => {
    await c.query("SELECT app_enter($1, $2, true)", [user.sessionToken, tenantId]);
    return fn(c);
  });
}

describe("acting as a delegate, in the database", () => {
  let root: TestTenant, child: TestTenant, grandchild: TestTenant, sibling: TestTenant;
  const u = {} as Record<"rootOwner" | "rootAdmin" | "rootAuditor" | "rootMember" | "childOwner" | "siblingAdmin" | "stranger", TestUser>;

  beforeAll(async () => {
    root = await createTenantRow({ name: "Reseller" });
    child = await childOf(root);
    grandchild = await childOf(child);
    sibling = await createTenantRow();
    for (const k of Object.keys({ rootOwner: 1, rootAdmin: 1, rootAuditor: 1, rootMember: 1, childOwner: 1, siblingAdmin: 1, stranger: 1 }) as (keyof typeof u)[]) {
      u[k] = await createUser({ name: k });
    }
    await addMember(root.id, u.rootOwner.id, "owner");
    await addMember(root.id, u.rootAdmin.id, "admin");
    await addMember(root.id, u.rootAuditor.id, "auditor");
    await addMember(root.id, u.rootMember.id, "member");
    await addMember(child.id, u.childOwner.id, "owner");
    await addMember(sibling.id, u.siblingAdmin.id, "admin");
  });

  it("admits an admin of an ancestor into any descendant with the delegated role, and its owner as admin — never owner", async () => {
    expect(await enter(u.rootAdmin, child.id)).toBe("admin");
    expect(await enter(u.rootAdmin, grandchild.id)).toBe("admin");
    expect(await enter(u.rootOwner, child.id)).toBe("admin");
    // The owner of the child is a member there, not a delegate; and is a delegate one level down.
    expect(await enter(u.childOwner, child.id)).toBe("owner");
    expect(await enter(u.childOwner, grandchild.id)).toBe("admin");
  });

  it("refuses those who do not manage an ancestor: 403 not_member, revealing nothing of the workspace", async () => {
    expect(await enter(u.rootAuditor, child.id)).toBe("42501:not_member");
    expect(await enter(u.rootMember, child.id)).toBe("42501:not_member");
    expect(await enter(u.siblingAdmin, child.id)).toBe("42501:not_member");
    expect(await enter(u.stranger, child.id)).toBe("42501:not_member");
    expect(await enter(u.rootAdmin, sibling.id)).toBe("42501:not_member");
    expect(await enter(u.rootAdmin, randomUUID())).toBe("42501:not_member");
    // Upwards is not delegation: the child's owner is nobody in the parent.
    expect(await enter(u.childOwner, root.id)).toBe("42501:not_member");
  });

  it("gives the role the child's owners chose, and refuses when they chose no delegated access", async () => {
    const audited = await childOf(root, { delegateRole: "auditor" });
    const closed = await childOf(root, { delegateRole: null });
    expect(await enter(u.rootAdmin, audited.id)).toBe("auditor");
    expect(await inside(u.rootAdmin, audited.id, async (c) => (await c.query("SELECT app_can('members.manage') AS m, app_can('audit.read') AS a")).rows[0])).toEqual({
      m: false,
      a: true,
    });
    expect(await enter(u.rootAdmin, closed.id)).toBe("42501:delegation_refused");
    // Owner is never a delegated role, whoever writes it.
    expect(await pgErrorCode(owner().query("UPDATE tenants SET delegate_role = 'owner' WHERE id = $1", [closed.id]))).toBe("23514");
  });

  it("answers a suspended descendant with tenant_suspended (402) and a deleted one with tenant_deleted (404) — to its ancestors' admins only", async () => {
    const blocked = await childOf(root);
    const deleted = await childOf(root);
    await setTenantStatus(blocked.id, "blocked");
    await setTenantStatus(deleted.id, "deleted");
    expect(await enter(u.rootAdmin, blocked.id)).toBe("42501:tenant_suspended");
    expect(await enter(u.rootAdmin, deleted.id)).toBe("42501:tenant_deleted");
    expect(await enter(u.siblingAdmin, blocked.id)).toBe("42501:not_member");
    expect(await enter(u.siblingAdmin, deleted.id)).toBe("42501:not_member");
  });

  it("opens a page of a suspended descendant as the suspended page, and falls back from a deleted one (the page entry)", async () => {
    const blocked = await childOf(root);
    const deleted = await childOf(root);
    await setTenantStatus(blocked.id, "blocked");
    await setTenantStatus(deleted.id, "deleted");
    const page = (tenantId: string) =>
      asApp({}, async (c) => (await c.query("SELECT kind, tenant_id, role FROM app_enter($1, $2)", [u.rootAdmin.sessionToken, tenantId])).rows[0]);
    expect(await page(blocked.id)).toEqual({ kind: "suspended", tenant_id: blocked.id, role: null });
    expect(await page(deleted.id)).toEqual({ kind: "tenant", tenant_id: root.id, role: "admin" });
  });

  it("acts through an active ancestor only: an admin of a suspended parent is no delegate", async () => {
    const parent = await createTenantRow();
    const kid = await childOf(parent);
    const admin = await createUser();
    await addMember(parent.id, admin.id, "admin");
    expect(await enter(admin, kid.id)).toBe("admin");
    await setTenantStatus(parent.id, "blocked");
    expect(await enter(admin, kid.id)).toBe("42501:not_member");
  });

  it("app_enter_act_as (X-Act-As-Tenant) enters through exactly the named ancestor", async () => {
    const viaRoot = await asApp({}, async (c) =>
      (await c.query("SELECT * FROM app_enter_act_as($1, $2, $3)", [u.rootAdmin.sessionToken, root.id, grandchild.id])).rows[0],
    );
    expect(viaRoot).toEqual({ role: "admin", via_name: "Reseller" });
    const wrongVia = await asApp({}, (c) =>
      c.query("SELECT * FROM app_enter_act_as($1, $2, $3)", [u.rootAdmin.sessionToken, sibling.id, grandchild.id]).then(
        () => "ok",
        (e: { hint: string }) => e.hint,
      ),
    );
    expect(wrongVia).toBe("not_member");
    const notAncestor = await asApp({}, (c) =>
      c.query("SELECT * FROM app_enter_act_as($1, $2, $3)", [u.siblingAdmin.sessionToken, sibling.id, child.id]).then(
        () => "ok",
        (e: { hint: string }) => e.hint,
      ),
    );
    expect(notAncestor).toBe("not_member");
  });

  it("lets a delegate do what the delegated role may, and no more: reads members, invites, cannot change the delegation policy", async () => {
    const result = await inside(u.rootAdmin, child.id, async (c) => {
      const members = (await c.query<{ user_id: string }>("SELECT user_id FROM tenant_members WHERE tenant_id = $1", [child.id])).rows.map((r) => r.user_id);
      const can = (await c.query("SELECT app_can('members.manage') AS manage, app_can('tenant.settings') AS settings, app_can('tenant.delegation.manage') AS delegation")).rows[0];
      await c.query("SAVEPOINT s");
      const policy = await c.query("UPDATE tenants SET delegate_role = 'member' WHERE id = $1", [child.id]).then(
        (r) => `updated ${r.rowCount}`,
        (e: { code: string }) => e.code,
      );
      await c.query("ROLLBACK TO SAVEPOINT s");
      const ownerRow = await c.query("UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [child.id, u.childOwner.id]);
      return { members, can, policy, ownerRowsChanged: ownerRow.rowCount };
    });
    expect(result.members).toEqual([u.childOwner.id]);
    expect(result.can).toEqual({ manage: true, settings: false, delegation: false });
    // The tenants row is the owners' (the policy admits none of it to an admin).
    expect(result.policy).toBe("updated 0");
    expect(result.ownerRowsChanged).toBe(0);
    // The child's owner changes it.
    const byOwner = await inside(u.childOwner, child.id, async (c) => (await c.query("UPDATE tenants SET delegate_role = 'auditor' WHERE id = $1", [child.id])).rowCount);
    expect(byOwner).toBe(1);
  });

  it("lets no delegate create an API key in the child (a key works only where its user is a member); the child's members can", async () => {
    const own = await childOf(root);
    await addMember(own.id, u.childOwner.id, "owner");
    const insertKey = (user: TestUser) =>
      inside(user, own.id, (c) =>
        c
          .query(
            `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at)
             VALUES ($1, $2, 'Key', 'read', $3, $4, now() + interval '30 days')`,
            [own.id, user.id, `tnty_${randomUUID().slice(0, 8)}`, randomUUID().replaceAll("-", "").padEnd(64, "0")],
          )
          .then(
            (r) => `inserted ${r.rowCount}`,
            (e: { code: string }) => e.code,
          ),
      );
    // The root's owner and admin are in it as admins, whose role creates keys: refused all the same.
    expect(await insertKey(u.rootOwner)).toBe("42501");
    expect(await insertKey(u.rootAdmin)).toBe("42501");
    expect(await insertKey(u.childOwner)).toBe("inserted 1");
  });

  it("holds the delegated role live: removed from the parent mid-transaction, the delegate can do nothing more", async () => {
    const parent = await createTenantRow();
    const kid = await childOf(parent);
    const admin = await createUser();
    await addMember(parent.id, admin.id, "admin");
    const seen = await inside(admin, kid.id, async (c) => {
      const before = (await c.query("SELECT app_can('members.manage') AS can")).rows[0].can;
      await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [parent.id, admin.id]);
      const after = (await c.query("SELECT app_can('members.manage') AS can")).rows[0].can;
      return { before, after };
    });
    expect(seen).toEqual({ before: true, after: false });
  });

  it("records a delegate's action in the child's log naming the parent, and in the parent's log naming the child", async () => {
    const parent = await createTenantRow({ name: "Parent Co" });
    const kid = await childOf(parent);
    const admin = await createUser();
    await addMember(parent.id, admin.id, "admin");
    // Committed, as an action would be (asApp rolls back).
    const pool = new pg.Pool({ connectionString: process.env.APP_DATABASE_URL, max: 1 });
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT app_enter($1, $2, true)", [admin.sessionToken, kid.id]);
      await client.query(
        `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
         VALUES ($1, $2, $3, 'member.invite', 'invitation', 'inv-1', '{"email": "new@example.test", "role": "member"}')`,
        [kid.id, admin.id, admin.email],
      );
      // Writing into the parent's log directly, from the child, is refused.
      await client.query("SAVEPOINT s");
      const direct = await client
        .query(
          `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, metadata) VALUES ($1, $2, $3, 'tenant.delegate.act', '{}')`,
          [parent.id, admin.id, admin.email],
        )
        .then(() => "ok", (e: { code: string }) => e.code);
      expect(direct).toBe("42501");
      await client.query("ROLLBACK TO SAVEPOINT s");
      await client.query("COMMIT");
    } finally {
      client.release();
      await pool.end();
    }
    const inChild = (await owner().query("SELECT actor_user_id, action, metadata FROM audit_log WHERE tenant_id = $1", [kid.id])).rows;
    expect(inChild).toEqual([
      {
        actor_user_id: admin.id,
        action: "member.invite",
        metadata: {
          email: "new@example.test",
          role: "member",
          delegated_from: { tenant_id: parent.id, tenant_name: "Parent Co" },
          delegated_role: "admin",
        },
      },
    ]);
    const inParent = (await owner().query("SELECT actor_user_id, actor_email, action, target_type, target_id, metadata FROM audit_log WHERE tenant_id = $1", [parent.id])).rows;
    expect(inParent).toHaveLength(1);
    expect(inParent[0]).toMatchObject({
      actor_user_id: admin.id,
      actor_email: admin.email,
      action: "tenant.delegate.act",
      target_type: "tenant",
      target_id: kid.id,
      metadata: { tenant_name: kid.name, action: "member.invite", target_type: "invitation", target_id: "inv-1", role: "admin", details: { email: "new@example.test", role: "member" } },
    });
  });

  it("lists the descendants a manager may enter in the switcher's entry, and enters one named by the cookie", async () => {
    const closed = await childOf(root, { delegateRole: null });
    const row = await asApp({}, async (c) =>
      (await c.query<{ kind: string; tenant_id: string; role: string; memberships: Array<Record<string, unknown>> }>("SELECT * FROM app_enter($1, $2)", [u.rootAdmin.sessionToken, grandchild.id])).rows[0]!,
    );
    expect(row).toMatchObject({ kind: "tenant", tenant_id: grandchild.id, role: "admin" });
    const listed = row.memberships.map((m) => m.tenantId);
    expect(listed).toEqual(expect.arrayContaining([root.id, child.id, grandchild.id]));
    expect(listed).not.toContain(closed.id);
    expect(row.memberships.find((m) => m.tenantId === grandchild.id)).toMatchObject({ parentId: child.id, delegatedVia: root.id, delegatedViaName: "Reseller" });
    expect(row.memberships.find((m) => m.tenantId === root.id)).not.toHaveProperty("delegatedVia");
    // Without a cookie, a delegated workspace is never the default.
    const fallback = await asApp({}, async (c) => (await c.query("SELECT tenant_id FROM app_enter($1, NULL)", [u.rootAdmin.sessionToken])).rows[0]);
    expect(fallback).toEqual({ tenant_id: root.id });
    // Members of the parent who manage nothing see no child.
    const memberRow = await asApp({}, async (c) => (await c.query("SELECT memberships FROM app_enter($1, $2)", [u.rootMember.sessionToken, child.id])).rows[0]);
    expect(memberRow.memberships.map((m: { tenantId: string }) => m.tenantId)).toEqual([root.id]);
  });

  it("lets a manager of the parent create a child (as its creator and owner), and nobody else", async () => {
    const create = (user: TestUser) =>
      asApp({}, async (c) => {
        const id = randomUUID();
        await c.query("SELECT app_enter_new_tenant($1, $2)", [user.sessionToken, id]);
        return c.query("INSERT INTO tenants (id, name, slug, parent_id) VALUES ($1, 'Kid', $2, $3)", [id, `kid-${unique()}`, root.id]).then(
          () => "ok",
          (e: { code: string }) => e.code,
        );
      });
    expect(await create(u.rootAdmin)).toBe("ok");
    expect(await create(u.rootOwner)).toBe("ok");
    expect(await create(u.rootAuditor)).toBe("42501");
    expect(await create(u.rootMember)).toBe("42501");
    expect(await create(u.siblingAdmin)).toBe("42501");
  });
});
