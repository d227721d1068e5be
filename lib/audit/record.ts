import "server-only";
import type { Prisma, Tx } from "@/lib/db";
import type { RequestInfo } from "@/lib/tenancy/resolve";

export const AUDIT_ACTIONS = [
  "tenant.create",
  "tenant.switch",
  "member.invite",
  "member.invite.revoke",
  "member.invite.resend",
  "member.invite.accept",
  "member.remove",
  "member.role.change",
  "member.leave",
  "audit.export",
  "audit.export.finish",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  tenantId: string;
  actor: { id: string; email: string };
  action: AuditAction;
  /** `audit_event`: another row of the audit log, by id (an export's end names its start). */
  target?: { type: "tenant" | "user" | "invitation" | "audit_log" | "audit_event"; id: string };
  metadata?: Prisma.InputJsonObject;
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
  // createMany issues no RETURNING, which would need the row to pass the
  // SELECT policy too (a plain member may append but not read).
  await tx.auditEvent.createMany({
    data: {
      tenantId: entry.tenantId,
      actorUserId: entry.actor.id,
      actorEmail: entry.actor.email,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      metadata: entry.metadata ?? {},
      ip: entry.request?.ip ?? null,
      userAgent: entry.request?.userAgent?.slice(0, 512) ?? null,
    },
  });
}
