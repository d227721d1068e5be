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

/**
 * CSV text with RFC 4180 quoting, written by papaparse; every record ends
 * with a newline. Every value is quoted, which RFC 4180 allows: it tells an
 * empty text ("") from a missing value (nothing), and it spares papaparse
 * deciding field by field whether quotes are needed (a tenth of the export's
 * CPU).
 */
function toCsv(records: ReadonlyArray<ReadonlyArray<string | null>>): string {
  return `${Papa.unparse(records as unknown[][], { newline: "\n", quotes: true })}\n`;
}

export const CSV_HEADER = toCsv([EXPORT_COLUMNS]);

// The text JSON.stringify gives, without calling it for the common string
// that needs no escaping (no quote, backslash, control character or surrogate).
const JSON_SPECIAL = /["\\\u0000-\u001f\ud800-\udfff]/;
const jsonString = (value: string | null): string =>
  value === null ? "null" : JSON_SPECIAL.test(value) ? JSON.stringify(value) : `"${value}"`;

/** One event as a JSON Lines record; metadata is already JSON text from Postgres and is embedded as is. */
function jsonLine([id, time, actorId, actorEmail, actorName, action, targetType, targetId, metadata, ip, ua]: ExportRow): string {
  return `{"id":${jsonString(id)},"time":${jsonString(time)},"actor_user_id":${jsonString(actorId)},"actor_email":${jsonString(actorEmail)},"actor_name":${jsonString(actorName)},"action":${jsonString(action)},"target_type":${jsonString(targetType)},"target_id":${jsonString(targetId)},"metadata":${metadata},"ip":${jsonString(ip)},"user_agent":${jsonString(ua)}}\n`;
}

/** Rows per papaparse call: large enough that its per-call setup vanishes, small enough to stay young garbage. */
const CSV_SLICE = 250;

/**
 * Encodes a batch as UTF-8 straight into one buffer, a record or a slice of
 * records at a time: no string of the whole batch is ever built, which keeps
 * the garbage small and short-lived.
 */
export function encodeBatch(rows: readonly ExportRow[], format: ExportFormat, withHeader: boolean): Buffer {
  let buffer = Buffer.allocUnsafeSlow(Math.max(64 * 1024, rows.length * (format === "csv" ? 400 : 560)));
  let length = 0;
  const append = (text: string) => {
    const needed = length + Buffer.byteLength(text);
    if (needed > buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    length += buffer.write(text, length);
  };
  if (format === "jsonl") {
    for (const row of rows) append(jsonLine(row));
  } else {
    if (withHeader) append(CSV_HEADER);
    for (let i = 0; i < rows.length; i += CSV_SLICE) append(toCsv(rows.slice(i, i + CSV_SLICE)));
  }
  return buffer.subarray(0, length);
}
