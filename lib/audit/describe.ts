// One readable sentence per audit event, for the audit page and exports.
// Pure: the same text on the server, in the browser and in a CSV. Each
// module registers its events' sentences (lib/registry).
import { AUDIT_EVENTS, isAuditAction } from "@/lib/registry";
import type { AuditLogWords } from "@/lib/registry/define";
import type { AuditEventRow } from "./query";

export function describeAuditEvent(action: string, metadata: unknown): string {
  const m = metadata && typeof metadata === "object" && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  if (isAuditAction(action)) return AUDIT_EVENTS[action].describe(m, LOG_WORDS) + delegatedSuffix(m);
  // An action no module registers any more: its metadata, as it was stored.
  return Object.entries(m)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

/** hierarchy: an event written by a delegate names the ancestor they acted from (the database adds delegated_from). */
function delegatedSuffix(m: Record<string, unknown>): string {
  const from = m.delegated_from && typeof m.delegated_from === "object" ? (m.delegated_from as Record<string, unknown>) : null;
  if (!from || typeof from.tenant_name !== "string") return "";
  return ` — as a delegate of “${from.tenant_name}”${typeof m.delegated_role === "string" ? ` (${m.delegated_role})` : ""}`;
}

/** The action's short name for filters ("Member removed"), or the action itself. */
export function auditActionLabel(action: string): string {
  return isAuditAction(action) ? AUDIT_EVENTS[action].label : action;
}

const LOG_WORDS: AuditLogWords = { describe: describeAuditEvent, label: auditActionLabel };

/** An event as the audit table shows it (components/audit/audit-table.tsx): the data only, its sentence written. */
export interface AuditEventView {
  id: string;
  createdAt: Date;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetEmail: string | null;
  details: string;
  ip: string | null;
}

export function auditEventView(e: AuditEventRow): AuditEventView {
  return {
    id: e.id,
    createdAt: e.createdAt,
    actorName: e.actorName,
    actorEmail: e.actorEmail,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    targetEmail: e.targetEmail,
    details: describeAuditEvent(e.action, e.metadata),
    ip: e.ip,
  };
}
