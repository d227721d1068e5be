import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { createTenant, switchTenant } from "@/lib/tenants";
import { addMember, auditRows, createTenantRow, createUser, memberRole, owner, uniqueSlug, userActor } from "@/test/fixtures";

describe("createTenant", () => {
  it("creates the workspace, makes the creator its owner and audits it, in one transaction", async () => {
    const user = await createUser();
    const slug = uniqueSlug();
    const { id } = await createTenant({ ...userActor(user), request: { ip: "203.0.113.9", userAgent: "vitest" } }, { name: "Acme", slug });
    const { rows } = await owner().query("SELECT name, slug, status FROM tenants WHERE id = $1", [id]);
    expect(rows).toEqual([{ name: "Acme", slug, status: "active" }]);
    expect(await memberRole(id, user.id)).toBe("owner");
    const audit = await auditRows(id, "tenant.create");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: user.id, actor_email: user.email, target_id: id, ip: "203.0.113.9" });
  });

  it("refuses to create a tenant whose id exists: the creator's entry admits only a new one", async () => {
    const existing = await createTenantRow();
    const user = await createUser();
    const { withNewTenant } = await import("@/lib/tenancy");
    const entered = withNewTenant(userActor(user).credential, existing.id, async () => "entered");
    await expect(entered).rejects.toMatchObject({ code: "42501" });
  });

  it("refuses a duplicate slug with a field error and writes nothing", async () => {
    const existing = await createTenantRow();
    const user = await createUser();
    const error = await createTenant(userActor(user), { name: "Copycat", slug: existing.slug }).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "slug_taken", field: "slug" });
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM tenant_members WHERE user_id = $1", [user.id]);
    expect(rows[0].n).toBe(0);
    const tenants = await owner().query("SELECT count(*)::int AS n FROM tenants WHERE name = 'Copycat'");
    expect(tenants.rows[0].n).toBe(0);
  });
});

describe("switchTenant", () => {
  it("re-verifies membership, audits the switch and remembers it when asked", async () => {
    const user = await createUser();
    const tenant = await createTenantRow();
    await addMember(tenant.id, user.id, "member");
    const membership = await switchTenant(userActor(user), tenant.id, { remember: true });
    expect(membership).toMatchObject({ tenantId: tenant.id, role: "member", tenantSlug: tenant.slug });
    const { rows } = await owner().query("SELECT last_tenant_id FROM users WHERE id = $1", [user.id]);
    expect(rows[0].last_tenant_id).toBe(tenant.id);
    expect(await auditRows(tenant.id, "tenant.switch")).toHaveLength(1);
  });

  it("does not remember the choice unless asked", async () => {
    const user = await createUser();
    const tenant = await createTenantRow();
    await addMember(tenant.id, user.id, "admin");
    await switchTenant(userActor(user), tenant.id, { remember: false });
    const { rows } = await owner().query("SELECT last_tenant_id FROM users WHERE id = $1", [user.id]);
    expect(rows[0].last_tenant_id).toBeNull();
  });

  it("refuses a workspace the user does not belong to, and a blocked one, without writing", async () => {
    const user = await createUser();
    const foreign = await createTenantRow();
    const blocked = await createTenantRow({ status: "blocked" });
    await addMember(blocked.id, user.id, "owner");
    for (const [tenant, refusal] of [
      [foreign, "not_member"],
      [blocked, "tenant_suspended"],
    ] as const) {
      await expect(switchTenant(userActor(user), tenant.id, { remember: true })).rejects.toMatchObject({ code: refusal });
      expect((await auditRows(tenant.id)).filter((r) => r.action === "tenant.switch")).toHaveLength(0);
    }
    const { rows } = await owner().query("SELECT last_tenant_id FROM users WHERE id = $1", [user.id]);
    expect(rows[0].last_tenant_id).toBeNull();
  });
});
