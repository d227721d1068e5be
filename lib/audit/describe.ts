// One readable sentence per audit event, for the audit page and exports.
// Pure: the same text on the server, in the browser and in a CSV. Each
// module registers its events' sentences (lib/registry).
import { AUDIT_EVENTS, isAuditAction } from "@/lib/registry";

export function describeAuditEvent(action: string, metadata: unknown): string {
  const m = metadata && typeof metadata === "object" && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  if (isAuditAction(action)) return AUDIT_EVENTS[action].describe(m) + delegatedSuffix(m);
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
