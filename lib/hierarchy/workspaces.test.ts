// The hierarchy through lib: creating a child, the delegation policy, the
// resolved context of a delegate, the act-as entry the API will call, and the
// audit trail in both workspaces' logs.
import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { createChildWorkspace, hierarchyPage, searchDescendants, setDelegation } from "@/lib/hierarchy/workspaces";
import { withUser } from "@/lib/tenancy";
import { actAsRefusal, actAsTenantFromHeaders, withActAs } from "@/lib/tenancy/act-as";
import { resolveTenantContext, resolveWithData, type TenantContext } from "@/lib/tenancy/resolve";
import { switchTenant } from "@/lib/tenants";
import { sql } from "@/lib/db";
import { actorFor, addMember, auditRows, createTenantRow, createUser, credentialOf, memberRole, owner, setTenantStatus, TEST_REQUEST, unique, userActor } from "@/test/fixtures";

async function reseller() {
  const parent = await createTenantRow({ name: "Reseller" });
  const [parentOwner, parentAdmin, parentMember] = [await createUser(), await createUser(), await createUser()];
  await addMember(parent.id, parentOwner.id, "owner");
  await addMember(parent.id, parentAdmin.id, "admin");
  await addMember(parent.id, parentMember.id, "member");
  return { parent, parentOwner, parentAdmin, parentMember };
}

const asParent = (ctx: ReturnType<typeof actorFor>) => ({ ...ctx, delegation: null });

async function resolved(user: Parameters<typeof credentialOf>[0], cookie: string): Promise<TenantContext> {
  const r = await resolveTenantContext(credentialOf(user), cookie);
  if (r.kind !== "tenant") throw new Error(`not entered: ${r.kind}`);
  return r;
}

describe("child workspaces", () => {
  it("are created by a manager of the parent, who owns them, audited in both logs", async () => {
    const { parent, parentAdmin } = await reseller();
    const slug = `customer-${unique()}`;
    const { id } = await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "Customer One", slug });
    const { rows } = await owner().query("SELECT parent_id FROM tenants WHERE id = $1", [id]);
    expect(rows[0].parent_id).toBe(parent.id);
    expect(await memberRole(id, parentAdmin.id)).toBe("owner");
    expect((await auditRows(id, "tenant.create"))[0].metadata).toMatchObject({ name: "Customer One", slug, parent_id: parent.id });
    const upstairs = await auditRows(parent.id, "tenant.child.create");
    expect(upstairs).toHaveLength(1);
    expect(upstairs[0]).toMatchObject({ actor_user_id: parentAdmin.id, target_id: id, metadata: { name: "Customer One", slug } });
  });

  it("are refused to a plain member of the parent by the database itself, and to a delegate by lib", async () => {
    const { parent, parentMember, parentAdmin } = await reseller();
    const refused = await createChildWorkspace(asParent(actorFor(parent, parentMember)), { name: "Nope", slug: `nope-${unique()}` }).catch((e) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused.code).toBe("forbidden");
    const { id } = await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "Kid", slug: `kid-${unique()}` });
    const delegate = await resolved(await addedAdmin(parent.id), id);
    expect(delegate.delegation).not.toBeNull();
    const asDelegate = await createChildWorkspace(delegate, { name: "Grandkid", slug: `gk-${unique()}` }).catch((e) => e);
    expect(asDelegate.code).toBe("forbidden");
  });
});

async function addedAdmin(parentId: string) {
  const admin = await createUser();
  await addMember(parentId, admin.id, "admin");
  return admin;
}

describe("the hierarchy page's data (hierarchyPage, sent with the entry)", () => {
  const pageAs = (user: Parameters<typeof credentialOf>[0], cookie: string) => resolveWithData(credentialOf(user), cookie, TEST_REQUEST, hierarchyPage);

  it("counts the entered workspace's children and descendants, and shows a child's delegation policy", async () => {
    const { parent, parentAdmin, parentOwner } = await reseller();
    const { id: childId } = await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "Child", slug: `ch-${unique()}` });
    const child = { id: childId, name: "Child", slug: "ch" };
    await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "Second child", slug: `ch2-${unique()}` });
    await createChildWorkspace(asParent(actorFor(child, parentAdmin)), { name: "Grandchild", slug: `gc-${unique()}` });

    expect(await pageAs(parentOwner, parent.id)).toMatchObject({
      resolution: { kind: "tenant", tenantId: parent.id },
      data: { delegateRole: null, hasParent: false, childCount: 2, descendantCount: 3 },
    });
    expect(await pageAs(parentAdmin, childId)).toMatchObject({
      resolution: { kind: "tenant", tenantId: childId },
      data: { delegateRole: "admin", hasParent: true, childCount: 1, descendantCount: 1 },
    });
    await setDelegation(actorFor(child, parentAdmin), "none");
    expect((await pageAs(parentAdmin, childId)).data).toMatchObject({ delegateRole: "none" });
  });

  it("leaves workspaces in the trash out of both counts, at every depth, and counts nothing for a member", async () => {
    const { parent, parentAdmin, parentOwner } = await reseller();
    const { id: childId } = await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "Child", slug: `ch-${unique()}` });
    const child = { id: childId, name: "Child", slug: "ch" };
    const { id: trashedId } = await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "Trashed child", slug: `tc-${unique()}` });
    const { id: grandchildId } = await createChildWorkspace(asParent(actorFor(child, parentAdmin)), { name: "Grandchild", slug: `gc-${unique()}` });
    await createChildWorkspace(asParent(actorFor(child, parentAdmin)), { name: "Second grandchild", slug: `gc2-${unique()}` });
    expect((await pageAs(parentOwner, parent.id)).data).toMatchObject({ childCount: 2, descendantCount: 4 });

    await setTenantStatus(trashedId, "deleted");
    await setTenantStatus(grandchildId, "deleted");
    expect((await pageAs(parentOwner, parent.id)).data).toMatchObject({ childCount: 1, descendantCount: 2 });
    await setTenantStatus(trashedId, "active");
    expect((await pageAs(parentOwner, parent.id)).data).toMatchObject({ childCount: 2, descendantCount: 3 });

    const member = await createUser();
    await addMember(parent.id, member.id, "member");
    expect((await pageAs(member, parent.id)).data).toMatchObject({ childCount: 0, descendantCount: 0 });
  });

  it("carries the plan's child workspace limit, so the page can say a plan includes none before the form is filled in", async () => {
    const { parent, parentOwner } = await reseller();
    const plan = `none-${unique()}`;
    await owner().query("INSERT INTO plans (id, name, child_workspaces) VALUES ($1, $2, 0)", [plan, `No children ${plan}`]);
    await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [parent.id, plan]);
    expect((await pageAs(parentOwner, parent.id)).data).toMatchObject({ childLimit: 0 });
    await owner().query("UPDATE plans SET child_workspaces = NULL WHERE id = $1", [plan]);
    expect((await pageAs(parentOwner, parent.id)).data).toMatchObject({ childLimit: null });
  });

  it("names the plan a new child starts on — the default plan the database gives it, not the parent's", async () => {
    const { parent, parentOwner } = await reseller();
    await owner().query("UPDATE tenants SET plan_id = 'pro' WHERE id = $1", [parent.id]);
    const { data } = await pageAs(parentOwner, parent.id);
    const { id } = await createChildWorkspace(asParent(actorFor(parent, parentOwner)), { name: "New child", slug: `nc-${unique()}` });
    const { rows } = await owner().query(
      "SELECT c.name AS child_plan, d.id AS default_plan FROM tenants t JOIN plans c ON c.id = t.plan_id, plans d WHERE t.id = $1 AND d.is_default",
      [id],
    );
    expect(data?.childPlan).toBe(rows[0].child_plan);
    expect(rows[0].default_plan).not.toBe("pro");
  });

  it("reads nothing and fails nothing when the entry entered no workspace", async () => {
    const { parent, parentOwner } = await reseller();
    expect(await pageAs(await createUser(), parent.id)).toMatchObject({ resolution: { kind: "no-tenant" }, data: null });
    await setTenantStatus(parent.id, "blocked");
    expect(await pageAs(parentOwner, parent.id)).toMatchObject({ resolution: { kind: "suspended" }, data: null });
  });
});

describe("a delegate's request", () => {
  it("resolves from the cookie into the child with the delegated role and the ancestor named; its switch is audited in both logs", async () => {
    const { parent, parentAdmin, parentOwner } = await reseller();
    const { id: childId } = await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "Customer", slug: `c-${unique()}` });
    const ctx = await resolved(parentOwner, childId);
    expect(ctx).toMatchObject({ tenantId: childId, role: "admin", delegation: { viaTenantId: parent.id, viaTenantName: "Reseller" } });
    const listed = ctx.memberships.find((m) => m.tenantId === childId);
    expect(listed).toMatchObject({ parentId: parent.id, delegatedVia: parent.id });

    await switchTenant(userActor(parentOwner), childId, { remember: false });
    const inChild = await auditRows(childId, "tenant.switch");
    expect(inChild[0]).toMatchObject({ actor_user_id: parentOwner.id, metadata: { delegated_from: { tenant_id: parent.id, tenant_name: "Reseller" }, delegated_role: "admin" } });
    const inParent = (await auditRows(parent.id, "tenant.delegate.act")).filter((r) => r.metadata.action === "tenant.switch");
    expect(inParent).toHaveLength(1);
    expect(inParent[0]).toMatchObject({ actor_user_id: parentOwner.id, target_id: childId, metadata: { tenant_name: "Customer", role: "admin" } });
  });

  it("follows the policy the child's owners set (audited), and a delegate cannot change it", async () => {
    const { parent, parentAdmin, parentOwner } = await reseller();
    const { id: childId } = await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "Private", slug: `p-${unique()}` });
    const child = { id: childId, name: "Private", slug: "p" };
    // parentAdmin owns it (its creator); parentOwner is a delegate there.
    const delegate = await resolved(parentOwner, childId);
    const byDelegate = await setDelegation(delegate, "none").catch((e) => e);
    expect(byDelegate.code).toBe("forbidden");

    expect(await setDelegation(actorFor(child, parentAdmin), "auditor")).toEqual({ changed: true });
    expect((await resolved(parentOwner, childId)).role).toBe("auditor");
    expect(await setDelegation(actorFor(child, parentAdmin), "none")).toEqual({ changed: true });
    const after = await resolveTenantContext(credentialOf(parentOwner), childId);
    expect(after).toMatchObject({ kind: "tenant", tenantId: parent.id, delegation: null });
    expect((await auditRows(childId, "tenant.delegation.change")).map((r) => r.metadata)).toEqual([
      { from: "admin", to: "auditor" },
      { from: "auditor", to: null },
    ]);
  });
});

describe("the act-as entry (X-Act-As-Tenant)", () => {
  it("reads the header: absent, a workspace id, or a 400", () => {
    expect(actAsTenantFromHeaders(new Headers())).toEqual({ ok: true, tenantId: null });
    const id = "0B9E1C4E-2B7A-4E43-9C8B-6D0D7E1F2A3B";
    expect(actAsTenantFromHeaders(new Headers({ "X-Act-As-Tenant": ` ${id} ` }))).toEqual({ ok: true, tenantId: id.toLowerCase() });
    expect(actAsTenantFromHeaders(new Headers({ "X-Act-As-Tenant": "customer-b" })).ok).toBe(false);
  });

  it("enters through the named ancestor, and answers refusals as seed 001's table", async () => {
    const { parent, parentAdmin, parentMember } = await reseller();
    const { id: childId } = await createChildWorkspace(asParent(actorFor(parent, parentAdmin)), { name: "API child", slug: `api-${unique()}` });
    const delegate = await addedAdmin(parent.id);
    const entered = await withActAs({ credential: credentialOf(delegate), viaTenantId: parent.id, tenantId: childId }, async (tx, e) => ({
      ...e,
      members: (await tx.query<{ user_id: string }>(sql`SELECT user_id FROM tenant_members WHERE tenant_id = ${childId}::uuid`)).length,
    }));
    expect(entered).toEqual({ role: "admin", viaTenantName: "Reseller", members: 1 });

    const refusal = (user: typeof delegate, tenantId: string) =>
      withActAs({ credential: credentialOf(user), viaTenantId: parent.id, tenantId }, async () => null).then(() => null, actAsRefusal);
    expect(await refusal(parentMember, childId)).toEqual({ status: 403, type: "forbidden" });
    const other = await createTenantRow();
    expect(await refusal(delegate, other.id)).toEqual({ status: 403, type: "forbidden" });
    await setTenantStatus(childId, "blocked");
    expect(await refusal(delegate, childId)).toEqual({ status: 402, type: "tenant-suspended" });
    await setTenantStatus(childId, "active");
    await setTenantStatus(childId, "deleted");
    expect(await refusal(delegate, childId)).toEqual({ status: 404, type: "not-found" });
    await setTenantStatus(childId, "active");
    await owner().query("UPDATE tenants SET delegate_role = NULL WHERE id = $1", [childId]);
    expect(await refusal(delegate, childId)).toEqual({ status: 403, type: "forbidden" });
  });
});

describe("the switcher's search below the listed workspaces", () => {
  /** A child (or deeper) row put in place by the owner's connection. */
  async function under(parentId: string, name: string, extra: { delegateRole?: null; deleted?: boolean } = {}) {
    const { rows } = await owner().query<{ id: string }>("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $2, $3) RETURNING id", [
      name,
      `sd-${unique()}`,
      parentId,
    ]);
    const id = rows[0]!.id;
    if (extra.delegateRole === null) await owner().query("UPDATE tenants SET delegate_role = NULL WHERE id = $1", [id]);
    if (extra.deleted) await setTenantStatus(id, "deleted");
    return id;
  }
  const search = (user: Parameters<typeof credentialOf>[0], q: string) => withUser(credentialOf(user), (tx) => searchDescendants(tx, q));

  it("finds, nearest first, the descendants beyond the nearest 100 that a manager could enter as a delegate, and nothing for anyone else", async () => {
    const { parent, parentAdmin, parentMember } = await reseller();
    const tag = unique();
    // 120 children: the switcher's list stops at 100 of them.
    await owner().query(
      `INSERT INTO tenants (name, slug, parent_id) SELECT 'Filler ' || g, 'sd-' || $2 || '-' || g, $1 FROM generate_series(1, 120) g`,
      [parent.id, tag],
    );
    const far = await under(parent.id, `Zeta needle-${tag}`);
    const deep = await under(await under(parent.id, `Middle ${tag}`), `Deep Needle-${tag}`);
    await under(parent.id, `Needle-${tag} closed`, { delegateRole: null });
    await under(parent.id, `Needle-${tag} trashed`, { deleted: true });
    const mine = await under(parent.id, `Needle-${tag} mine`);
    await addMember(mine, parentAdmin.id, "member");
    const stranger = await createTenantRow({ name: `Needle-${tag} elsewhere` });

    const found = await search(parentAdmin, `needle-${tag}`);
    expect(found.map((m) => [m.id, m.depth, m.viaId, m.role])).toEqual([
      [far, 1, parent.id, "admin"],
      [deep, 2, parent.id, "admin"],
    ]);
    expect(found.map((m) => m.id)).not.toContain(stranger.id);
    // By slug too; LIKE's wildcards are plain characters.
    expect((await search(parentAdmin, `sd-${tag}-11`)).map((m) => m.name).sort()).toEqual(["Filler 11", "Filler 110", "Filler 111", "Filler 112", "Filler 113", "Filler 114", "Filler 115", "Filler 116", "Filler 117", "Filler 118", "Filler 119"]);
    expect(await search(parentAdmin, "%")).toEqual([]);
    // A member of the parent manages no children: nothing.
    expect(await search(parentMember, `needle-${tag}`)).toEqual([]);
  });

  it("refuses an empty or overlong search in the database too", async () => {
    const { parentAdmin } = await reseller();
    for (const q of ["", "   ", "x".repeat(101)]) {
      await expect(search(parentAdmin, q)).rejects.toMatchObject({ code: "22023" });
    }
  });
});
