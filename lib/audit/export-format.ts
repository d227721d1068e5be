// How exported rows are written. Pure (no server-only imports): the export
// worker thread loads it on its own.
import Papa from "papaparse";

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The columns of both formats, in the order auditExportQuery selects them;
 * a CSV export's header row names them. CSV values are quoted (RFC 4180) and
 * any value that begins with `=`, `+`, `-`, `@`, a tab, a carriage return or
 * `'` has a `'` put in front (CSV_ESCAPED_START); JSON Lines values are
 * verbatim.
 */
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
 * The CSV values a spreadsheet could run as a formula: those beginning with
 * `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP's CSV injection
 * rule). Each is written with a `'` in front, which makes a spreadsheet show
 * it as text. Values already beginning with `'` get one too, so the escape
 * can always be undone: drop the first character of any value that begins
 * with `'`. (papaparse's own `escapeFormulae: true` tests
 * /^[=+\-@\t\r].*$/, which lets a formula through when a newline follows
 * it in the same value.)
 */
export const CSV_ESCAPED_START = /^[=+\-@\t\r']/;

/**
 * CSV text with RFC 4180 quoting, written by papaparse; every record ends
 * with a newline. Every value is quoted, which RFC 4180 allows: it tells an
 * empty text ("") from a missing value (nothing), and it spares papaparse
 * deciding field by field whether quotes are needed (a tenth of the export's
 * CPU). Values that could be formulas are escaped (CSV_ESCAPED_START).
 */
function toCsv(records: ReadonlyArray<ReadonlyArray<string | null>>): string {
  return `${Papa.unparse(records as unknown[][], { newline: "\n", quotes: true, escapeFormulae: CSV_ESCAPED_START })}\n`;
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

/**
 * Encodes records as UTF-8 straight into a buffer the encoder keeps and
 * reuses: no string of a whole batch is ever built, which keeps the garbage
 * small and short-lived. `take()` copies out the bytes so far, exactly as
 * many as there are, and starts over.
 */
export class BatchEncoder {
  private buffer: Buffer;
  private length = 0;
  /** Records encoded since the last take(). */
  rows = 0;

  constructor(
    private readonly format: ExportFormat,
    initialBytes = 1 << 20,
  ) {
    this.buffer = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Bytes encoded since the last take(). */
  get size(): number {
    return this.length;
  }

  /** The CSV header line; JSON Lines has none. */
  header(): void {
    if (this.format === "csv") this.append(CSV_HEADER);
  }

  add(records: readonly ExportRow[]): void {
    if (records.length === 0) return;
    if (this.format === "jsonl") {
      let lines = "";
      for (const record of records) lines += jsonLine(record);
      this.append(lines);
    } else this.append(toCsv(records));
    this.rows += records.length;
  }

  /** The bytes encoded since the last take(), in a buffer of their own (never a pooled slice) and of their size. */
  take(): Buffer {
    const bytes = Buffer.allocUnsafeSlow(this.length);
    this.buffer.copy(bytes, 0, 0, this.length);
    this.length = 0;
    this.rows = 0;
    return bytes;
  }

  private append(text: string): void {
    const needed = this.length + Buffer.byteLength(text);
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length);
  }
}
