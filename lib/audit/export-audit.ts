// What an export writes to the audit log and which slots it holds while it
// runs. Pure (no server-only imports): the export (export.ts) and its worker
// thread (export-worker.ts) both load it.
import type { ExportFormat } from "./export-format";

/** How a download ended: read to the end, cancelled by its reader, stopped taking data, or failed. */
export type ExportEndReason = "finished" | "cancelled" | "idle_timeout" | "error";

export interface ExportEnd {
  reason: ExportEndReason;
  /** Rows handed to the download (the response may still have been sending the last of them). */
  rows: number;
}

/** audit.export.finish's metadata; its target is the export's audit.export row. */
export function exportEndMetadata(format: ExportFormat, end: ExportEnd) {
  return { format, rows: end.rows, complete: end.reason === "finished", reason: end.reason };
}

/**
 * The name of one export slot's advisory lock, taken with
 * `pg_try_advisory_lock(hashtextextended(name, 0))` on the export's own
 * connection: a user's slots are `export:user:<user id>:<n>`, a workspace's
 * `export:workspace:<tenant id>:<n>`.
 */
export function exportSlotName(kind: "user" | "workspace", id: string, slot: number): string {
  return `export:${kind}:${id}:${slot}`;
}
