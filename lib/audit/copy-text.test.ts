import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { to as copyTo } from "pg-copy-streams";
import { describe, expect, it } from "vitest";
import { owner } from "@/test/fixtures";
import { CopyTextRows, inlineParameters, unescapeCopyText } from "./copy-text";

// Values COPY's text format must escape, or that look like its escapes.
const TRICKY = [
  "plain",
  "",
  "tab\there",
  "new\nline and\r\ncarriage return",
  "backslash \\ and \\\\ two",
  "looks like null: \\N",
  "\\N",
  "controls \b \f \v \u0001 \u001f",
  "quote ' and \" and comma ,",
  "non-ASCII: Zoë, 東京, Ωmega, 🚀",
];

/** What Postgres writes for `COPY (<sql>) TO STDOUT`, as the chunks the socket delivered. */
async function copyOut(sql: string): Promise<Buffer[]> {
  const client = await owner().connect();
  try {
    const chunks: Buffer[] = [];
    await pipeline(
      client.query(copyTo(`COPY (${sql}) TO STDOUT`)),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      }),
    );
    return chunks;
  } finally {
    client.release();
  }
}

describe("inlineParameters", () => {
  it("quotes values as SQL literals that Postgres reads back exactly", async () => {
    const values = [...TRICKY, "$1 $2 never substituted twice", "x'; DROP TABLE audit_log; --"];
    const sql = inlineParameters(`SELECT ${values.map((_, i) => `$${i + 1}::text`).join(", ")}`, values);
    const { rows } = await owner().query<Record<string, string>>({ text: sql, rowMode: "array" } as never);
    expect(rows[0]).toEqual(values);
  });

  it("writes arrays, NULL and Dates as literals, and refuses a placeholder with no value", async () => {
    const sql = inlineParameters("SELECT $1::text[], $2::text, $3::timestamptz = '2026-11-25T10:00:00Z'", [["a'b", "c\\d"], null, new Date("2026-11-25T10:00:00Z")]);
    const { rows } = await owner().query({ text: sql, rowMode: "array" } as never);
    expect(rows[0]).toEqual([["a'b", "c\\d"], null, true]);
    expect(() => inlineParameters("SELECT $2", ["only one"])).toThrow("no parameter $2");
    expect(() => inlineParameters("SELECT $1", [{}])).toThrow(TypeError);
  });
});

describe("CopyTextRows", () => {
  it("reads back every value Postgres wrote, NULL as null, however the output is cut into chunks", async () => {
    const sql = inlineParameters(
      `SELECT v, NULL::text, length(v)::text FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n`,
      [TRICKY],
    );
    const output = Buffer.concat(await copyOut(sql));
    const expected = TRICKY.map((v) => [v, null, String([...v].length)]);
    // As one chunk, byte by byte (cutting every UTF-8 character), and in uneven pieces.
    for (const size of [output.length, 1, 7, 64]) {
      const reader = new CopyTextRows(3);
      const rows: Array<Array<string | null>> = [];
      for (let i = 0; i < output.length; i += size) rows.push(...reader.push(output.subarray(i, i + size)));
      reader.end();
      expect(rows).toEqual(expected);
    }
  });

  it("refuses a row with the wrong number of fields and output that stops inside a row", () => {
    expect(() => new CopyTextRows(3).push(Buffer.from("a\tb\n"))).toThrow("2 fields, expected 3");
    const reader = new CopyTextRows(2);
    expect(reader.push(Buffer.from("a\tb\nc\t"))).toEqual([["a", "b"]]);
    expect(() => reader.end()).toThrow("inside a row");
  });

  it("unescapes exactly COPY's escapes", () => {
    expect(unescapeCopyText("a\\tb\\nc\\\\d\\re\\bf\\fg\\vh")).toBe("a\tb\nc\\d\re\bf\fg\vh");
    expect(unescapeCopyText("no escapes")).toBe("no escapes");
  });
});
