import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { runRead, sql, type Read, type Sql, type Tx } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { PURGE_AFTER_DAYS } from "@/lib/retention";
import { lockTenant, withDeletedTenant, withTenant, withUser, type Actor, type TenantActor } from "@/lib/tenancy";
import { endTransferWithWorkspace } from "@/lib/transfer";
import { uuidSchema } from "@/lib/validation";

// A workspace's life after it is deleted (seed 002): in the trash for
// PURGE_AFTER_DAYS, restorable by its owners, then purged by a job
// (lib/jobs/purge.ts).
export { PURGE_AFTER_DAYS };

export const deleteTenantSchema = z.object({ confirmName: z.string().max(200) });
export const trashedTenantSchema = z.object({ tenantId: uuidSchema("That workspace is not in your trash.") });
export const purgeTenantSchema = trashedTenantSchema.extend({ confirmName: z.string().max(200) });

/**
 * The tables whose rows have a life of their own in a workspace — a
 * tenant_id, a deleted_at and a deletion_batch_id — discovered, so that a
 * resource added later joins its workspace's deletion and restore without a
 * change here.
 */
async function lifecycleTables(tx: Tx): Promise<string[]> {
  const rows = await tx.query<{ table_name: string }>(sql`
    SELECT c.table_name FROM information_schema.columns c
     WHERE c.table_schema = 'public' AND c.table_name <> 'tenants' AND c.column_name = 'deletion_batch_id'
       AND EXISTS (SELECT 1 FROM information_schema.columns t
                    WHERE t.table_schema = 'public' AND t.table_name = c.table_name AND t.column_name = 'tenant_id')
     ORDER BY 1`);
  return rows.map((r) => r.table_name);
}

const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function tenantName(tx: Tx, tenantId: string): Promise<string> {
  const row = await tx.one<{ name: string }>(sql`SELECT name FROM tenants WHERE id = ${tenantId}::uuid`);
  if (!row) throw new DomainError("not_member", "That workspace does not exist any more.");
  return row.name;
}

function confirmNameMatches(typed: string, name: string): void {
  if (typed.trim() !== name) {
    throw new DomainError("confirm_name", `Type the workspace's name, “${name}”, exactly to confirm.`, "confirmName");
  }
}

/**
 * Deletes the workspace into the trash, after its name was typed: the
 * workspace and every row of a resource with a life of its own (live ones
 * only: what was deleted before keeps its own batch) get one batch id. Its
 * members lose access at their next request. Owners only (the policies
 * agree), audited in the same transaction.
 */
export async function deleteTenant(actor: TenantActor, input: z.output<typeof deleteTenantSchema>): Promise<{ batchId: string }> {
  return withTenant(actor, async (tx, role) => {
    if (role !== "owner") throw new DomainError("forbidden", "Only an owner can delete the workspace.");
    confirmNameMatches(input.confirmName, await tenantName(tx, actor.tenantId));
    // Serialised with every membership change (invitations accepted, members added), which takes the same lock.
    await lockTenant(tx, actor.tenantId);
    await endTransferWithWorkspace(tx, actor);
    const batchId = randomUUID();
    const family: Record<string, number> = {};
    for (const table of await lifecycleTables(tx)) {
      family[table] = await tx.exec(
        sql([`UPDATE ${identifier(table)} SET deleted_at = now(), deletion_batch_id = `, `::uuid WHERE tenant_id = `, `::uuid AND deleted_at IS NULL`], batchId, actor.tenantId),
      );
    }
    // Audited while the workspace is still active (and the log still writable by its members).
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "tenant.delete",
      target: { type: "tenant", id: actor.tenantId },
      metadata: { name: actor.tenant.name, batch_id: batchId, purge_after_days: PURGE_AFTER_DAYS, rows: family },
      request: actor.request,
    });
    const updated = await tx.exec(sql`
      UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = ${batchId}::uuid, deleted_by = ${actor.userId}::uuid
       WHERE id = ${actor.tenantId}::uuid AND status = 'active'`);
    if (updated !== 1) throw new DomainError("forbidden", "Only an owner can delete the workspace.");
    return { batchId };
  });
}

export interface TrashedTenant {
  id: string;
  name: string;
  slug: string;
  deletedAt: Date;
  deletedBy: string | null;
  purgeAt: Date;
  daysLeft: number;
  beingPurged: boolean;
}

interface TrashRow {
  id: string;
  name: string;
  slug: string;
  deleted_at: Date;
  deleted_by: string | null;
  purge_requested_at: Date | null;
  purge_started_at: Date | null;
}

/**
 * The deleted workspaces the user owns, soonest purge first: the user the
 * transaction's entry signed in (`app_current_user_id()`), so that the trash
 * page sends it with its entry (requireUserWith). Who deleted one is named
 * when it was the user: the only user row a context outside a workspace
 * reads, and the same whichever workspace the request has entered; by their
 * email when they have no display name (as the audit log names them).
 */
export function trashRead(now = new Date()): Read<TrashedTenant[], TrashRow> {
  const statement = sql`
    SELECT t.id, t.name, t.slug, t.deleted_at, coalesce(u.name, u.email) AS deleted_by, t.purge_requested_at, t.purge_started_at
      FROM tenants t
      JOIN tenant_members m ON m.tenant_id = t.id AND m.user_id = (SELECT app_current_user_id()) AND m.role = 'owner'
      LEFT JOIN users u ON u.id = t.deleted_by AND u.id = m.user_id
     WHERE t.status = 'deleted'
     ORDER BY t.deleted_at, t.id`;
  return {
    statement,
    result: (rows) =>
      rows.map((r) => {
        const purgeAt = new Date(r.deleted_at.getTime() + PURGE_AFTER_DAYS * 86_400_000);
        return {
          id: r.id,
          name: r.name,
          slug: r.slug,
          deletedAt: r.deleted_at,
          deletedBy: r.deleted_by,
          purgeAt,
          daysLeft: Math.max(0, Math.ceil((purgeAt.getTime() - now.getTime()) / 86_400_000)),
          // Asked for, started, or due: no longer restorable (restoreTenant agrees).
          beingPurged: r.purge_requested_at !== null || r.purge_started_at !== null || purgeAt.getTime() <= now.getTime(),
        };
      }),
  };
}

/**
 * The ids of the workspaces in the user's trash that they can still restore
 * (trashRead's rows less those being purged, as restoreTenant judges them),
 * as one text[] value: a page about the user selects it beside its own rows
 * in the same statement (onboarding: lib/invitations.ts, onboardingRead).
 */
export const restorableTrashIds: Sql = sql`ARRAY(
    SELECT t.id::text
      FROM tenants t
      JOIN tenant_members m ON m.tenant_id = t.id AND m.user_id = (SELECT app_current_user_id()) AND m.role = 'owner'
     WHERE t.status = 'deleted' AND t.purge_requested_at IS NULL AND t.purge_started_at IS NULL
       AND t.deleted_at > now() - make_interval(days => ${PURGE_AFTER_DAYS}::int)
     ORDER BY t.deleted_at, t.id)`;

/** The deleted workspaces the user owns, soonest purge first. */
export async function listTrash(actor: Pick<Actor, "credential">, now = new Date()): Promise<TrashedTenant[]> {
  return withUser(actor.credential, (tx) => runRead(tx, trashRead(now)));
}

/**
 * Restores a workspace from the trash with exactly the rows its deletion
 * marked (its batch), nothing deleted before it. Owners only; audited.
 */
export async function restoreTenant(actor: Actor, tenantId: string): Promise<{ name: string }> {
  return withDeletedTenant(actor.credential, tenantId, async (tx) => {
    // The row lock orders this restore with the purge's claim (lib/jobs/purge.ts): whichever comes second finds the other's work.
    const tenant = await tx.one<{ name: string; deletion_batch_id: string; being_purged: boolean }>(sql`
      SELECT name, deletion_batch_id,
             (purge_requested_at IS NOT NULL OR purge_started_at IS NOT NULL
              OR deleted_at <= now() - make_interval(days => ${PURGE_AFTER_DAYS}::int)) AS being_purged
        FROM tenants WHERE id = ${tenantId}::uuid AND status = 'deleted' FOR UPDATE`);
    if (!tenant) throw new DomainError("not_found", "That workspace is not in your trash any more.");
    if (tenant.being_purged) throw new DomainError("purging", `“${tenant.name}” is being purged and cannot be restored.`);
    const family: Record<string, number> = {};
    for (const table of await lifecycleTables(tx)) {
      family[table] = await tx.exec(
        sql([`UPDATE ${identifier(table)} SET deleted_at = NULL, deletion_batch_id = NULL WHERE tenant_id = `, `::uuid AND deletion_batch_id = `, `::uuid`], tenantId, tenant.deletion_batch_id),
      );
    }
    await tx.exec(sql`
      UPDATE tenants SET status = 'active', deleted_at = NULL, deletion_batch_id = NULL, deleted_by = NULL WHERE id = ${tenantId}::uuid`);
    await recordAudit(tx, {
      tenantId,
      actor: actor.user,
      action: "tenant.restore",
      target: { type: "tenant", id: tenantId },
      metadata: { name: tenant.name, batch_id: tenant.deletion_batch_id, rows: family },
      request: actor.request,
    });
    return { name: tenant.name };
  });
}

/**
 * Asks for a workspace in the trash to be purged now rather than when its
 * time is up (after the owner typed its name again). The purge job picks it
 * up at once (a notification wakes the worker) or at its next sweep; from
 * here on it cannot be restored.
 */
export async function requestPurge(actor: Actor, input: z.output<typeof purgeTenantSchema>): Promise<{ name: string }> {
  return withDeletedTenant(actor.credential, input.tenantId, async (tx) => {
    const name = await tenantName(tx, input.tenantId);
    confirmNameMatches(input.confirmName, name);
    await tx.exec(sql`
      UPDATE tenants SET purge_requested_at = now(), purge_requested_by = ${actor.user.id}::uuid
       WHERE id = ${input.tenantId}::uuid AND purge_requested_at IS NULL`);
    await recordAudit(tx, {
      tenantId: input.tenantId,
      actor: actor.user,
      action: "tenant.purge.request",
      target: { type: "tenant", id: input.tenantId },
      metadata: { name },
      request: actor.request,
    });
    await tx.exec(sql`SELECT pg_notify('tenantry_jobs', 'purge')`);
    return { name };
  });
}
