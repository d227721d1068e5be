// Reading a query's rows through `COPY (<query>) TO STDOUT`. Pure (no
// server-only imports): the export worker thread loads it on its own.
//
// COPY streams a query's rows as plain bytes with none of the per-row
// protocol messages and round trips of a cursor; the export reads it in its
// text format, where a raw newline ends a row, a raw tab ends a field, `\N` is
// NULL and backslash escapes stand for a backslash or a control character
// inside a value (https://www.postgresql.org/docs/current/sql-copy.html).
import { escapeLiteral } from "pg";

/**
 * COPY takes no bind parameters: the query's `$n` placeholders replaced by
 * their values as SQL literals, quoted by pg's escapeLiteral (quotes doubled;
 * with a backslash, an E'' literal with backslashes doubled), in one pass, so
 * a value that itself contains `$2` is never substituted again. Arrays become
 * ARRAY[…] of literals; the query's own casts (`$1::uuid`) still apply.
 */
export function inlineParameters(text: string, values: readonly unknown[]): string {
  const literal = (value: unknown): string => {
    if (value === null || value === undefined) return "NULL";
    if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(",")}]`;
    if (value instanceof Date) return escapeLiteral(value.toISOString());
    if (typeof value === "string") return escapeLiteral(value);
    if (typeof value === "number" || typeof value === "bigint") return escapeLiteral(String(value));
    throw new TypeError(`Cannot inline a ${typeof value} parameter.`);
  };
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= values.length) throw new RangeError(`The query has no parameter $${n}.`);
    return literal(values[index]);
  });
}

const ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** A field of COPY's text format as the value it stands for (`\N` is handled by the caller). */
export function unescapeCopyText(field: string): string {
  return field.includes("\\") ? field.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? c) : field;
}

const NEWLINE = 0x0a;

/**
 * Splits COPY text output, chunk by chunk as the socket delivers it, into rows
 * of `columns` fields. A chunk may end inside a row, even inside a UTF-8
 * character; that tail waits for the next chunk. A raw newline byte never
 * occurs inside a row (COPY escapes it, and no UTF-8 sequence contains one).
 */
export class CopyTextRows {
  private rest: Buffer | null = null;

  constructor(private readonly columns: number) {}

  /** The rows the chunk completes, in order. */
  push(chunk: Buffer): Array<Array<string | null>> {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const end = data.lastIndexOf(NEWLINE);
    if (end < 0) {
      this.rest = Buffer.from(data);
      return [];
    }
    this.rest = end + 1 < data.length ? Buffer.from(data.subarray(end + 1)) : null;
    const lines = data.toString("utf8", 0, end).split("\n");
    const rows: Array<Array<string | null>> = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const fields: Array<string | null> = lines[i]!.split("\t");
      if (fields.length !== this.columns) throw new Error(`COPY row with ${fields.length} fields, expected ${this.columns}.`);
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f]!;
        fields[f] = field === "\\N" ? null : unescapeCopyText(field);
      }
      rows[i] = fields;
    }
    return rows;
  }

  /** At the end of the output: throws when it stopped inside a row. */
  end(): void {
    if (this.rest) throw new Error("COPY output ended inside a row.");
  }
}
