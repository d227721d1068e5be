// How exported rows are written. Pure (no server-only imports): the export
// worker thread loads it on its own.
import Papa from "papaparse";

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns of both formats, in the order auditExportQuery selects them. */
export const EXPORT_COLUMNS = [
  "id",
  "time",
  "actor_user_id",
  "actor_email",
  "actor_name",
  "action",
  "target_type",
  "target_id",
  "metadata",
  "ip",
  "user_agent",
] as const;

export type ExportRow = [
  id: string,
  time: string,
  actorUserId: string | null,
  actorEmail: string | null,
  actorName: string | null,
  action: string,
  targetType: string | null,
  targetId: string | null,
  metadata: string,
  ip: string | null,
  userAgent: string | null,
];

/** CSV text with RFC 4180 quoting, written by papaparse; every record ends with a newline. */
export function toCsv(records: ReadonlyArray<ReadonlyArray<string | null>>): string {
  return `${Papa.unparse(records as unknown[][], { newline: "\n" })}\n`;
}

export const CSV_HEADER = toCsv([EXPORT_COLUMNS]);

// The text JSON.stringify gives, without calling it for the common string
// that needs no escaping (no quote, backslash, control character or surrogate).
const JSON_SPECIAL = /["\\\u0000-\u001f\ud800-\udfff]/;
const jsonString = (value: string | null): string =>
  value === null ? "null" : JSON_SPECIAL.test(value) ? JSON.stringify(value) : `"${value}"`;

/** One JSON object per line; metadata is already JSON text from Postgres and is embedded as is. */
export function toJsonLines(rows: readonly ExportRow[]): string {
  let out = "";
  for (const [id, time, actorId, actorEmail, actorName, action, targetType, targetId, metadata, ip, ua] of rows) {
    out += `{"id":${jsonString(id)},"time":${jsonString(time)},"actor_user_id":${jsonString(actorId)},"actor_email":${jsonString(actorEmail)},"actor_name":${jsonString(actorName)},"action":${jsonString(action)},"target_type":${jsonString(targetType)},"target_id":${jsonString(targetId)},"metadata":${metadata},"ip":${jsonString(ip)},"user_agent":${jsonString(ua)}}\n`;
  }
  return out;
}

export function encodeBatch(rows: readonly ExportRow[], format: ExportFormat, withHeader: boolean): string {
  if (format === "jsonl") return toJsonLines(rows);
  return withHeader ? toCsv([EXPORT_COLUMNS, ...rows]) : toCsv(rows);
}
