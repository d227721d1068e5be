import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, filtersToSearchParams, parseAuditFilters } from "./filters";

const parse = (query: string) => parseAuditFilters(new URLSearchParams(query));

describe("parseAuditFilters", () => {
  it("reads every filter from the URL", () => {
    const result = parse("action=member.invite&action=member.remove&actor=Ada@Example.TEST&target=Bob@Example.test&from=2026-11-01&to=2026-11-23&tz=Europe/Paris&q=acme");
    expect(result).toEqual({
      ok: true,
      filters: {
        actions: ["member.invite", "member.remove"],
        actor: "ada@example.test",
        target: { kind: "email", value: "bob@example.test" },
        from: "2026-11-01",
        to: "2026-11-23",
        tz: "Europe/Paris",
        q: "acme",
      },
    });
  });

  it("treats an empty query as no filter, and a target without @ as an id", () => {
    expect(parse("")).toEqual({ ok: true, filters: EMPTY_FILTERS });
    expect(parse("target=3f1e-anything&actor=&q=")).toMatchObject({ ok: true, filters: { target: { kind: "id", value: "3f1e-anything" }, actor: null, q: null } });
  });

  it("round-trips through filtersToSearchParams", () => {
    const query = "action=member.invite&actor=ada%40example.test&target=x-1&from=2026-11-01&to=2026-11-02&tz=Asia%2FTokyo&q=acme";
    const first = parse(query);
    if (!first.ok) throw new Error(first.error);
    expect(parseAuditFilters(filtersToSearchParams(first.filters))).toEqual(first);
  });

  it.each([
    ["from=2026-13-01", "The start date is not a valid date"],
    ["to=2026-02-30", "The end date is not a valid date"],
    ["from=yesterday", "The start date is not a valid date"],
    ["from=2026-11-01T10:00", "The start date is not a valid date"],
    ["from=2026-11-20&to=2026-11-01", "The start date is after the end date."],
    ["action=member.explode", "Unknown action: member.explode."],
    ["action=a&action=b", "Unknown actions: a, b."],
    [`q=${"x".repeat(10_000)}`, "Search text is limited to 200 characters."],
    ["q=a", "Search for a word of at least two letters or digits."],
    ["q=%25%20-.%2C!", "Search for a word of at least two letters or digits."],
    ["tz=Mars/Olympus_Mons", "Unknown time zone."],
    [`actor=${"a".repeat(300)}`, "The actor is an email address of at most 254 characters."],
    [`target=${"t".repeat(300)}`, "The target is an id or an email address of at most 254 characters."],
  ])("refuses %s with a clear message", (query, message) => {
    const result = parse(query.slice(0, 20_000));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });
});
