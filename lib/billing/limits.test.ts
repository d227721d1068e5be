// Plan limits (issue 13, point 5; seed 003), enforced by the database where
// the resource is created: seats under 20 concurrent invitations, seats on
// acceptance, a downgrade below usage, export, the check function for API
// keys and child workspaces, and plans in the platform's hands.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, exportAuditEvents } from "@/lib/audit";
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { EXPORT_NOT_IN_PLAN, enforcePlanLimit, readWorkspacePlan, upgradeAdvice, workspaceMayExport } from "@/lib/billing/limits";
import { DomainError, planLimitFrom } from "@/lib/errors";
import { createChildWorkspace } from "@/lib/hierarchy/workspaces";
import { deleteTenant, restoreTenant } from "@/lib/lifecycle";
import { acceptInvitationByToken, inviteMember, mintInviteToken } from "@/lib/invitations";
import { savePlan, setWorkspacePlan } from "@/lib/platform/plans";
import { failureFrom, withTenant } from "@/lib/tenancy";
import { createTenant } from "@/lib/tenants";
import {
  actorFor,
  addMember,
  asApp,
  auditRows,
  createTenantRow,
  createUser,
  createWorkspace,
  credentialOf,
  domainCode,
  insertInvitation,
  owner,
  pgErrorCode,
  unique,
  uniqueEmail,
  uniqueSlug,
  userActor,
  type TestUser,
} from "@/test/fixtures";

/** The end of a refusal's sentence for anyone but an owner (upgradeAdvice). */
const OTHERS = "or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.";

/** A plan of its own for a test: `seats` seats, exports as said; everything else unlimited. */
async function planWith(fields: { seats?: number | null; exportAllowed?: boolean; apiKeys?: number | null; childWorkspaces?: number | null }) {
  const id = `t-${unique()}`;
  await owner().query(
    "INSERT INTO plans (id, name, seats, api_keys, child_workspaces, export_allowed) VALUES ($1, $1, $2, $3, $4, $5)",
    [id, fields.seats ?? null, fields.apiKeys ?? null, fields.childWorkspaces ?? null, fields.exportAllowed ?? true],
  );
  return id;
}

const onPlan = (tenantId: string, planId: string) => owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [tenantId, planId]);

async function seatsUsed(tenantId: string): Promise<number> {
  const { rows } = await owner().query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM tenant_members WHERE tenant_id = $1)
           + (SELECT count(*) FROM tenant_invitations WHERE tenant_id = $1 AND status = 'pending' AND expires_at > now() AND deleted_at IS NULL))::int AS n`,
    [tenantId],
  );
  return rows[0]!.n;
}

/** What a refused call says, as a server action would show it. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    const limited = planLimitFrom(error);
    if (limited) return limited.message;
    if (error instanceof DomainError) return `domain: ${error.code}`;
    throw error;
  }
}

describe("seats: members plus pending invitations", () => {
  it("never exceeds the plan under 20 concurrent invitations, and says why to the rest", async () => {
    const ws = await createWorkspace(); // 4 members
    await onPlan(ws.tenant.id, await planWith({ seats: 7 }));
    const admins = [ws.owner, ws.admin];
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refusal(inviteMember(actorFor(ws.tenant, admins[i % 2]!), { email: uniqueEmail(`c${i}`), role: "member" }))),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(3);
    // Each refusal advises the one who invited: the owner, or the admin (every other invitation).
    const refused = "Your plan allows 7 seats, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, ";
    const advised = outcomes.map((o, i) => (o === "ok" ? o : i % 2 === 0 ? o === `${refused}or ask the platform's operators to upgrade the plan.` : o === `${refused}${OTHERS}`));
    expect(advised.filter((a) => a === true)).toHaveLength(17);
    expect(await seatsUsed(ws.tenant.id)).toBe(7);
    // The refused invitations left no audit row: the change and its record go together.
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(3);
  });

  it("shows the sentence in a server action's result (no generic failure)", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ seats: 4 }));
    const error = await inviteMember(actorFor(ws.tenant, ws.owner), { email: uniqueEmail(), role: "member" }).catch((e: unknown) => e);
    expect(failureFrom(error)).toEqual({ ok: false, error: "Your plan allows 4 seats, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, or ask the platform's operators to upgrade the plan." });
  });

  it("lets a pending invitation be accepted at the limit (its seat is already counted)", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ seats: 5 }));
    const invitee = await createUser();
    const { token, tokenHash } = mintInviteToken();
    await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, tokenHash, invitedBy: ws.owner.id });
    expect(await seatsUsed(ws.tenant.id)).toBe(5);
    expect(await acceptInvitationByToken(userActor(invitee), token)).toMatchObject({ ok: true });
    expect(await seatsUsed(ws.tenant.id)).toBe(5);
  });

  it("allows a downgrade below usage, keeps everyone, and refuses growth — invitations and acceptances alike", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { token, tokenHash } = mintInviteToken();
    await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, tokenHash, invitedBy: ws.owner.id });
    await onPlan(ws.tenant.id, await planWith({ seats: 3 }));
    expect(await seatsUsed(ws.tenant.id)).toBe(5);
    expect(await refusal(inviteMember(actorFor(ws.tenant, ws.owner), { email: uniqueEmail(), role: "member" }))).toBe(
      "Your plan allows 3 seats, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, or ask the platform's operators to upgrade the plan.",
    );
    // The invitee, not a member yet, asks an owner.
    expect(await refusal(acceptInvitationByToken(userActor(invitee), token))).toBe(`Your plan allows 3 seats, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, ${OTHERS}`);
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM tenant_members WHERE tenant_id = $1", [ws.tenant.id]);
    expect(rows[0].n).toBe(4);
    // The workspace still works for what it already has.
    expect(await withTenant(actorFor(ws.tenant, ws.member), async () => "in")).toBe("in");
  });

  it("is enforced for the app role in raw SQL too, whatever inserts the row", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ seats: 4 }));
    await asApp({ tenantId: ws.tenant.id, user: ws.admin }, async (client) => {
      const { tokenHash } = mintInviteToken();
      expect(
        await pgErrorCode(
          client.query(
            `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by)
             VALUES ($1, $2, 'member', $3, now() + interval '1 day', $4)`,
            [ws.tenant.id, uniqueEmail(), tokenHash, ws.admin.id],
          ),
        ),
      ).toBe("53400");
    });
  });

  it("shows the plan and the seats in use on the workspace's settings", async () => {
    const ws = await createWorkspace();
    const plan = await planWith({ seats: 10, exportAllowed: false });
    await onPlan(ws.tenant.id, plan);
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail() });
    const shown = await withTenant(actorFor(ws.tenant, ws.member), (tx) => readWorkspacePlan(tx, ws.tenant.id));
    expect(shown).toMatchObject({ id: plan, seats: 10, seatsUsed: 5, exportAllowed: false });
  });

  it("counts the API keys and child workspaces in use as their limits do, for those who may know them", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ apiKeys: 5, childWorkspaces: 3 }));
    for (const [user, revoked] of [[ws.member, false], [ws.admin, false], [ws.owner, true]] as const) {
      await owner().query(
        `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at, revoked_at)
         VALUES ($1, $2, 'Counted', 'read', $3, $4, now() + interval '30 days', CASE WHEN $5 THEN now() END)`,
        [ws.tenant.id, user.id, `tnty_${randomBytes(4).toString("hex")}`, randomBytes(32).toString("hex"), revoked],
      );
    }
    await owner().query("INSERT INTO tenants (name, slug, parent_id) VALUES ('Counted child', $1, $2)", [`counted-${randomBytes(4).toString("hex")}`, ws.tenant.id]);
    const as = (user: TestUser) => withTenant(actorFor(ws.tenant, user), (tx) => readWorkspacePlan(tx, ws.tenant.id));
    // Every member's live keys, whoever asks; the children to those who may see them (tenant.children.manage).
    expect(await as(ws.owner)).toMatchObject({ apiKeys: 5, apiKeysUsed: 2, childWorkspaces: 3, childWorkspacesUsed: 1 });
    expect(await as(ws.admin)).toMatchObject({ apiKeysUsed: 2, childWorkspacesUsed: 1 });
    expect(await as(ws.member)).toMatchObject({ apiKeysUsed: 2, childWorkspacesUsed: null });
  });
});

describe("export allowed", () => {
  it("refuses an export on a plan without exports — the route's check and the database's, before any byte", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ exportAllowed: false }));
    expect(await workspaceMayExport(actorFor(ws.tenant, ws.auditor))).toBe(false);
    await expect(exportAuditEvents(actorFor(ws.tenant, ws.auditor), EMPTY_FILTERS, "csv")).rejects.toThrow(/does not include exporting/);
    expect(await auditRows(ws.tenant.id, "audit.export")).toEqual([]);
    await asApp({ tenantId: ws.tenant.id, user: ws.auditor }, async (client) => {
      expect(
        await pgErrorCode(client.query("INSERT INTO audit_log (tenant_id, actor_user_id, action) VALUES ($1, $2, 'audit.export')", [ws.tenant.id, ws.auditor.id])),
      ).toBe("53400");
    });
    // The database's sentence is the route's, and says who changes plans.
    const refused = await asApp({ tenantId: ws.tenant.id, user: ws.auditor }, (client) =>
      client.query("INSERT INTO audit_log (tenant_id, actor_user_id, action) VALUES ($1, $2, 'audit.export')", [ws.tenant.id, ws.auditor.id]).catch((e: unknown) => e),
    );
    expect(refused).toMatchObject({ code: "53400", message: EXPORT_NOT_IN_PLAN });
    expect(EXPORT_NOT_IN_PLAN).toBe("Your plan does not include exporting the audit log; to export it, ask the platform's operators to upgrade the plan.");
    await onPlan(ws.tenant.id, await planWith({ exportAllowed: true }));
    expect(await workspaceMayExport(actorFor(ws.tenant, ws.auditor))).toBe(true);
  });
});

describe("the check API keys and child workspaces call", () => {
  it("refuses a child workspace beyond the plan's, under the workspace's lock", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ childWorkspaces: 1 }));
    const check = () => withTenant(actorFor(ws.tenant, ws.owner), (tx) => enforcePlanLimit(tx, ws.tenant.id, "child_workspaces"));
    expect(await refusal(check())).toBe("ok");
    const child = await createTenantRow();
    await owner().query("UPDATE tenants SET parent_id = $2 WHERE id = $1", [child.id, ws.tenant.id]);
    expect(await refusal(check())).toBe("Your plan allows 1 child workspace; delete one, or ask the platform's operators to upgrade the plan.");
  });

  it("says a plan includes no child workspaces rather than asking to delete one", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ childWorkspaces: 0 }));
    expect(await refusal(withTenant(actorFor(ws.tenant, ws.owner), (tx) => enforcePlanLimit(tx, ws.tenant.id, "child_workspaces")))).toBe(
      "Your plan does not include child workspaces; to create one, ask the platform's operators to upgrade the plan.",
    );
  });

  it("counts API keys once their table exists (none yet: a limit of 0 still refuses the first)", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ apiKeys: 0 }));
    expect(await refusal(withTenant(actorFor(ws.tenant, ws.owner), (tx) => enforcePlanLimit(tx, ws.tenant.id, "api_keys")))).toBe(
      "Your plan does not include API keys; to create one, ask the platform's operators to upgrade the plan.",
    );
    await onPlan(ws.tenant.id, await planWith({ apiKeys: 2 }));
    expect(await refusal(withTenant(actorFor(ws.tenant, ws.owner), (tx) => enforcePlanLimit(tx, ws.tenant.id, "api_keys")))).toBe("ok");
  });

  it("answers only for the caller's own workspace: another's usage cannot be probed", async () => {
    const a = await createWorkspace();
    const b = await createWorkspace();
    await asApp({ tenantId: a.tenant.id, user: a.owner }, async (client) => {
      await client.query("SAVEPOINT p");
      expect(await pgErrorCode(client.query("SELECT app_plan_enforce($1, 'seats', 1000)", [b.tenant.id]))).toBe("42501");
      await client.query("ROLLBACK TO SAVEPOINT p");
      expect(await pgErrorCode(client.query("SELECT app_plan_usage($1, 'seats')", [b.tenant.id]))).toBe("42501");
    });
  });
});

describe("whom a refusal advises to ask", () => {
  const seatsFull = "Your plan allows 4 seats, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, ";

  it("tells an owner to ask the platform's operators and an admin to ask an owner, as the pages beside them do", async () => {
    const ws = await createWorkspace(); // 4 members
    await onPlan(ws.tenant.id, await planWith({ seats: 4, apiKeys: 1, childWorkspaces: 0 }));
    const invite = (user: TestUser) => inviteMember(actorFor(ws.tenant, user), { email: uniqueEmail(), role: "member" });
    expect(await refusal(invite(ws.owner))).toBe(`${seatsFull}or ${upgradeAdvice("owner")}.`);
    expect(await refusal(invite(ws.admin))).toBe(`${seatsFull}or ${upgradeAdvice("admin")}.`);
    expect(await refusal(invite(ws.admin))).toBe(`${seatsFull}or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.`);

    const key = (user: TestUser) => createApiKey(actorFor(ws.tenant, user), { name: "k", scope: "read", expiry: "30", expiresOn: "" });
    expect(await refusal(key(ws.auditor))).toBe("ok");
    expect(await refusal(key(ws.owner))).toBe("Your plan allows 1 API key; revoke one, or ask the platform's operators to upgrade the plan.");
    expect(await refusal(key(ws.admin))).toBe(`Your plan allows 1 API key; revoke one, ${OTHERS}`);

    const child = (user: TestUser) => createChildWorkspace({ ...actorFor(ws.tenant, user), delegation: null }, { name: "Customer", slug: uniqueSlug("child") });
    expect(await refusal(child(ws.owner))).toBe("Your plan does not include child workspaces; to create one, ask the platform's operators to upgrade the plan.");
    expect(await refusal(child(ws.admin))).toBe(
      "Your plan does not include child workspaces; to create one, ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.",
    );
  });

  it("follows the role as it is when refused, and leaves the owner's connection the database's sentence", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ seats: 4, childWorkspaces: 0 }));
    await owner().query("UPDATE tenant_members SET role = 'owner' WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.admin.id]);
    expect(await refusal(inviteMember(actorFor(ws.tenant, ws.admin), { email: uniqueEmail(), role: "member" }))).toBe(
      `${seatsFull}or ask the platform's operators to upgrade the plan.`,
    );
    // Operators (the owner's connection) calling the check: no one acted in the workspace, the sentence is the database's.
    const error = await owner().query("SELECT app_plan_enforce_children($1)", [ws.tenant.id]).catch((e: unknown) => e);
    expect(planLimitFrom(error)?.message).toBe("Your plan does not include child workspaces; to create one, ask the platform's operators to upgrade the plan.");
    expect(JSON.parse((error as { detail: string }).detail)).toEqual({ limit: "child_workspaces" });
  });
});

describe("plans in the platform's hands", () => {
  it("starts a new workspace on the default plan; its creator cannot choose another", async () => {
    const user = await createUser();
    const { id } = await createTenant(userActor(user), { name: "Mine", slug: uniqueSlug() });
    const { rows } = await owner().query("SELECT plan_id, (SELECT id FROM plans WHERE is_default) AS default_plan FROM tenants WHERE id = $1", [id]);
    expect(rows[0].plan_id).toBe(rows[0].default_plan);
    const forged = randomUUID();
    await asApp({ tenantId: forged, user, as: "create" }, async (client) => {
      await client.query("INSERT INTO tenants (id, name, slug, plan_id) VALUES ($1, 'Forged', $2, 'free')", [forged, uniqueSlug()]);
      const plan = await client.query("SELECT plan_id FROM tenants WHERE id = $1", [forged]);
      expect(plan.rows[0].plan_id).toBe(rows[0].default_plan);
    });
  });

  it("moves a workspace between plans (audited), edits limits and the default — administrators only", async () => {
    const ws = await createWorkspace();
    const admin = await createUser();
    await owner().query("UPDATE users SET is_platform_admin = true WHERE id = $1", [admin.id]);
    expect(await domainCode(setWorkspacePlan(credentialOf(ws.owner), { tenantId: ws.tenant.id, plan: "pro" }))).toBe("not_found");
    await setWorkspacePlan(credentialOf(admin), { tenantId: ws.tenant.id, plan: "pro" });
    expect(await auditRows(ws.tenant.id, "plan.change")).toMatchObject([{ actor_user_id: admin.id, metadata: { to: "pro", by: "platform" } }]);

    const id = `p-${unique()}`;
    const input = { mode: "create" as const, id, name: "Team", seats: 12, apiKeys: null, childWorkspaces: 0, auditRetentionDays: 90, exportAllowed: true, isDefault: false };
    expect(await domainCode(savePlan(credentialOf(ws.owner), input))).toBe("not_found");
    // Changing a plan that does not exist creates nothing.
    expect(await domainCode(savePlan(credentialOf(admin), { ...input, mode: "update" }))).toBe("not_found");
    expect((await owner().query("SELECT count(*)::int AS n FROM plans WHERE id = $1", [id])).rows[0].n).toBe(0);
    await savePlan(credentialOf(admin), input);
    await savePlan(credentialOf(admin), { ...input, mode: "update", seats: 15 });
    const { rows } = await owner().query("SELECT seats, api_keys, audit_retention_days FROM plans WHERE id = $1", [id]);
    expect(rows).toEqual([{ seats: 15, api_keys: null, audit_retention_days: 90 }]);
    // A new plan with an existing plan's id is refused, and that plan is left as it was.
    const refused = savePlan(credentialOf(admin), { ...input, name: "Overwritten", seats: 1 });
    await expect(refused).rejects.toMatchObject({ code: "plan_exists", field: "id" });
    expect((await owner().query("SELECT name, seats FROM plans WHERE id = $1", [id])).rows).toEqual([{ name: "Team", seats: 15 }]);
    // Making a plan the default takes it from the previous one (restored after; unlimited meanwhile, so that
    // workspaces other suites create in this window are bounded by nothing).
    const before = (await owner().query("SELECT id FROM plans WHERE is_default")).rows[0].id as string;
    try {
      await savePlan(credentialOf(admin), { ...input, mode: "update", seats: null, childWorkspaces: null, auditRetentionDays: null, isDefault: true });
      expect((await owner().query("SELECT id FROM plans WHERE is_default")).rows).toEqual([{ id }]);
    } finally {
      await owner().query("UPDATE plans SET is_default = false WHERE is_default");
      await owner().query("UPDATE plans SET is_default = true WHERE id = $1", [before]);
    }
  });

  it("refuses a member's addition by the app while letting the platform's seeding through", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ seats: 4 }));
    // The owner's connection (operators, seeding) is the platform acting: not limited.
    await addMember(ws.tenant.id, (await createUser()).id, "member");
    expect(await seatsUsed(ws.tenant.id)).toBe(5);
  });
});

describe("plan limits on API keys and child workspaces, where they are created", () => {
  it("refuses an API key over the plan's limit, counting only live keys (revoked and expired ones give their place back)", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ apiKeys: 2 }));
    const make = (name: string) => createApiKey(actorFor(ws.tenant, ws.member), { name, scope: "read", expiry: "30", expiresOn: "" });
    const first = await make("one");
    await make("two");
    expect(await refusal(make("three"))).toBe(`Your plan allows 2 API keys; revoke one, ${OTHERS}`);
    await revokeApiKey(actorFor(ws.tenant, ws.member), first.id);
    const third = await make("three");
    expect(await refusal(make("four"))).toBe(`Your plan allows 2 API keys; revoke one, ${OTHERS}`);
    await owner().query("UPDATE api_keys SET created_at = now() - interval '9 days', expires_at = now() - interval '1 day' WHERE id = $1", [third.id]);
    expect(await refusal(make("four"))).toBe("ok");
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1", [ws.tenant.id]);
    expect(rows[0].n).toBe(4);
  });

  it("never lets 20 concurrent key creations exceed the limit", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ apiKeys: 3 }));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refusal(createApiKey(actorFor(ws.tenant, ws.admin), { name: `k${i}`, scope: "read", expiry: "7", expiresOn: "" }))),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(3);
    expect(results.filter((r) => r === `Your plan allows 3 API keys; revoke one, ${OTHERS}`)).toHaveLength(17);
  });

  it("refuses a child workspace over the parent's plan's limit", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ childWorkspaces: 1 }));
    const parent = { ...actorFor(ws.tenant, ws.owner), delegation: null };
    expect(await refusal(createChildWorkspace(parent, { name: "Customer A", slug: uniqueSlug("child") }))).toBe("ok");
    expect(await refusal(createChildWorkspace(parent, { name: "Customer B", slug: uniqueSlug("child") }))).toBe(
      "Your plan allows 1 child workspace; delete one, or ask the platform's operators to upgrade the plan.",
    );
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM tenants WHERE parent_id = $1", [ws.tenant.id]);
    expect(rows[0].n).toBe(1);
  });

  it("counts a child restored from the trash: deleting one, creating another and restoring the first is refused at the limit", async () => {
    const ws = await createWorkspace();
    await onPlan(ws.tenant.id, await planWith({ childWorkspaces: 1 }));
    const parent = { ...actorFor(ws.tenant, ws.owner), delegation: null };
    const first = { name: "Customer A", slug: uniqueSlug("child") };
    expect(await refusal(createChildWorkspace(parent, first))).toBe("ok");
    const { rows: created } = await owner().query<{ id: string }>("SELECT id FROM tenants WHERE slug = $1", [first.slug]);
    const firstId = created[0]!.id;
    // The parent's owner created it, and owns it.
    await deleteTenant(actorFor({ id: firstId, ...first }, ws.owner), { confirmName: first.name });
    expect(await refusal(createChildWorkspace(parent, { name: "Customer B", slug: uniqueSlug("child") }))).toBe("ok");
    expect(await refusal(restoreTenant(userActor(ws.owner), firstId))).toBe("Your plan allows 1 child workspace; delete one, or ask the platform's operators to upgrade the plan.");
    const { rows } = await owner().query("SELECT status::text, count(*)::int AS n FROM tenants WHERE parent_id = $1 GROUP BY status ORDER BY status", [ws.tenant.id]);
    expect(rows).toEqual([{ status: "active", n: 1 }, { status: "deleted", n: 1 }]);
    // With room again (the plan raised), the same restore goes through.
    await onPlan(ws.tenant.id, await planWith({ childWorkspaces: 2 }));
    expect(await refusal(restoreTenant(userActor(ws.owner), firstId))).toBe("ok");
  });
});
