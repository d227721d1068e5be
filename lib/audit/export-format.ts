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

/** A CSV row: the columns above, each as text. */
export type CsvRow = [
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
/** What the export query returns per event: a CSV row, or for JSON Lines the whole record as JSON text. */
export type ExportRow = CsvRow | [record: string];

/** CSV text with RFC 4180 quoting, written by papaparse; every record ends with a newline. */
export function toCsv(records: ReadonlyArray<ReadonlyArray<string | null>>): string {
  return `${Papa.unparse(records as unknown[][], { newline: "\n" })}\n`;
}

export const CSV_HEADER = toCsv([EXPORT_COLUMNS]);

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
    // Each row is one column: the record as JSON text, from Postgres.
    for (const row of rows) {
      append(row[0]);
      append("\n");
    }
  } else {
    if (withHeader) append(CSV_HEADER);
    for (let i = 0; i < rows.length; i += CSV_SLICE) append(toCsv(rows.slice(i, i + CSV_SLICE) as CsvRow[]));
  }
  return buffer.subarray(0, length);
}
