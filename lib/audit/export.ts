import "server-only";
import { stringify } from "csv-stringify/sync";
import { Prisma } from "@/lib/db";
import type { RequestInfo, SignedInUser } from "@/lib/tenancy/resolve";
import { streamWithTenant, withTenant } from "@/lib/tenancy/with-tenant";
import { describeAuditEvent } from "./describe";
import { describeFilters, type AuditFilters } from "./filters";
import { auditConditions } from "./query";
import { recordAudit } from "./record";

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_COLUMNS = [
  "id",
  "time",
  "actor_user_id",
  "actor_email",
  "actor_name",
  "action",
  "target_type",
  "target_id",
  "details",
  "metadata",
  "ip",
  "user_agent",
] as const;

export interface ExportActor {
  tenantId: string;
  userId: string;
  user: SignedInUser;
  tenant: { slug: string };
  request?: RequestInfo;
}

/** Every event under the filters, newest first — no page limit. Timestamps leave the database as ISO text. */
export function auditExportQuery(tenantId: string, filters: AuditFilters): Prisma.Sql {
  return Prisma.sql`
    SELECT l.id::text, to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           l.actor_user_id::text, l.actor_email, u.name, l.action, l.target_type, l.target_id,
           l.metadata::text, l.ip, l.user_agent
      FROM audit_log l LEFT JOIN users u ON u.id = l.actor_user_id
     WHERE ${Prisma.join(auditConditions(tenantId, filters, { actions: true }), " AND ")}
     ORDER BY l.created_at DESC, l.id DESC`;
}

export function exportFileName(slug: string, filters: AuditFilters, format: ExportFormat, today = new Date()): string {
  const range =
    filters.from && filters.to
      ? `${filters.from}_to_${filters.to}`
      : filters.from
        ? `from-${filters.from}`
        : filters.to
          ? `to-${filters.to}`
          : `all-to-${today.toISOString().slice(0, 10)}`;
  return `audit-${slug}-${range}.${format}`;
}

type DbRow = [string, string, string | null, string | null, string | null, string, string | null, string | null, string, string | null, string | null];

function toCsv(rows: DbRow[], withHeader: boolean): string {
  const records = rows.map(([id, time, actorId, actorEmail, actorName, action, targetType, targetId, metadata, ip, ua]) => [
    id, time, actorId, actorEmail, actorName, action, targetType, targetId,
    describeAuditEvent(action, JSON.parse(metadata)), metadata, ip, ua,
  ]);
  return stringify(withHeader ? [EXPORT_COLUMNS as readonly string[], ...records] : records);
}

function toJsonl(rows: DbRow[]): string {
  let out = "";
  for (const [id, time, actorId, actorEmail, actorName, action, targetType, targetId, metadata, ip, ua] of rows) {
    const details = describeAuditEvent(action, JSON.parse(metadata));
    // metadata is already JSON text from Postgres: embedded as is, not re-encoded.
    out += `{"id":${JSON.stringify(id)},"time":${JSON.stringify(time)},"actor_user_id":${JSON.stringify(actorId)},"actor_email":${JSON.stringify(actorEmail)},"actor_name":${JSON.stringify(actorName)},"action":${JSON.stringify(action)},"target_type":${JSON.stringify(targetType)},"target_id":${JSON.stringify(targetId)},"details":${JSON.stringify(details)},"metadata":${metadata},"ip":${JSON.stringify(ip)},"user_agent":${JSON.stringify(ua)}}\n`;
  }
  return out;
}

/**
 * Streams exactly the filtered events as CSV (RFC 4180 quoting by
 * csv-stringify) or JSON Lines, batch by batch from a database cursor: memory
 * stays flat however many rows there are, and a slow reader slows the query
 * rather than filling memory. When the stream ends — completed or cancelled —
 * the export is audited as `audit.export` with its filters and row count.
 */
export function exportAuditEvents(actor: ExportActor, filters: AuditFilters, format: ExportFormat): ReadableStream<Uint8Array> {
  const query = auditExportQuery(actor.tenantId, filters);
  const batches = streamWithTenant(actor, { text: query.text, values: query.values });
  const encoder = new TextEncoder();
  let rows = 0;
  let audited = false;
  const audit = async (complete: boolean) => {
    if (audited) return;
    audited = true;
    await withTenant(actor, (tx) =>
      recordAudit(tx, {
        tenantId: actor.tenantId,
        actor: actor.user,
        action: "audit.export",
        target: { type: "audit_log", id: actor.tenantId },
        metadata: { format, filters: describeFilters(filters) as Prisma.InputJsonObject, rows, complete },
        request: actor.request,
      }),
    );
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await batches.next();
        if (next.done) {
          if (format === "csv" && rows === 0) controller.enqueue(encoder.encode(stringify([EXPORT_COLUMNS as readonly string[]])));
          await audit(true);
          controller.close();
          return;
        }
        const batch = next.value as DbRow[];
        const text = format === "csv" ? toCsv(batch, rows === 0) : toJsonl(batch);
        rows += batch.length;
        controller.enqueue(encoder.encode(text));
      } catch (error) {
        console.error("[audit export] failed", error);
        await batches.return(undefined).catch(() => {});
        await audit(false).catch(() => {});
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined).catch(() => {});
      await audit(false).catch((error) => console.error("[audit export] not audited", error));
    },
  }, { highWaterMark: 1 });
}
