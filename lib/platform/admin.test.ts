// Platform administrators (issue 13, points 1 and 2), against the real
// database: the operator command that alone grants the flag, the console's
// entry refusing everyone else as "not found", the directory, the lifecycle
// through the administrators' hands (block taking effect at the next
// request), and cross-view — reads admitted, every write refused by
// row-level security, each visit in the visited workspace's own log.
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { auditPageRead, describeAuditEvent, EMPTY_FILTERS, exportAuditEvents, listAuditEvents, parseAuditFilters } from "@/lib/audit";
import { runRead, sql, type Tx } from "@/lib/db";
import { inviteMember } from "@/lib/invitations";
import {
  AUDIT_SHOWN,
  createWorkspaceFor,
  deleteWorkspace,
  ownerSignInUrl,
  directoryRead,
  listWorkspaces,
  MEMBERS_SHOWN,
  purgeWorkspace,
  renameWorkspace,
  restoreWorkspace,
  setWorkspaceBlocked,
  workspaceAudit,
  workspaceMembers,
  workspaceOverview,
  workspaceOverviewRead,
  isPlatformAdmin,
  type DirectoryFilters,
  type DirectoryRow,
  type PlanRow,
} from "@/lib/platform/admin";
import { listPlans, plansPage, plansRead, readPlans, setWorkspacePlan } from "@/lib/platform/plans";
import { measureUsage, USAGE_METERS } from "@/lib/platform/usage";
import { getMembersPage, memberListQuerySchema } from "@/lib/members";
import { purgeWorkspace as purgeTenantNow } from "@/lib/jobs/purge";
import { resolveTenantContext, withCrossView, withPlatformAdmin, withTenant, WorkspaceGoneError } from "@/lib/tenancy";
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
  emailsTo,
  insertAuditRow,
  insertInvitation,
  owner,
  ownerDatabaseUrl,
  pgErrorCode,
  setTenantStatus,
  TEST_REQUEST,
  unique,
  uniqueEmail,
  uniqueSlug,
  platformAdmin,
  withBrokenSmtp,
  type TestUser,
} from "@/test/fixtures";

const run = promisify(execFile);

const cred = credentialOf;

async function tenantRow(id: string) {
  const { rows } = await owner().query("SELECT * FROM tenants WHERE id = $1", [id]);
  return rows[0] ?? null;
}

/** The operator command, as an operator runs it: `npm run users -- <command> <email>` on the owner's connection. */
async function usersCommand(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "--conditions=react-server", "scripts/users.ts", ...args], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: ownerDatabaseUrl() },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe("the operator command is the one way to make a platform administrator", () => {
  it("grants the flag, which opens /admin's entry at the next request, and revokes it, which closes it", async () => {
    const user = await createUser();
    expect(await domainCode(withPlatformAdmin(cred(user), async () => "in"))).toBe("not_found");

    const granted = await usersCommand("grant-platform-admin", user.email.toUpperCase());
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain("is now a platform administrator");
    expect(await withPlatformAdmin(cred(user), async (_tx, admin) => admin.id)).toBe(user.id);
    expect(await isPlatformAdmin(cred(user))).toBe(true);

    const revoked = await usersCommand("revoke-platform-admin", user.email);
    expect(revoked.code).toBe(0);
    expect(await domainCode(withPlatformAdmin(cred(user), async () => "in"))).toBe("not_found");
    expect(await isPlatformAdmin(cred(user))).toBe(false);

    const unknown = await usersCommand("grant-platform-admin", uniqueEmail("nobody"));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No user has the email");
  }, 60_000);

  it("cannot be granted by the app role, whatever its context: it may not even read the flag", async () => {
    const user = await createUser();
    await asApp({ user }, async (client) => {
      await client.query("SAVEPOINT probe");
      expect(await pgErrorCode(client.query("UPDATE users SET is_platform_admin = true WHERE id = $1", [user.id]))).toBe("42501");
      await client.query("ROLLBACK TO SAVEPOINT probe");
      expect(await pgErrorCode(client.query("SELECT is_platform_admin FROM users WHERE id = $1", [user.id]))).toBe("42501");
    });
  });
});

describe("the console refuses everyone but platform administrators as not found", () => {
  it("refuses no session, a plain user, a workspace owner and a deactivated administrator, in every function", async () => {
    const ws = await createWorkspace();
    const deactivated = await platformAdmin();
    await owner().query("UPDATE users SET active = false WHERE id = $1", [deactivated.id]);
    const someone = await createUser();
    const tenantId = ws.tenant.id;
    for (const credential of [null, cred(someone), cred(ws.owner), cred(deactivated)]) {
      expect(await domainCode(listWorkspaces(credential, {}))).toBe("not_found");
      expect(await domainCode(workspaceOverview(credential, tenantId, TEST_REQUEST))).toBe("not_found");
      expect(await domainCode(setWorkspaceBlocked(credential, { tenantId, blocked: true }))).toBe("not_found");
      expect(await domainCode(renameWorkspace(credential, { tenantId, name: "Taken over" }))).toBe("not_found");
      expect(await domainCode(deleteWorkspace(credential, { tenantId, confirmName: ws.tenant.name }))).toBe("not_found");
      expect(await domainCode(createWorkspaceFor(credential, { name: "Mine", slug: uniqueSlug(), ownerEmail: someone.email }))).toBe("not_found");
    }
    expect(await tenantRow(tenantId)).toMatchObject({ status: "active", name: ws.tenant.name });
    // Nothing was written into the workspace's log by the refused visits.
    expect((await auditRows(tenantId)).map((r) => r.action)).not.toContain("platform.cross_view");
  });

  it("refuses the definer functions to the app role outside a platform entry (raw SQL)", async () => {
    const ws = await createWorkspace();
    await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      for (const statement of [
        "SELECT * FROM app_platform_tenants(NULL, NULL, NULL, NULL, NULL, 10)",
        `SELECT app_platform_set_blocked('${ws.tenant.id}', true, NULL)`,
        `SELECT app_platform_delete_tenant('${ws.tenant.id}', 30)`,
        `SELECT app_platform_rename_tenant('${ws.tenant.id}', 'x')`,
        `SELECT app_platform_set_plan('${ws.tenant.id}', 'enterprise')`,
        "SELECT app_platform_save_plan('free', 'Free', NULL, NULL, NULL, NULL, true, true)",
      ]) {
        await client.query("SAVEPOINT probe");
        expect(await pgErrorCode(client.query(statement)), statement).toBe("42501");
        await client.query("ROLLBACK TO SAVEPOINT probe");
      }
      await client.query("SAVEPOINT probe");
      expect(await pgErrorCode(client.query("SELECT app_enter_platform($1)", [ws.owner.sessionToken]))).toBe("42501");
      await client.query("ROLLBACK TO SAVEPOINT probe");
      expect(await pgErrorCode(client.query("SELECT app_private.tenant_set_blocked($1, true, NULL, NULL, NULL, 'x')", [ws.tenant.id]))).toBe("42501");
    });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "active", plan_id: expect.any(String) });
  });

  it("closes at the next call once the flag is revoked, even inside an open platform transaction", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    const outcome = await domainCode(
      withPlatformAdmin(cred(admin), async (tx) => {
        await owner().query("UPDATE users SET is_platform_admin = false WHERE id = $1", [admin.id]);
        const { sql } = await import("@/lib/db");
        await tx.query(sql`SELECT app_platform_set_blocked(${ws.tenant.id}::uuid, true, NULL)`);
      }),
    );
    expect(outcome).toBe("not_found");
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "active" });
  });
});

describe("the directory of every workspace", () => {
  it("searches by name fragment, slug, member email, status and plan, with member count and last activity", async () => {
    const admin = await platformAdmin();
    const tag = unique();
    const a = await createTenantRow({ name: `Acme ${tag} Production`, slug: `acme-${tag}` });
    const b = await createTenantRow({ name: `Beta ${tag}`, slug: `beta-${tag}`, status: "blocked" });
    const member = await createUser({ email: uniqueEmail("find-me") });
    await addMember(a.id, member.id, "owner");
    await addMember(b.id, (await createUser()).id, "owner");
    await addMember(b.id, member.id, "member");
    await insertAuditRow(b.id, null);
    await owner().query("UPDATE tenants SET plan_id = 'pro' WHERE id = $1", [a.id]);

    const ids = async (filters: Parameters<typeof listWorkspaces>[1]) => (await listWorkspaces(cred(admin), filters)).rows.map((r) => r.id);
    expect(await ids({ q: `${tag} PRODUCTION` })).toEqual([a.id]);
    expect(await ids({ q: `beta-${tag}` })).toEqual([b.id]);
    expect((await ids({ q: tag })).sort()).toEqual([a.id, b.id].sort());
    expect((await ids({ q: member.email.toUpperCase() })).sort()).toEqual([a.id, b.id].sort());
    expect(await ids({ q: tag, status: "blocked" })).toEqual([b.id]);
    expect(await ids({ q: tag, plan: "pro" })).toEqual([a.id]);
    expect(await ids({ q: "100%_" })).toEqual([]);

    const { rows } = await listWorkspaces(cred(admin), { q: `beta-${tag}` });
    expect(rows[0]).toMatchObject({ name: `Beta ${tag}`, status: "blocked", memberCount: 2 });
    expect(rows[0]!.lastActivityAt).toBeInstanceOf(Date);
  });

  it("pages newest first with a cursor, each workspace once", async () => {
    const admin = await platformAdmin();
    const tag = unique();
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await createTenantRow({ name: `Paged ${tag} ${i}` })).id);
    const seen: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await listWorkspaces(cred(admin), { q: `paged ${tag}`, after }, 2);
      seen.push(...page.rows.map((r) => r.id));
      if (!page.next) break;
      after = page.next;
    }
    const expected = await owner().query("SELECT id FROM tenants WHERE id = ANY($1) ORDER BY created_at DESC, id DESC", [created]);
    expect(seen).toEqual(expected.rows.map((r) => r.id));
  });

  it("gives the workspace's own last activity, not the platform's visits to it", async () => {
    const admin = await platformAdmin();
    const tag = unique();
    const dormant = await createTenantRow({ name: `Dormant ${tag}`, slug: `dormant-${tag}` });
    await addMember(dormant.id, (await createUser()).id, "owner");
    const lastOwn = new Date("2026-03-01T10:00:00Z");
    await owner().query(
      "INSERT INTO audit_log (tenant_id, action, metadata, created_at) VALUES ($1, 'member.leave', '{\"role\": \"member\"}', $2)",
      [dormant.id, lastOwn],
    );
    // Opening its page writes a platform.cross_view row today.
    await workspaceOverview(cred(admin), dormant.id, TEST_REQUEST);
    expect((await auditRows(dormant.id)).map((r) => r.action)).toContain("platform.cross_view");
    const lastActivity = async () => (await listWorkspaces(cred(admin), { q: `dormant-${tag}` })).rows[0]!.lastActivityAt;
    expect(await lastActivity()).toEqual(lastOwn);

    // Visited and never active: no last activity at all.
    const untouched = await createTenantRow({ name: `Untouched ${tag}`, slug: `untouched-${tag}` });
    await workspaceOverview(cred(admin), untouched.id, TEST_REQUEST);
    expect((await listWorkspaces(cred(admin), { q: `untouched-${tag}` })).rows[0]!.lastActivityAt).toBeNull();
  });
});

describe("changes in the administrators' hands", () => {
  it("moves a workspace to another plan, naming both plans in its log, and changes nothing when it is already on that plan", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    await owner().query("UPDATE tenants SET plan_id = 'free' WHERE id = $1", [ws.tenant.id]);
    expect(await setWorkspacePlan(cred(admin), { tenantId: ws.tenant.id, plan: "pro" })).toEqual({ changed: true, planName: "Pro" });
    const [change] = await auditRows(ws.tenant.id, "plan.change");
    expect(change!.metadata).toEqual({ from: "free", to: "pro", from_name: "Free", to_name: "Pro", by: "platform" });
    expect(describeAuditEvent("plan.change", change!.metadata)).toBe("The platform moved this workspace from the Free plan to the Pro plan");
    // An event written before the names were kept: its ids.
    expect(describeAuditEvent("plan.change", { from: "free", to: "pro", by: "platform" })).toBe(
      "The platform moved this workspace from the free plan to the pro plan",
    );

    // Already on that plan: nothing changes, nothing is written, and the caller is told so.
    expect(await setWorkspacePlan(cred(admin), { tenantId: ws.tenant.id, plan: "pro" })).toEqual({ changed: false, planName: "Pro" });
    expect(await auditRows(ws.tenant.id, "plan.change")).toHaveLength(1);
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ plan_id: "pro" });
  });

  it("creates a workspace for a named first owner, existing or new, audited in its log", async () => {
    const admin = await platformAdmin();
    const existing = await createUser();
    const { id } = await createWorkspaceFor(cred(admin), { name: "Client One", slug: uniqueSlug("client"), ownerEmail: existing.email, plan: "pro" });
    expect(await tenantRow(id)).toMatchObject({ name: "Client One", plan_id: "pro", status: "active" });
    const { rows } = await owner().query("SELECT user_id, role FROM tenant_members WHERE tenant_id = $1", [id]);
    expect(rows).toEqual([{ user_id: existing.id, role: "owner" }]);
    expect(await auditRows(id, "tenant.create")).toMatchObject([{ actor_user_id: admin.id, metadata: { by: "platform", owner_email: existing.email } }]);

    const fresh = uniqueEmail("new-owner");
    const second = await createWorkspaceFor(cred(admin), { name: "Client Two", slug: uniqueSlug("client"), ownerEmail: fresh });
    const owners = await owner().query("SELECT u.email FROM tenant_members m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1", [second.id]);
    expect(owners.rows).toEqual([{ email: fresh }]);

    const slug = (await tenantRow(id)).slug as string;
    expect(await domainCode(createWorkspaceFor(cred(admin), { name: "Dup", slug, ownerEmail: fresh }))).toBe("slug_taken");
  });

  it("emails the first owner that the workspace is theirs, with the link to sign in and open it, and records in its log whether it went out", async () => {
    const admin = await platformAdmin();
    const fresh = uniqueEmail("emailed-owner");
    const created = await createWorkspaceFor(cred(admin), { name: "Client Mail", slug: uniqueSlug("client"), ownerEmail: fresh });
    expect(created.emailDispatched).toBe(true);
    const emails = await emailsTo(fresh);
    expect(emails.map((e) => e.subject)).toEqual(["Your workspace Client Mail is ready on Tenantry"]);
    expect(ownerSignInUrl(fresh)).toMatch(/\/sign-in\?email=emailed-owner-[0-9a-f]+%40example\.test&next=%2Fapp%2Fdashboard$/);
    expect(emails[0]!.html).toContain(ownerSignInUrl(fresh).replaceAll("&", "&amp;"));
    expect(emails[0]!.text).toContain(`Sign in with this address, ${fresh}. If you belong to other workspaces`);
    const [sent] = await auditRows(created.id, "tenant.owner_email");
    expect(sent).toMatchObject({ actor_user_id: admin.id, target_email: fresh, metadata: { email: fresh, email_dispatched: true, by: "platform" } });
    expect(describeAuditEvent("tenant.owner_email", sent!.metadata)).toBe(
      `Emailed ${fresh} that the workspace was created for them, with the link to sign in and open it`,
    );

    // The mail service down: the workspace stands, and its log says the email did not go out.
    const unsent = uniqueEmail("unsent-owner");
    const quiet = await withBrokenSmtp(() => createWorkspaceFor(cred(admin), { name: "Client Quiet", slug: uniqueSlug("client"), ownerEmail: unsent }));
    expect(quiet.emailDispatched).toBe(false);
    expect(await tenantRow(quiet.id)).toMatchObject({ status: "active" });
    const [notSent] = await auditRows(quiet.id, "tenant.owner_email");
    expect(notSent).toMatchObject({ metadata: { email: unsent, email_dispatched: false } });
    expect(describeAuditEvent("tenant.owner_email", notSent!.metadata)).toBe(`Created the workspace for ${unsent} · the email telling them was not sent`);

    // Recorded only in the transaction that created the workspace: no such row for any other.
    const ws = await createWorkspace();
    await expect(
      withPlatformAdmin(cred(admin), (tx) => tx.query(sql`SELECT app_platform_record_owner_email(${ws.tenant.id}::uuid, true)`)),
    ).rejects.toThrow(/created in this transaction/);
    expect(await auditRows(ws.tenant.id, "tenant.owner_email")).toEqual([]);
  });

  it("renames a workspace, audited with the administrator as actor", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    await renameWorkspace(cred(admin), { tenantId: ws.tenant.id, name: "Renamed by the platform" });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ name: "Renamed by the platform" });
    expect(await auditRows(ws.tenant.id, "tenant.rename")).toMatchObject([{ actor_email: admin.email, metadata: { to: "Renamed by the platform" } }]);
  });

  it("blocks a workspace: at the next request every member is refused — page, action, export — until it is unblocked", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    expect(await resolveTenantContext(cred(ws.member), ws.tenant.id)).toMatchObject({ kind: "tenant" });

    await setWorkspaceBlocked(cred(admin), { tenantId: ws.tenant.id, blocked: true, reason: "unpaid invoice" });
    // A page: the request resolves to "suspended" (the export route answers that with 402).
    expect(await resolveTenantContext(cred(ws.member), ws.tenant.id)).toMatchObject({ kind: "suspended" });
    // An action: its transaction's entry refuses.
    expect(await domainCode(inviteMember(actorFor(ws.tenant, ws.owner), { email: uniqueEmail(), role: "member" }))).toBe("tenant_suspended");
    expect(await domainCode(withTenant(actorFor(ws.tenant, ws.admin), async () => "in"))).toBe("tenant_suspended");
    // An export: its worker's own entry refuses before any byte.
    await expect(exportAuditEvents(actorFor(ws.tenant, ws.auditor), EMPTY_FILTERS, "csv")).rejects.toBeTruthy();
    expect(await domainCode(setWorkspaceBlocked(cred(admin), { tenantId: ws.tenant.id, blocked: true }))).toBe("no_change");

    await setWorkspaceBlocked(cred(admin), { tenantId: ws.tenant.id, blocked: false });
    expect(await resolveTenantContext(cred(ws.member), ws.tenant.id)).toMatchObject({ kind: "tenant" });
    expect((await auditRows(ws.tenant.id)).filter((r) => r.action.startsWith("tenant.")).map((r) => [r.action, r.actor_email, r.metadata.by])).toEqual([
      ["tenant.block", admin.email, "platform"],
      ["tenant.unblock", admin.email, "platform"],
    ]);
  });

  it("deletes into the trash (the lifecycle's batch), restores exactly that batch, and has it purged", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    const before = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail() });
    await owner().query("UPDATE tenant_invitations SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [before.id]);
    const live = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail() });
    // A resource added later (projects) joins the family without a change here.
    const project = (await owner().query<{ id: string }>("INSERT INTO projects (tenant_id, name) VALUES ($1, 'Launch') RETURNING id", [ws.tenant.id])).rows[0]!;

    expect(await domainCode(deleteWorkspace(cred(admin), { tenantId: ws.tenant.id, confirmName: "wrong" }))).toBe("confirm_name");
    await deleteWorkspace(cred(admin), { tenantId: ws.tenant.id, confirmName: ws.tenant.name });
    const deleted = await tenantRow(ws.tenant.id);
    expect(deleted).toMatchObject({ status: "deleted", deleted_by: admin.id });
    const inv = await owner().query("SELECT id, deletion_batch_id FROM tenant_invitations WHERE tenant_id = $1 ORDER BY id", [ws.tenant.id]);
    expect(inv.rows.find((r) => r.id === live.id)!.deletion_batch_id).toBe(deleted.deletion_batch_id);
    expect((await owner().query("SELECT deletion_batch_id FROM projects WHERE id = $1", [project.id])).rows[0].deletion_batch_id).toBe(deleted.deletion_batch_id);
    expect(await resolveTenantContext(cred(ws.member), ws.tenant.id)).toMatchObject({ kind: "no-tenant" });

    expect((await restoreWorkspace(cred(admin), { tenantId: ws.tenant.id })).name).toBe(ws.tenant.name);
    const after = await owner().query("SELECT id, deleted_at FROM tenant_invitations WHERE tenant_id = $1", [ws.tenant.id]);
    expect(Object.fromEntries(after.rows.map((r) => [r.id, r.deleted_at === null]))).toEqual({ [live.id]: true, [before.id]: false });
    expect((await owner().query("SELECT deleted_at FROM projects WHERE id = $1", [project.id])).rows[0].deleted_at).toBeNull();
    expect(await resolveTenantContext(cred(ws.member), ws.tenant.id)).toMatchObject({ kind: "tenant" });

    expect(await domainCode(purgeWorkspace(cred(admin), { tenantId: ws.tenant.id, confirmName: ws.tenant.name }))).toBe("no_change");
    await deleteWorkspace(cred(admin), { tenantId: ws.tenant.id, confirmName: ws.tenant.name });
    await purgeWorkspace(cred(admin), { tenantId: ws.tenant.id, confirmName: ws.tenant.name });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ purge_requested_by: admin.id });
    expect(await domainCode(restoreWorkspace(cred(admin), { tenantId: ws.tenant.id }))).toBe("purging");
    expect((await auditRows(ws.tenant.id)).map((r) => r.action).filter((a) => a.startsWith("tenant."))).toEqual([
      "tenant.delete",
      "tenant.restore",
      "tenant.delete",
      "tenant.purge.request",
    ]);
  });

  it("cannot restore a workspace whose purge has started (the retention sweep's, asked by nobody): the database says so", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    await deleteWorkspace(cred(admin), { tenantId: ws.tenant.id, confirmName: ws.tenant.name });
    // What the purge writes before its first delete (lib/jobs/purge.ts).
    await owner().query("UPDATE tenants SET purge_started_at = now() WHERE id = $1", [ws.tenant.id]);
    const error = await restoreWorkspace(cred(admin), { tenantId: ws.tenant.id }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "purging", message: `“${ws.tenant.name}” is being purged and cannot be restored.` });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "deleted" });
  });
});

/** Every tenant table, and one write of each kind the app role could try, as raw SQL. */
const WRITES = (tenantId: string, userId: string) => [
  `UPDATE tenants SET name = 'x' WHERE id = '${tenantId}'`,
  `UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = '${tenantId}'`,
  `INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ('${tenantId}', '${userId}', 'owner')`,
  `UPDATE tenant_members SET role = 'owner' WHERE tenant_id = '${tenantId}'`,
  `DELETE FROM tenant_members WHERE tenant_id = '${tenantId}'`,
  `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by)
     VALUES ('${tenantId}', 'x@example.test', 'member', repeat('a', 64), now() + interval '1 day', '${userId}')`,
  `UPDATE tenant_invitations SET status = 'revoked' WHERE tenant_id = '${tenantId}'`,
  `INSERT INTO audit_log (tenant_id, actor_user_id, action) VALUES ('${tenantId}', '${userId}', 'forged.event')`,
  `INSERT INTO tenant_notes (tenant_id, body, updated_by) VALUES ('${tenantId}', 'forged', '${userId}')`,
  `UPDATE tenant_notes SET body = 'forged' WHERE tenant_id = '${tenantId}'`,
  `DELETE FROM tenant_logos WHERE tenant_id = '${tenantId}'`,
  `UPDATE users SET name = 'forged' WHERE id = '${userId}'`,
];

/** Enters cross-view on the app role's raw connection, as the app does. */
async function asCrossView<T>(admin: TestUser, tenantId: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return asApp({}, async (client) => {
    await client.query("SELECT * FROM app_enter_cross_view($1, $2, 'members', NULL, NULL)", [admin.sessionToken, tenantId]);
    return fn(client);
  });
}

describe("cross-view: a platform administrator reads any workspace, read-only, in its own log", () => {
  it("reads members, their users, invitations, notes and the audit log of the visited workspace only", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    const other = await createWorkspace();
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail() });
    await owner().query("INSERT INTO tenant_notes (tenant_id, body) VALUES ($1, 'private notes')", [ws.tenant.id]);
    await insertAuditRow(ws.tenant.id, null);
    await asCrossView(admin, ws.tenant.id, async (client) => {
      const members = await client.query("SELECT u.email FROM tenant_members m JOIN users u ON u.id = m.user_id ORDER BY u.email");
      expect(members.rows.map((r) => r.email)).toEqual([ws.owner, ws.admin, ws.auditor, ws.member].map((u) => u.email).sort());
      expect((await client.query("SELECT count(*)::int AS n FROM tenant_invitations")).rows[0].n).toBe(1);
      expect((await client.query("SELECT body FROM tenant_notes")).rows).toEqual([{ body: "private notes" }]);
      expect((await client.query("SELECT DISTINCT tenant_id FROM audit_log")).rows).toEqual([{ tenant_id: ws.tenant.id }]);
      expect((await client.query("SELECT id FROM tenants")).rows).toEqual([{ id: ws.tenant.id }]);
      expect((await client.query("SELECT count(*)::int AS n FROM tenant_members WHERE tenant_id = $1", [other.tenant.id])).rows[0].n).toBe(0);
      expect((await client.query("SELECT count(*)::int AS n FROM users WHERE id = $1", [other.owner.id])).rows[0].n).toBe(0);
    });
  });

  it("refuses every write by row-level security, even when the administrator is an owner of the workspace", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    await addMember(ws.tenant.id, admin.id, "owner");
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail() });
    await owner().query("INSERT INTO tenant_notes (tenant_id, body) VALUES ($1, 'notes')", [ws.tenant.id]);
    const before = await owner().query("SELECT (SELECT count(*) FROM tenant_members WHERE tenant_id = $1) AS m, (SELECT name FROM tenants WHERE id = $1) AS n", [ws.tenant.id]);
    await asCrossView(admin, ws.tenant.id, async (client) => {
      for (const statement of WRITES(ws.tenant.id, admin.id)) {
        await client.query("SAVEPOINT probe");
        const outcome = await client.query(statement).then(
          (r) => `${r.rowCount} rows`,
          (e: { code: string }) => e.code,
        );
        // Refused outright (42501: new row violates row-level security), or no row visible to change.
        expect(["42501", "0 rows"], statement).toContain(outcome);
        await client.query("ROLLBACK TO SAVEPOINT probe");
      }
      // The signed context cannot be swapped for a member's from inside.
      await client.query("SAVEPOINT probe");
      expect(await pgErrorCode(client.query("SELECT set_config('app.context', 'forged', true); SELECT * FROM tenant_members"))).toBe("42501");
      await client.query("ROLLBACK TO SAVEPOINT probe");
    });
    const after = await owner().query("SELECT (SELECT count(*) FROM tenant_members WHERE tenant_id = $1) AS m, (SELECT name FROM tenants WHERE id = $1) AS n", [ws.tenant.id]);
    expect(after.rows).toEqual(before.rows);
  });

  it("refuses a non-administrator at the entry, and writes nothing in the workspace's log", async () => {
    const ws = await createWorkspace();
    for (const user of [ws.owner, await createUser()]) {
      expect(await pgErrorCode(asApp({}, (c) => c.query("SELECT * FROM app_enter_cross_view($1, $2, 'members', NULL, NULL)", [user.sessionToken, ws.tenant.id])))).toBe("42501");
      expect(await domainCode(withCrossView(cred(user), ws.tenant.id, "members", TEST_REQUEST, async () => "in"))).toBe("not_found");
    }
    expect((await auditRows(ws.tenant.id)).map((r) => r.action)).not.toContain("platform.cross_view");
  });

  it("counts the workspace's live API keys in its usage, through the cross-view (revoked ones not)", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    const make = (name: string) => createApiKey(actorFor(ws.tenant, ws.member), { name, scope: "read", expiry: "30", expiresOn: "" });
    await make("kept");
    await revokeApiKey(actorFor(ws.tenant, ws.member), (await make("revoked")).id);
    const overview = await workspaceOverview(cred(admin), ws.tenant.id, TEST_REQUEST);
    expect(overview.usage.find((u) => u.key === "api_keys")!.value).toBe(1);
  });

  it("writes every visit into the visited workspace's log, which its auditors read as a sentence", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    const overview = await workspaceOverview(cred(admin), ws.tenant.id, TEST_REQUEST);
    expect(overview.members.map((m) => m.email).sort()).toEqual([ws.owner, ws.admin, ws.auditor, ws.member].map((u) => u.email).sort());
    expect(overview.usage.find((u) => u.key === "members")!.value).toBe(4);
    const members = await workspaceMembers(cred(admin), ws.tenant.id, memberListQuerySchema.parse({ q: "audrey" }), TEST_REQUEST);
    expect(members.page.members.map((m) => m.email)).toEqual([ws.auditor.email]);
    const log = await workspaceAudit(cred(admin), ws.tenant.id, EMPTY_FILTERS, {}, TEST_REQUEST);
    // The page lists its own visit first.
    expect(log.page.events[0]).toMatchObject({ action: "platform.cross_view", metadata: { area: "audit" } });

    const visits = await auditRows(ws.tenant.id, "platform.cross_view");
    expect(visits.map((v) => [v.actor_email, v.metadata.area, v.ip])).toEqual([
      [admin.email, "overview", TEST_REQUEST.ip],
      [admin.email, "members", TEST_REQUEST.ip],
      [admin.email, "audit", TEST_REQUEST.ip],
    ]);
    // The members page by join date (app_member_page, app_member_counts) reads in the cross-view too.
    const joined = await workspaceMembers(cred(admin), ws.tenant.id, memberListQuerySchema.parse({}), TEST_REQUEST);
    expect([joined.page.members.map((m) => m.email).sort(), joined.page.total, joined.page.ownerCount]).toEqual([
      [ws.owner, ws.admin, ws.auditor, ws.member].map((u) => u.email).sort(),
      4,
      1,
    ]);
    const page = await withTenant(actorFor(ws.tenant, ws.auditor), (tx) => listAuditEvents(tx, { tenantId: ws.tenant.id }, EMPTY_FILTERS));
    const sentences = page.events.filter((e) => e.action === "platform.cross_view").map((e) => describeAuditEvent(e.action, e.metadata));
    expect(sentences).toContain("Platform admin Pat Platform viewed members (read-only)");
    expect(sentences).toContain("Platform admin Pat Platform viewed the audit log (read-only)");
  });
});

describe("catalog: every tenant table takes part", () => {
  it("has a cross-view read policy, and no write policy admits the cross-view context", async () => {
    const { rows } = await owner().query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
          AND NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.cmd = 'SELECT' AND p.qual LIKE '%app_in_cross_view()%')`,
    );
    expect(rows).toEqual([]);
    const writes = await owner().query(`SELECT tablename, policyname FROM pg_policies WHERE cmd <> 'SELECT' AND (coalesce(qual, '') || coalesce(with_check, '')) LIKE '%cross_view%'`);
    expect(writes.rows).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Issue 10: every admin page view in one transaction of at most four
// statements (BEGIN, the entry, the page's statement, COMMIT).
// ---------------------------------------------------------------------------

/**
 * What the app's pg clients are sent while `fn` runs, counted as the page
 * benchmark's probe counts them (bench/server-probe.ts): a simple-protocol
 * text may carry several statements; lib/db.ts's one-write queries name the
 * statements written before theirs (`leading`) and may carry the COMMIT.
 */
async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number; transactions: number; roundTrips: number; sent: string[] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const ownGetRows = (pg.Query.prototype as unknown as { _getRows: unknown })._getRows;
  const seen = { statements: 0, transactions: 0, roundTrips: 0, sent: [] as string[] };
  proto.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
    const c = config as { text?: string; name?: string; values?: unknown[]; leading?: string[]; _getRows?: unknown } | string;
    const text = typeof c === "string" ? c : (c?.text ?? "");
    const withCommit = config instanceof pg.Query && (config as unknown as { _getRows: unknown })._getRows !== ownGetRows;
    const leading = typeof c === "object" && Array.isArray(c?.leading) ? c.leading : [];
    const simple = typeof c === "string" || (!c?.name && !c?.values && !Array.isArray(rest[0]));
    seen.roundTrips++;
    seen.statements += leading.length + (simple ? text.split(";").filter((part) => part.trim()).length : 1) + (withCommit ? 1 : 0);
    if (/^\s*BEGIN\b/i.test(leading[0] ?? text)) seen.transactions++;
    seen.sent.push([...leading, text].join("; ").replace(/\s+/g, " ").slice(0, 120) + (withCommit ? " (+ COMMIT)" : ""));
    return original.call(this, config, ...rest);
  };
  try {
    const result = await fn();
    return { result, ...seen };
  } finally {
    proto.query = original;
  }
}

// The reads the pages made before they were merged into one statement each,
// as they were: the reference the merged statements must answer exactly as.
const OLD_PLANS = sql`
  SELECT id, name, seats, api_keys AS "apiKeys", child_workspaces AS "childWorkspaces",
         audit_retention_days AS "auditRetentionDays", export_allowed AS "exportAllowed", is_default AS "isDefault"
    FROM plans ORDER BY position, id`;

async function oldDirectory(tx: Tx, filters: DirectoryFilters, pageSize: number) {
  const cursor = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f-]{36})$/;
  const after = filters.after ? cursor.exec(filters.after) : null;
  const rows = await tx.query<DirectoryRow>(sql`
    SELECT id, name, slug, status, plan_id AS "planId", created_at AS "createdAt", member_count AS "memberCount",
           last_activity_at AS "lastActivityAt"
      FROM app_platform_tenants(${filters.q ?? null}, ${filters.status ?? null}::tenant_status, ${filters.plan ?? null},
                                ${after?.[1] ?? null}::timestamptz, ${after?.[2] ?? null}::uuid, ${pageSize + 1})`);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const next = rows.length > pageSize && last ? `${last.createdAt.toISOString()}_${last.id}` : null;
  return { rows: page, next, plans: await tx.query<PlanRow>(OLD_PLANS) };
}

async function oldOverview(tx: Tx, tenantId: string) {
  const tenant = await tx.one<{ planId: string }>(sql`
    SELECT id, name, slug, status, plan_id AS "planId", created_at AS "createdAt", blocked_at AS "blockedAt",
           deleted_at AS "deletedAt", purge_requested_at AS "purgeRequestedAt", purge_started_at AS "purgeStartedAt"
      FROM tenants WHERE id = ${tenantId}::uuid`);
  const plans = await tx.query<PlanRow>(OLD_PLANS);
  const members = await tx.query(sql`
    SELECT u.id AS "userId", u.email, u.name, m.role, m.created_at AS "joinedAt"
      FROM tenant_members m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = ${tenantId}::uuid
     ORDER BY m.created_at, u.id LIMIT ${MEMBERS_SHOWN}`);
  const events = await tx.query<{ id: string; createdAt: Date; actorEmail: string | null; action: string; metadata: unknown }>(sql`
    SELECT id::text, created_at AS "createdAt", actor_email AS "actorEmail", action, metadata
      FROM audit_log WHERE tenant_id = ${tenantId}::uuid
     ORDER BY created_at DESC, id DESC LIMIT ${AUDIT_SHOWN}`);
  const usage = [];
  for (const [key, label, unit, statement] of [
    ["members", "Members", undefined, sql`SELECT count(*)::bigint AS n FROM tenant_members WHERE tenant_id = ${tenantId}::uuid`],
    [
      "pending_invitations",
      "Pending invitations",
      undefined,
      sql`SELECT count(*)::bigint AS n FROM tenant_invitations WHERE tenant_id = ${tenantId}::uuid AND status = 'pending' AND expires_at > now() AND deleted_at IS NULL`,
    ],
    [
      "api_keys",
      "API keys",
      undefined,
      sql`SELECT count(*)::bigint AS n FROM api_keys WHERE tenant_id = ${tenantId}::uuid AND revoked_at IS NULL AND deleted_at IS NULL AND expires_at > now()`,
    ],
    ["audit_events", "Audit events", undefined, sql`SELECT count(*)::bigint AS n FROM audit_log WHERE tenant_id = ${tenantId}::uuid`],
    [
      "storage_bytes",
      "Storage (logo and notes)",
      "bytes",
      sql`SELECT coalesce((SELECT bytes FROM tenant_logos WHERE tenant_id = ${tenantId}::uuid), 0)
               + coalesce((SELECT octet_length(body) FROM tenant_notes WHERE tenant_id = ${tenantId}::uuid), 0) AS n`,
    ],
  ] as const) {
    const row = await tx.one<{ n: string | number | null }>(statement);
    usage.push({ key, label, unit, value: Number(row?.n ?? 0) });
  }
  return {
    tenant,
    plan: plans.find((p) => p.id === tenant!.planId) ?? null,
    plans,
    usage,
    members,
    audit: events.map((e) => ({ id: e.id, createdAt: e.createdAt, actorEmail: e.actorEmail, action: e.action, sentence: describeAuditEvent(e.action, e.metadata) })),
  };
}

/** A workspace with something in every meter and list the overview shows. */
async function busyWorkspace() {
  const ws = await createWorkspace();
  await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("pending") });
  await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("expired"), expiresAt: new Date(Date.now() - 86_400_000) });
  await createApiKey(actorFor(ws.tenant, ws.member), { name: "kept", scope: "read", expiry: "30", expiresOn: "" });
  await owner().query("INSERT INTO tenant_notes (tenant_id, body) VALUES ($1, 'notes of ünïcode')", [ws.tenant.id]);
  await owner().query("INSERT INTO tenant_logos (tenant_id, content, mime, width, height) VALUES ($1, $2, 'image/png', 1, 1)", [
    ws.tenant.id,
    Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(292, 7)]),
  ]);
  for (let i = 0; i < 3; i++) await insertAuditRow(ws.tenant.id, ws.owner.id, i === 0 ? "member.invite" : "test.event");
  return ws;
}

describe("each admin page reads in one transaction of at most four statements (issue 10)", () => {
  it("the directory's one statement answers exactly what its two reads did, under every filter and page", async () => {
    const admin = await platformAdmin();
    const tag = unique();
    const a = await createTenantRow({ name: `Merged ${tag} A`, slug: `merged-a-${tag}` });
    const b = await createTenantRow({ name: `Merged ${tag} B`, slug: `merged-b-${tag}`, status: "blocked" });
    for (let i = 0; i < 3; i++) await createTenantRow({ name: `Merged ${tag} ${i}` });
    const member = await createUser({ email: uniqueEmail("merged") });
    await addMember(a.id, member.id, "owner");
    await addMember(b.id, member.id, "member");
    await insertAuditRow(b.id, null);
    await owner().query("UPDATE tenants SET plan_id = 'pro' WHERE id = $1", [a.id]);

    const cases: DirectoryFilters[] = [{}, { q: `merged ${tag}` }, { q: member.email }, { q: tag, status: "blocked" }, { q: tag, plan: "pro" }, { q: "nothing-matches-this" }];
    await withPlatformAdmin(cred(admin), async (tx) => {
      for (const filters of cases) {
        for (const size of [50, 2]) {
          const merged = await runRead(tx, directoryRead(filters, size));
          expect(merged, JSON.stringify({ filters, size })).toEqual(await oldDirectory(tx, filters, size));
        }
      }
      // Page after page with the cursor, both ways.
      let after: string | undefined;
      for (let guard = 0; guard < 5; guard++) {
        const filters = { q: `merged ${tag}`, after };
        const merged = await runRead(tx, directoryRead(filters, 2));
        expect(merged).toEqual(await oldDirectory(tx, filters, 2));
        for (const row of merged.rows) expect(row.createdAt).toBeInstanceOf(Date);
        if (!merged.next) break;
        after = merged.next;
      }
      expect(after).toBeDefined();
    });
    const { rows, plans, admin: who } = await listWorkspaces(cred(admin), { q: `merged-b-${tag}` });
    expect(who).toEqual({ id: admin.id, email: admin.email, name: admin.name });
    expect(rows).toMatchObject([{ id: b.id, status: "blocked", memberCount: 1 }]);
    expect(rows[0]!.lastActivityAt).toBeInstanceOf(Date);
    expect(plans.map((p) => p.id)).toEqual(expect.arrayContaining(["free", "pro"]));
  });

  it("the plans pages' one statement answers exactly what readPlans did, with the administrator", async () => {
    const admin = await platformAdmin();
    await withPlatformAdmin(cred(admin), async (tx) => {
      const old = await tx.query<PlanRow>(OLD_PLANS);
      expect(old.length).toBeGreaterThan(1);
      expect(await runRead(tx, plansRead)).toEqual(old);
      expect(await readPlans(tx)).toEqual(old);
    });
    const page = await plansPage(cred(admin));
    expect(page.admin).toEqual({ id: admin.id, email: admin.email, name: admin.name });
    expect(page.plans).toEqual(await withPlatformAdmin(cred(admin), (tx) => tx.query<PlanRow>(OLD_PLANS)));
    expect(await listPlans(cred(admin))).toEqual(page.plans);
  });

  it("the workspace page's one statement answers exactly what its twelve reads did", async () => {
    const admin = await platformAdmin();
    const ws = await busyWorkspace();
    const both = () =>
      withCrossView(cred(admin), ws.tenant.id, "overview", TEST_REQUEST, async (tx) => ({
        merged: await runRead(tx, workspaceOverviewRead(ws.tenant.id)),
        old: await oldOverview(tx, ws.tenant.id),
      }));
    const { merged, old } = await both();
    expect(merged).toEqual(old);
    expect(merged.tenant.createdAt).toBeInstanceOf(Date);
    expect(merged.tenant.blockedAt).toBeNull();
    expect(merged.tenant.deletedAt).toBeNull();
    expect(merged.members[0]!.joinedAt).toBeInstanceOf(Date);
    expect(merged.audit[0]!.createdAt).toBeInstanceOf(Date);
    expect(Object.fromEntries(merged.usage.map((u) => [u.key, u.value]))).toEqual({
      members: 4,
      pending_invitations: 1,
      api_keys: 1,
      audit_events: merged.audit.length,
      storage_bytes: 300 + Buffer.byteLength("notes of ünïcode"),
    });
    // A suspended workspace: its suspension's time, a Date as before.
    await setTenantStatus(ws.tenant.id, "blocked");
    const blocked = await both();
    expect(blocked.merged).toEqual(blocked.old);
    expect(blocked.merged.tenant).toMatchObject({ status: "blocked", blockedAt: expect.any(Date) });
    await setTenantStatus(ws.tenant.id, "active");

    // measureUsage, for a caller in a transaction of its own, is the same meters in one statement.
    const usage = await withCrossView(cred(admin), ws.tenant.id, "overview", TEST_REQUEST, (tx) => measureUsage(tx, ws.tenant.id));
    expect(usage.map((u) => u.key)).toEqual(USAGE_METERS.map((m) => m.key));

    // The page itself: the visit, the data, and the visit among the latest events.
    const page = await workspaceOverview(cred(admin), ws.tenant.id, TEST_REQUEST);
    expect(page.visit).toEqual({
      admin: { id: admin.id, email: admin.email, name: admin.name },
      tenant: { id: ws.tenant.id, name: ws.tenant.name, slug: ws.tenant.slug, status: "active" },
    });
    expect(page.audit[0]).toMatchObject({ actorEmail: admin.email, action: "platform.cross_view" });
    expect(page.audit[0]!.sentence).toBe("Platform admin Pat Platform viewed the workspace overview (members, usage and audit log) (read-only)");
  });

  it("the cross-view members and audit pages, sent with their entry, answer what they did in a transaction of their own", async () => {
    const admin = await platformAdmin();
    const ws = await busyWorkspace();
    for (const q of [{}, { q: "audrey" }, { sort: "name", dir: "desc" }, { ipage: "2" }]) {
      const query = memberListQuerySchema.parse(q);
      const now = await workspaceMembers(cred(admin), ws.tenant.id, query, TEST_REQUEST);
      const before = await withCrossView(cred(admin), ws.tenant.id, "members", TEST_REQUEST, (tx) => getMembersPage(tx, { tenantId: ws.tenant.id }, query));
      expect(now.page, JSON.stringify(q)).toEqual(before);
    }
    const filters = parseAuditFilters({ action: "member.invite" });
    if (!filters.ok) throw new Error(filters.error);
    for (const f of [EMPTY_FILTERS, filters.filters]) {
      const both = await withCrossView(cred(admin), ws.tenant.id, "audit", TEST_REQUEST, async (tx) => ({
        merged: await runRead(tx, auditPageRead(f)),
        old: await listAuditEvents(tx, { tenantId: ws.tenant.id }, f),
      }));
      expect(both.merged).toEqual(both.old);
    }
    const page = await workspaceAudit(cred(admin), ws.tenant.id, filters.filters, {}, TEST_REQUEST);
    expect(page.page.events.map((e) => e.action)).toEqual(["member.invite"]);
    const latest = await workspaceAudit(cred(admin), ws.tenant.id, EMPTY_FILTERS, {}, TEST_REQUEST);
    expect(latest.page.events[0]).toMatchObject({ action: "platform.cross_view", metadata: { area: "audit" } });
    expect(latest.visit.tenant.name).toBe(ws.tenant.name);
  });

  it("counts BEGIN, the entry, the page's statement and COMMIT — one transaction, one round trip — for each page", async () => {
    const admin = await platformAdmin();
    const ws = await busyWorkspace();
    const c = cred(admin);
    const search = parseAuditFilters({ q: "fixture" });
    if (!search.ok) throw new Error(search.error);
    const fixtureSearch = search.filters;
    // Each once first: the statements are prepared on a connection, and the pool has one open.
    const pages: Array<[string, () => Promise<unknown>]> = [
      ["/admin", () => listWorkspaces(c, {})],
      ["/admin?q&status&plan", () => listWorkspaces(c, { q: "acme", status: "active", plan: "pro" })],
      ["/admin/plans, /admin/workspaces/new", () => plansPage(c)],
      ["/admin/workspaces/[id]", () => workspaceOverview(c, ws.tenant.id, TEST_REQUEST)],
      ["/admin/workspaces/[id]/members", () => workspaceMembers(c, ws.tenant.id, memberListQuerySchema.parse({}), TEST_REQUEST)],
      ["/admin/workspaces/[id]/members?q", () => workspaceMembers(c, ws.tenant.id, memberListQuerySchema.parse({ q: "audrey", sort: "name" }), TEST_REQUEST)],
      ["/admin/workspaces/[id]/audit", () => workspaceAudit(c, ws.tenant.id, EMPTY_FILTERS, {}, TEST_REQUEST)],
      ["/admin/workspaces/[id]/audit?q", () => workspaceAudit(c, ws.tenant.id, fixtureSearch, {}, TEST_REQUEST)],
    ];
    for (const [, load] of pages) await load();
    for (const [page, load] of pages) {
      const counted = await countStatements(load);
      expect({ page, statements: counted.statements, transactions: counted.transactions, roundTrips: counted.roundTrips }, counted.sent.join("\n")).toEqual({
        page,
        statements: 4,
        transactions: 1,
        roundTrips: 1,
      });
    }
    // The counter counts the way these pages read before: two reads after the entry, each its own round trip.
    const before = await countStatements(() => withPlatformAdmin(c, async (tx) => [await tx.query(OLD_PLANS), await tx.query(OLD_PLANS)]));
    expect([before.statements, before.transactions, before.roundTrips]).toEqual([5, 1, 4]);

    // A search of the audit log asks for its rarest word in the page's own statement.
    const counted = await countStatements(() => workspaceAudit(c, ws.tenant.id, fixtureSearch, {}, TEST_REQUEST));
    expect(counted.result.page.events.map((e) => e.action)).toContain("test.event");
  });

  it("tells an administrator that a purged workspace no longer exists (its name, when), or that no workspace had an id — and anyone else only 'not found'", async () => {
    const admin = await platformAdmin();
    const ws = await createWorkspace();
    await deleteWorkspace(cred(admin), { tenantId: ws.tenant.id, confirmName: ws.tenant.name });
    expect(await purgeTenantNow(owner(), ws.tenant.id, { now: new Date(), afterDays: 0 })).toMatchObject({ purged: true });
    const { rows } = await owner().query<{ purged_at: Date }>("SELECT purged_at FROM tenant_tombstones WHERE id = $1", [ws.tenant.id]);
    const purgedAt = rows[0]!.purged_at;
    const gone = await workspaceOverview(cred(admin), ws.tenant.id, TEST_REQUEST).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(WorkspaceGoneError);
    expect(gone).toMatchObject({ code: "workspace_gone", adminEmail: admin.email, purged: { name: ws.tenant.name, purgedAt } });
    expect((gone as Error).message).toBe(
      `“${ws.tenant.name}” no longer exists: it was purged on ${purgedAt.toISOString().replace("T", " ").slice(0, 16)} UTC, with everything in it.`,
    );
    for (const read of [
      () => workspaceMembers(cred(admin), ws.tenant.id, memberListQuerySchema.parse({}), TEST_REQUEST),
      () => workspaceAudit(cred(admin), ws.tenant.id, EMPTY_FILTERS, {}, TEST_REQUEST),
    ]) {
      expect(await read().catch((e: unknown) => e)).toMatchObject({ code: "workspace_gone", purged: { name: ws.tenant.name } });
    }
    const never = await workspaceOverview(cred(admin), "00000000-0000-4000-8000-00000000abcd", TEST_REQUEST).catch((e: unknown) => e);
    expect(never).toMatchObject({ code: "workspace_gone", adminEmail: admin.email, purged: null, message: "No workspace has this id, and none that had it was purged: check the link." });
    // Nobody else learns that it existed.
    for (const credential of [null, cred(await createUser()), cred(ws.owner)]) {
      expect(await domainCode(workspaceOverview(credential, ws.tenant.id, TEST_REQUEST))).toBe("not_found");
    }
  });

  it("still answers not found to everyone else, reads nothing for them and writes no visit, and the connection serves the next request", async () => {
    const ws = await createWorkspace();
    const deactivated = await platformAdmin();
    await owner().query("UPDATE users SET active = false WHERE id = $1", [deactivated.id]);
    const tenantId = ws.tenant.id;
    for (const credential of [null, cred(await createUser()), cred(ws.owner), cred(deactivated)]) {
      expect(await domainCode(listWorkspaces(credential, {}))).toBe("not_found");
      expect(await domainCode(plansPage(credential))).toBe("not_found");
      expect(await domainCode(listPlans(credential))).toBe("not_found");
      expect(await domainCode(workspaceOverview(credential, tenantId, TEST_REQUEST))).toBe("not_found");
      expect(await domainCode(workspaceMembers(credential, tenantId, memberListQuerySchema.parse({}), TEST_REQUEST))).toBe("not_found");
      expect(await domainCode(workspaceAudit(credential, tenantId, EMPTY_FILTERS, {}, TEST_REQUEST))).toBe("not_found");
    }
    expect((await auditRows(tenantId)).map((r) => r.action)).not.toContain("platform.cross_view");
    // An administrator: an id that is not one is not found; one that no workspace has is told so (workspace_gone, below).
    const admin = await platformAdmin();
    expect(await domainCode(workspaceOverview(cred(admin), "not-a-uuid", TEST_REQUEST))).toBe("not_found");
    expect(await domainCode(workspaceMembers(cred(admin), "not-a-uuid", memberListQuerySchema.parse({}), TEST_REQUEST))).toBe("not_found");
    expect(await domainCode(workspaceAudit(cred(admin), "not-a-uuid", EMPTY_FILTERS, {}, TEST_REQUEST))).toBe("not_found");
    const none = "00000000-0000-4000-8000-000000000000";
    expect(await domainCode(workspaceOverview(cred(admin), none, TEST_REQUEST))).toBe("workspace_gone");
    expect(await domainCode(workspaceMembers(cred(admin), none, memberListQuerySchema.parse({}), TEST_REQUEST))).toBe("workspace_gone");
    expect(await domainCode(workspaceAudit(cred(admin), none, EMPTY_FILTERS, {}, TEST_REQUEST))).toBe("workspace_gone");
    // The refused round trips left their connections usable, prepared statements and all.
    for (let i = 0; i < 3; i++) {
      expect((await listWorkspaces(cred(admin), { q: ws.tenant.slug })).rows.map((r) => r.id)).toEqual([tenantId]);
      expect((await workspaceOverview(cred(admin), tenantId, TEST_REQUEST)).tenant.id).toBe(tenantId);
    }
  });
});
