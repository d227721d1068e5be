import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { BatchEncoder, EXPORT_COLUMNS, type ExportRow } from "./export-format";

const row = (overrides: Partial<Record<(typeof EXPORT_COLUMNS)[number], string | null>>): ExportRow => {
  const base: Record<string, string | null> = {
    id: "7",
    time: "2026-11-25T10:00:00.000Z",
    actor_user_id: null,
    actor_email: "a@example.test",
    actor_name: "",
    action: "member.invite",
    target_type: "invitation",
    target_id: "x",
    metadata: "{}",
    ip: null,
    user_agent: "UA",
    ...overrides,
  };
  return EXPORT_COLUMNS.map((c) => base[c] ?? null) as ExportRow;
};

/** Encodes through a deliberately small first buffer, so growing it is exercised too. */
function encodeBatch(rows: ExportRow[], format: "csv" | "jsonl", withHeader: boolean): Buffer {
  const encoder = new BatchEncoder(format, 64);
  if (withHeader) encoder.header();
  encoder.add(rows);
  expect(encoder.rows).toBe(rows.length);
  const bytes = encoder.take();
  expect(encoder.rows).toBe(0);
  expect(encoder.size).toBe(0);
  return bytes;
}

describe("BatchEncoder", () => {
  it("writes CSV with every value quoted: an empty text is \"\", a missing value is nothing", () => {
    const text = encodeBatch([row({})], "csv", true).toString("utf8");
    const [header, record] = text.split("\n");
    expect(header).toBe(EXPORT_COLUMNS.map((c) => `"${c}"`).join(","));
    expect(record).toBe(`"7","2026-11-25T10:00:00.000Z",,"a@example.test","","member.invite","invitation","x","{}",,"UA"`);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("round-trips quotes, commas, newlines and non-ASCII in CSV across papaparse's slices", () => {
    const values = Array.from({ length: 600 }, (_, i) => `row ${i}: "quoted", comma, new\nline, Zoë 中文 🙂`);
    const text = encodeBatch(values.map((v) => row({ target_id: v })), "csv", false).toString("utf8");
    const records = parseCsv(text) as string[][];
    expect(records.map((r) => r[7])).toEqual(values);
  });

  it("writes one JSON object per line, whatever the text holds, and grows its buffer as needed", () => {
    const long = "é".repeat(5000);
    const values = [`"quoted" \\ back\nslash\u0001`, long, "\ud800 lone surrogate"];
    const lines = encodeBatch(values.map((v) => row({ target_id: v, metadata: '{"k": [1, "v"]}' })), "jsonl", false).toString("utf8").split("\n");
    expect(lines.pop()).toBe("");
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((p) => p.target_id)).toEqual(values);
    expect(parsed[0]).toMatchObject({ id: "7", actor_user_id: null, actor_name: "", ip: null, metadata: { k: [1, "v"] } });
  });

  // OWASP's CSV injection rule: no cell may begin with these.
  const FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"];

  it.each(FORMULA_STARTS.map((c) => [JSON.stringify(c), c]))("writes a CSV value beginning with %s as text: a ' in front", (_, start) => {
    const value = `${start}HYPERLINK("http://evil.test","x")`;
    const [record] = parseCsv(encodeBatch([row({ user_agent: value, target_id: value, actor_name: value })], "csv", false).toString("utf8")) as string[][];
    for (const column of ["actor_name", "target_id", "user_agent"] as const) {
      expect(record![EXPORT_COLUMNS.indexOf(column)]).toBe(`'${value}`);
    }
  });

  it("escapes a formula even when a newline follows it in the same value (papaparse's escapeFormulae: true would not)", () => {
    const value = '=HYPERLINK("http://evil.test","x")\nsecond line';
    const [record] = parseCsv(encodeBatch([row({ user_agent: value })], "csv", false).toString("utf8")) as string[][];
    expect(record![EXPORT_COLUMNS.indexOf("user_agent")]).toBe(`'${value}`);
  });

  it("escapes a leading ' too, so dropping the first character of any value beginning with ' gives every value back exactly", () => {
    const values = ["'=1+1", "'", "plain", "a=b", " =spaced", "", "'quoted'", ...FORMULA_STARTS.map((c) => `${c}1`)];
    const records = parseCsv(encodeBatch(values.map((v) => row({ target_id: v })), "csv", false).toString("utf8")) as string[][];
    const written = records.map((r) => r[EXPORT_COLUMNS.indexOf("target_id")]!);
    expect(written.filter((w, i) => w !== values[i])).toEqual(["''=1+1", "''", "''quoted'", ...FORMULA_STARTS.map((c) => `'${c}1`)]);
    expect(written.map((w) => (w.startsWith("'") ? w.slice(1) : w))).toEqual(values);
  });

  it("keeps JSON Lines verbatim: a formula-like value comes out exactly as stored", () => {
    const values = FORMULA_STARTS.map((c) => `${c}HYPERLINK("http://evil.test","x")`).concat("'=1+1");
    const lines = encodeBatch(values.map((v) => row({ user_agent: v })), "jsonl", false).toString("utf8").trimEnd().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { user_agent: string }).user_agent)).toEqual(values);
  });
});
