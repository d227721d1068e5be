import "server-only";
import { sql, type Tx } from "@/lib/db";
import type { RequestInfo } from "@/lib/tenancy";
import type { AuditAction } from "@/lib/registry";

export { AUDIT_ACTIONS, type AuditAction } from "@/lib/registry";

export interface AuditEntry {
  tenantId: string;
  actor: { id: string; email: string };
  action: AuditAction;
  /** A target type a module registered (lib/registry: targetTypes). */
  target?: { type: string; id: string };
  metadata?: Record<string, unknown>;
  request?: RequestInfo;
}

/**
 * Appends one audit row inside the caller's transaction, so the change and
 * its record commit together or not at all. The actor's email is copied in:
 * the row stays readable after the user is gone. The RLS policy admits the
 * row only while the actor is a member of the tenant — record before a
 * removal of oneself, after one's own joining.
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  // No RETURNING, which would need the row to pass the SELECT policy too (a
  // plain member may append but not read).
  await tx.exec(sql`
    INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent)
    VALUES (${entry.tenantId}::uuid, ${entry.actor.id}::uuid, ${entry.actor.email}, ${entry.action}, ${entry.target?.type ?? null},
            ${entry.target?.id ?? null}, ${JSON.stringify(entry.metadata ?? {})}::jsonb, ${entry.request?.ip ?? null},
            ${entry.request?.userAgent?.slice(0, 512) ?? null})`);
}
