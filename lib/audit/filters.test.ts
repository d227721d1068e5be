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
    ["q=a", "Search for words of at least two letters or digits: \u201ca\u201d is too short to search for."],
    ["q=Project%20number%207", "Search for words of at least two letters or digits: \u201c7\u201d is too short to search for."],
    ["q=row%2012%2C%20a%20b%20a", "Search for words of at least two letters or digits: \u201ca\u201d and \u201cb\u201d are too short to search for."],
    ["q=report%20a.b", "\u201ca.b\u201d is too short to search for."],
    [`q=acme%20${"y".repeat(101)}`, "Search words are at most 100 characters long:"],
    ["q=%25%20-.%2C!", "Search for a word of at least two letters or digits."],
    ["tz=Mars/Olympus_Mons", "Unknown time zone."],
    [`actor=${"a".repeat(300)}`, "The actor is an email address of at most 254 characters."],
    [`target=${"t".repeat(300)}`, "The target is an id or an email address of at most 254 characters."],
  ])("refuses %s with a clear message", (query, message) => {
    const result = parse(query.slice(0, 20_000));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });

  it("accepts words of two letters or more, a UUID as one word, and punctuation between words", () => {
    expect(parse("q=Project%20number%2077")).toMatchObject({ ok: true, filters: { q: "Project number 77" } });
    expect(parse("q=3f1e2d3c-1111-4222-8333-944445555666%20%26%20ab")).toMatchObject({ ok: true });
    expect(parse(`q=${"y".repeat(100)}`)).toMatchObject({ ok: true });
    // A word with a longer run is searched by it: a name with an apostrophe, an address, a version.
    for (const q of ["O'Brien", "x@example.test", "v1.2 released"]) expect(parse(`q=${encodeURIComponent(q)}`), q).toMatchObject({ ok: true, filters: { q } });
  });

  it.each([
    ["actor=a%00b", "The actor cannot contain NUL characters."],
    ["target=%00", "The target cannot contain NUL characters."],
    ["q=acme%00", "Search text cannot contain NUL characters."],
    ["from=0000-01-01", "The start date is not a valid date"],
    ["to=0000-12-31", "The end date is not a valid date"],
    ["from=10000-01-01", "The start date is not a valid date"],
    ["to=%2B10000-01-01", "The end date is not a valid date"],
    ["from=2024-02-30", "The start date is not a valid date"],
  ])("refuses %s, which Postgres cannot take, before any query", (query, message) => {
    const result = parse(query);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });

  it("accepts the whole range Postgres stores, years 1 to 9999", () => {
    expect(parse("from=0001-01-01&to=9999-12-31")).toMatchObject({ ok: true, filters: { from: "0001-01-01", to: "9999-12-31" } });
  });

  describe("time zones, given the ones Postgres knows", () => {
    const postgres = new Map([["utc", "UTC"], ["europe/paris", "Europe/Paris"], ["america/los_angeles", "America/Los_Angeles"]]);
    const withZones = (query: string) => parseAuditFilters(new URLSearchParams(query), postgres);

    it("takes a zone both know, spelled as Postgres spells it", () => {
      expect(withZones("from=2026-01-01&tz=europe/PARIS")).toMatchObject({ ok: true, filters: { tz: "Europe/Paris" } });
      expect(withZones("")).toMatchObject({ ok: true, filters: { tz: "UTC" } });
    });

    it("refuses a zone Node.js knows and Postgres does not, or the other way round", () => {
      // Node.js resolves US/Pacific-New to America/Los_Angeles; Postgres's tz database dropped it.
      expect(() => new Intl.DateTimeFormat("en", { timeZone: "US/Pacific-New" })).not.toThrow();
      expect(withZones("from=2026-01-01&tz=US/Pacific-New")).toMatchObject({ ok: false, error: "Unknown time zone." });
      expect(withZones("from=2026-01-01&tz=%2B03:00")).toMatchObject({ ok: false, error: "Unknown time zone." });
      expect(withZones("tz=UTC%00")).toMatchObject({ ok: false, error: "Unknown time zone." });
    });
  });
});
