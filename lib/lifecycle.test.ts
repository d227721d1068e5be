// A workspace's life at the lib level, against the real database: delete
// into the trash with its family of rows, restore exactly that family, purge
// in resumable batches leaving a tombstone, and the status gate in front of
// every way in.
import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { inviteMember, listInvitationsForUser, onboardingRead } from "@/lib/invitations";
import { purgeWorkspace, workspacesDueForPurge } from "@/lib/jobs/purge";
import { deleteTenant, listTrash, PURGE_AFTER_DAYS, requestPurge, restoreTenant, trashRead } from "@/lib/lifecycle";
import { setTenantBlocked } from "@/lib/tenant-status";
import { resolveTenantContext, withTenant } from "@/lib/tenancy";
import { resolveWithUserData } from "@/lib/tenancy/resolve";
import {
  actorFor,
  addMember,
  asApp,
  auditRows,
  createTenantRow,
  createUser,
  createWorkspace,
  credentialOf,
  insertAuditRow,
  insertInvitation,
  owner,
  pgErrorCode,
  uniqueEmail,
  userActor,
} from "@/test/fixtures";

const DAY = 86_400_000;

async function tenantRow(id: string) {
  const { rows } = await owner().query("SELECT status, deleted_at, deletion_batch_id, purge_requested_at, purge_started_at FROM tenants WHERE id = $1", [id]);
  return rows[0] ?? null;
}

async function invitationStates(tenantId: string) {
  const { rows } = await owner().query<{ email: string; deleted: boolean; batch: string | null }>(
    "SELECT email, deleted_at IS NOT NULL AS deleted, deletion_batch_id AS batch FROM tenant_invitations WHERE tenant_id = $1 ORDER BY email",
    [tenantId],
  );
  return rows;
}

/** The error code of deleting the workspace's audit log as a purge names it (on the owner's connection; rolled back), or "ok". */
async function deleteLogAsPurge(tenantId: string): Promise<string> {
  const client = await owner().connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.purge_tenant', $1, true)", [tenantId]);
    return await pgErrorCode(client.query("DELETE FROM audit_log WHERE tenant_id = $1", [tenantId]));
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error instanceof DomainError ? error.code : `unexpected: ${String(error)}`;
  }
}

describe("deleting a workspace", () => {
  it("needs its name typed exactly, and changes nothing otherwise", async () => {
    const ws = await createWorkspace();
    expect(await code(deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: `${ws.tenant.name}x` }))).toBe("confirm_name");
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "active", deleted_at: null });
    expect(await auditRows(ws.tenant.id, "tenant.delete")).toHaveLength(0);
  });

  it("is for owners: an admin is refused by the lib and by the database", async () => {
    const ws = await createWorkspace();
    expect(await code(deleteTenant(actorFor(ws.tenant, ws.admin), { confirmName: ws.tenant.name }))).toBe("forbidden");
    const refused = await asApp({ tenantId: ws.tenant.id, user: ws.admin }, async (client) =>
      (await client.query("UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = gen_random_uuid()")).rowCount,
    );
    expect(refused).toBe(0);
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "active" });
  });

  it("marks the workspace and its live invitations with one batch, audits it, and ends every member's access", async () => {
    const ws = await createWorkspace();
    const live = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("live"), invitedBy: ws.owner.id });
    const { batchId } = await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ` ${ws.tenant.name} ` });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "deleted", deletion_batch_id: batchId });
    expect(await invitationStates(ws.tenant.id)).toEqual([expect.objectContaining({ deleted: true, batch: batchId })]);
    expect(live.id).toBeDefined();
    const [audit] = await auditRows(ws.tenant.id, "tenant.delete");
    expect(audit).toMatchObject({ actor_user_id: ws.owner.id, metadata: { batch_id: batchId, purge_after_days: PURGE_AFTER_DAYS } });
    for (const user of [ws.owner, ws.admin, ws.member]) {
      expect(await resolveTenantContext(credentialOf(user), ws.tenant.id)).toMatchObject({ kind: "no-tenant" });
      await expect(withTenant(actorFor(ws.tenant, user), async () => "entered")).rejects.toMatchObject({ code: "not_member" });
    }
  });
});

describe("the trash and restoring", () => {
  it("lists an owner's deleted workspaces with the days left, and nobody else's", async () => {
    const ws = await createWorkspace();
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    const { rows } = await owner().query<{ deleted_at: Date }>("SELECT deleted_at FROM tenants WHERE id = $1", [ws.tenant.id]);
    const tenDaysLater = new Date(rows[0]!.deleted_at.getTime() + 10 * DAY);
    const trash = await listTrash(userActor(ws.owner), tenDaysLater);
    expect(trash).toEqual([expect.objectContaining({ id: ws.tenant.id, daysLeft: PURGE_AFTER_DAYS - 10, beingPurged: false })]);
    expect(await listTrash(userActor(ws.admin))).toEqual([]);
  });

  it("is read with the trash page's entry (trashRead) as in a transaction of the user's own, whichever workspace the request entered", async () => {
    const [ada, grace] = [await createUser({ name: "Ada" }), await createUser({ name: "Grace" })];
    const [deleted, other] = [await createTenantRow({ name: "Deleted" }), await createTenantRow({ name: "Other" })];
    for (const tenant of [deleted, other]) {
      await addMember(tenant.id, ada.id, "owner");
      await addMember(tenant.id, grace.id, "owner");
    }
    await deleteTenant(actorFor(deleted, grace), { confirmName: "Deleted" });
    const request = { ip: null, userAgent: null };
    const page = async (user: typeof ada, cookie: string | null) => {
      const { resolution, data } = await resolveWithUserData(credentialOf(user), cookie, request, () => trashRead());
      return { kind: resolution.kind, trash: data };
    };
    // Grace deleted it: her trash names her. Ada's does not name Grace, though
    // in "Other", the workspace her request entered, Ada may read Grace's name:
    // the page lists the same in every workspace, and as outside all of them.
    expect(await listTrash(userActor(grace))).toEqual([expect.objectContaining({ id: deleted.id, deletedBy: "Grace" })]);
    const adas = await listTrash(userActor(ada));
    expect(adas).toEqual([expect.objectContaining({ id: deleted.id, deletedBy: null })]);
    expect(await page(ada, other.id)).toEqual({ kind: "tenant", trash: adas });
    expect(await page(grace, other.id)).toEqual({ kind: "tenant", trash: await listTrash(userActor(grace)) });
    await deleteTenant(actorFor(other, ada), { confirmName: "Other" });
    expect(await page(ada, null)).toMatchObject({ kind: "no-tenant", trash: [{ id: deleted.id, deletedBy: null }, { id: other.id, deletedBy: "Ada" }] });
  });

  it("names who deleted a workspace by their email when they have no display name, as the audit log does", async () => {
    const nameless = await createUser();
    const tenant = await createTenantRow({ name: "Nameless" });
    await addMember(tenant.id, nameless.id, "owner");
    await deleteTenant(actorFor(tenant, nameless), { confirmName: "Nameless" });
    expect(await listTrash(userActor(nameless))).toEqual([expect.objectContaining({ id: tenant.id, deletedBy: nameless.email })]);
  });

  it("is offered on onboarding (onboardingRead, with the entry): the ids of the workspaces the user can still restore, beside their invitations", async () => {
    const ws = await createWorkspace();
    const [kept, purged] = [await createTenantRow({ name: "Kept" }), await createTenantRow({ name: "Purged" })];
    for (const tenant of [kept, purged]) await addMember(tenant.id, ws.owner.id, "owner");
    const request = { ip: null, userAgent: null };
    const onboarding = async (user: typeof ws.owner) => (await resolveWithUserData(credentialOf(user), null, request, () => onboardingRead())).data;
    expect(await onboarding(ws.owner)).toEqual({ invitations: [], restorable: [] });
    await deleteTenant(actorFor(kept, ws.owner), { confirmName: "Kept" });
    await deleteTenant(actorFor(purged, ws.owner), { confirmName: "Purged" });
    await requestPurge(userActor(ws.owner), { tenantId: purged.id, confirmName: "Purged" });
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    // Soonest purge first, as the trash lists them; not the one being purged, which cannot be restored.
    expect(await onboarding(ws.owner)).toEqual({ invitations: [], restorable: [kept.id, ws.tenant.id] });
    // Its other members have nothing in their trash.
    expect(await onboarding(ws.member)).toEqual({ invitations: [], restorable: [] });
    const other = await createWorkspace();
    const older = await insertInvitation({ tenantId: other.tenant.id, email: ws.owner.email });
    const invited = await insertInvitation({ tenantId: (await createWorkspace()).tenant.id, email: ws.owner.email });
    const read = await onboarding(ws.owner);
    expect(read).toMatchObject({ restorable: [kept.id, ws.tenant.id] });
    expect(read!.invitations.map((i) => i.id)).toEqual([invited.id, older.id]);
    expect(read!.invitations).toEqual(await listInvitationsForUser(userActor(ws.owner)));
  });

  it("restores exactly the batch its deletion marked: not what was deleted before it", async () => {
    const ws = await createWorkspace();
    const keep = uniqueEmail("with-the-workspace");
    const gone = uniqueEmail("deleted-before");
    await insertInvitation({ tenantId: ws.tenant.id, email: keep, invitedBy: ws.owner.id });
    const earlier = await insertInvitation({ tenantId: ws.tenant.id, email: gone, invitedBy: ws.owner.id });
    // Deleted on its own, earlier, with a batch of its own.
    await owner().query("UPDATE tenant_invitations SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [earlier.id]);
    const before = await invitationStates(ws.tenant.id);

    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    expect((await invitationStates(ws.tenant.id)).every((i) => i.deleted)).toBe(true);
    await restoreTenant(userActor(ws.owner), ws.tenant.id);

    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "active", deleted_at: null, deletion_batch_id: null });
    expect(await invitationStates(ws.tenant.id)).toEqual(before);
    expect(await auditRows(ws.tenant.id, "tenant.restore")).toHaveLength(1);
    expect(await resolveTenantContext(credentialOf(ws.member), ws.tenant.id)).toMatchObject({ kind: "tenant", tenantId: ws.tenant.id });
  });

  it("is for the workspace's owners: an admin cannot even enter it in the trash", async () => {
    const ws = await createWorkspace();
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    expect(await code(restoreTenant(userActor(ws.admin), ws.tenant.id))).toBe("not_member");
    expect(await code(restoreTenant(userActor(ws.owner), (await createTenantRow({ status: "deleted" })).id))).toBe("not_member");
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "deleted" });
  });
});

describe("purging", () => {
  it("is due after the retention period, or at once when an owner asks (then it cannot be restored)", async () => {
    const [early, asked] = await Promise.all([createWorkspace(), createWorkspace()]);
    await deleteTenant(actorFor(early.tenant, early.owner), { confirmName: early.tenant.name });
    await deleteTenant(actorFor(asked.tenant, asked.owner), { confirmName: asked.tenant.name });
    const now = new Date();
    expect(await workspacesDueForPurge(owner(), now)).not.toContain(early.tenant.id);
    expect(await workspacesDueForPurge(owner(), new Date(now.getTime() + (PURGE_AFTER_DAYS + 1) * DAY))).toContain(early.tenant.id);

    expect(await code(requestPurge(userActor(asked.owner), { tenantId: asked.tenant.id, confirmName: "wrong" }))).toBe("confirm_name");
    expect(await workspacesDueForPurge(owner(), now)).not.toContain(asked.tenant.id);
    await requestPurge(userActor(asked.owner), { tenantId: asked.tenant.id, confirmName: asked.tenant.name });
    expect(await workspacesDueForPurge(owner(), now)).toContain(asked.tenant.id);
    expect(await code(restoreTenant(userActor(asked.owner), asked.tenant.id))).toBe("purging");
  });

  it("removes the workspace and every row of it in batches, resumes after a crash, and leaves a tombstone", async () => {
    const ws = await createWorkspace();
    const bystander = await createWorkspace();
    for (let i = 0; i < 5; i++) await insertAuditRow(ws.tenant.id, ws.owner.id, `purge.probe.${i}`);
    await inviteMember(actorFor(ws.tenant, ws.owner), { email: uniqueEmail("never-joins"), role: "member" });
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    await requestPurge(userActor(ws.owner), { tenantId: ws.tenant.id, confirmName: ws.tenant.name });
    const bystanderAudit = (await auditRows(bystander.tenant.id)).length;

    // A crash after the first committed batch…
    let batches = 0;
    const crash = purgeWorkspace(owner(), ws.tenant.id, {
      now: new Date(),
      batchRows: 2,
      onBatch: () => {
        if (++batches === 1) throw new Error("killed");
      },
    });
    await expect(crash).rejects.toThrow("killed");
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "deleted" });

    // …and the next run finishes the job.
    const done = await purgeWorkspace(owner(), ws.tenant.id, { now: new Date(), batchRows: 2 });
    expect(done).toMatchObject({ purged: true });
    expect(await tenantRow(ws.tenant.id)).toBeNull();
    for (const table of ["audit_log", "audit_log_terms", "tenant_members", "tenant_invitations"]) {
      const { rows } = await owner().query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [ws.tenant.id]);
      expect(rows[0].n, table).toBe(0);
    }
    const { rows: tombstones } = await owner().query("SELECT name, slug, reason, purged_by FROM tenant_tombstones WHERE id = $1", [ws.tenant.id]);
    expect(tombstones).toEqual([{ name: ws.tenant.name, slug: ws.tenant.slug, reason: "owner", purged_by: ws.owner.id }]);
    expect((await auditRows(bystander.tenant.id)).length).toBe(bystanderAudit);
    // Run again: nothing left to do.
    expect(await purgeWorkspace(owner(), ws.tenant.id, { now: new Date() })).toEqual({ purged: false, reason: "gone" });
  });

  it("claims the workspace before its first delete: a restore during a purge its time started is refused, and the purge finishes", async () => {
    const ws = await createWorkspace();
    for (let i = 0; i < 3; i++) await insertAuditRow(ws.tenant.id, ws.owner.id, `claim.probe.${i}`);
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    // Its 30 days are up by the worker's clock; the owner has not asked for the purge.
    const later = new Date(Date.now() + (PURGE_AFTER_DAYS + 1) * DAY);
    const restores: string[] = [];
    const done = await purgeWorkspace(owner(), ws.tenant.id, {
      now: later,
      batchRows: 1,
      onBatch: async () => {
        if (restores.length === 0) restores.push(await code(restoreTenant(userActor(ws.owner), ws.tenant.id)));
      },
    });
    expect(restores).toEqual(["purging"]);
    expect(done).toMatchObject({ purged: true });
    expect(await tenantRow(ws.tenant.id)).toBeNull();
    const { rows } = await owner().query("SELECT reason FROM tenant_tombstones WHERE id = $1", [ws.tenant.id]);
    expect(rows).toEqual([{ reason: "retention" }]);
  });

  it("a restore that comes first leaves the purge nothing to claim", async () => {
    const ws = await createWorkspace();
    await insertAuditRow(ws.tenant.id, ws.owner.id, "kept.after.restore");
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    expect(await code(restoreTenant(userActor(ws.owner), ws.tenant.id))).toBe("ok");
    const later = new Date(Date.now() + (PURGE_AFTER_DAYS + 1) * DAY);
    expect(await purgeWorkspace(owner(), ws.tenant.id, { now: later })).toEqual({ purged: false, reason: "not_due" });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "active", purge_started_at: null });
    expect((await auditRows(ws.tenant.id, "kept.after.restore")).length).toBe(1);
  });

  it("a workspace whose 30 days are up is shown as being purged and cannot be restored, even before the purge reaches it", async () => {
    const ws = await createWorkspace();
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    await owner().query("UPDATE tenants SET deleted_at = now() - make_interval(days => $2) WHERE id = $1", [ws.tenant.id, PURGE_AFTER_DAYS + 1]);
    expect(await listTrash(userActor(ws.owner))).toEqual([expect.objectContaining({ id: ws.tenant.id, daysLeft: 0, beingPurged: true })]);
    expect(await code(restoreTenant(userActor(ws.owner), ws.tenant.id))).toBe("purging");
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "deleted" });
  });

  it("the database never brings back a workspace whose purge has started, and opens its log only to a purge that has", async () => {
    const ws = await createWorkspace();
    await insertAuditRow(ws.tenant.id, ws.owner.id, "unclaimed");
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    // Deleted but not claimed: naming it as the workspace being purged does not open its log.
    expect(await deleteLogAsPurge(ws.tenant.id)).toBe("42501");
    // Claimed: even the owner's connection cannot restore it.
    await owner().query("UPDATE tenants SET purge_started_at = now() WHERE id = $1", [ws.tenant.id]);
    expect(
      await pgErrorCode(owner().query("UPDATE tenants SET status = 'active', deleted_at = NULL, deletion_batch_id = NULL, deleted_by = NULL, purge_started_at = NULL WHERE id = $1", [ws.tenant.id])),
    ).toBe("55000");
  });

  it("refuses a workspace that is not due, and never touches an active one's audit log", async () => {
    const ws = await createWorkspace();
    await insertAuditRow(ws.tenant.id, ws.owner.id, "kept");
    expect(await purgeWorkspace(owner(), ws.tenant.id, { now: new Date() })).toEqual({ purged: false, reason: "not_due" });
    // Even naming it as the workspace being purged does not open an active workspace's log.
    expect(await deleteLogAsPurge(ws.tenant.id)).toBe("42501");
    expect((await auditRows(ws.tenant.id)).length).toBeGreaterThan(0);
  });
});

describe("suspension (the platform's block)", () => {
  it("keeps every member out at their next request, audited, until it is lifted", async () => {
    const ws = await createWorkspace();
    const admin = owner();
    const client = await admin.connect();
    try {
      await setTenantBlocked(client, ws.tenant.slug, true, "unpaid invoice");
      expect(await resolveTenantContext(credentialOf(ws.member), ws.tenant.id)).toMatchObject({ kind: "suspended", tenant: { id: ws.tenant.id } });
      await expect(withTenant(actorFor(ws.tenant, ws.owner), async () => "entered")).rejects.toMatchObject({ code: "tenant_suspended" });
      expect(await code(deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name }))).toBe("tenant_suspended");
      await setTenantBlocked(client, ws.tenant.slug, false);
    } finally {
      client.release();
    }
    expect(await resolveTenantContext(credentialOf(ws.member), ws.tenant.id)).toMatchObject({ kind: "tenant", tenantId: ws.tenant.id });
    expect((await auditRows(ws.tenant.id)).map((r) => r.action)).toEqual(expect.arrayContaining(["tenant.block", "tenant.unblock"]));
  });

  it("cannot be lifted, or escaped, by the workspace's own owners: the database refuses", async () => {
    const ws = await createWorkspace();
    await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      await client.query("SAVEPOINT probe");
      expect(await pgErrorCode(client.query("UPDATE tenants SET status = 'blocked'"))).toBe("42501");
      await client.query("ROLLBACK TO SAVEPOINT probe");
    });
    const client = await owner().connect();
    try {
      await setTenantBlocked(client, ws.tenant.slug, true);
    } finally {
      client.release();
    }
    // Blocked, it cannot be entered at all — so not un-blocked or deleted from inside either.
    expect(await pgErrorCode(asApp({ tenantId: ws.tenant.id, user: ws.owner }, async () => "entered"))).toBe("42501");
  });
});

describe("the purge, run by the queue (graphile-worker)", () => {
  it("sweeps for what is due, queues a purge per workspace and runs it; queued jobs wait for a worker", async () => {
    const { quickAddJob, runMigrations, runOnce } = await import("graphile-worker");
    const { taskList } = await import("@/lib/jobs/worker");
    const pgPool = owner();
    await runMigrations({ pgPool });
    const ws = await createWorkspace();
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    // The worker's clock, a day past the retention period.
    const later = () => new Date(Date.now() + (PURGE_AFTER_DAYS + 1) * DAY);

    // A job queued while no worker runs stays queued (a restart loses nothing)…
    await quickAddJob({ pgPool }, "purge_sweep", {}, { jobKey: "purge_sweep" });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ status: "deleted" });
    // …and the next worker runs it, then the purge it queued.
    await runOnce({ pgPool, taskList: taskList(pgPool, later), noHandleSignals: true });
    await runOnce({ pgPool, taskList: taskList(pgPool, later), noHandleSignals: true });
    expect(await tenantRow(ws.tenant.id)).toBeNull();
    const { rows } = await owner().query("SELECT reason, purged_by FROM tenant_tombstones WHERE id = $1", [ws.tenant.id]);
    expect(rows).toEqual([{ reason: "retention", purged_by: null }]);
  });
});
