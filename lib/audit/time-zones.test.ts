import { describe, expect, it } from "vitest";
import { single, sql } from "@/lib/db";
import { postgresTimeZones, readAuditFilters } from "./time-zones";

describe("readAuditFilters", () => {
  it("knows the time zones of the Postgres it talks to, read once", async () => {
    const zones = await postgresTimeZones();
    expect(zones.get("utc")).toBe("UTC");
    expect(zones.get("europe/paris")).toBe("Europe/Paris");
    expect(await postgresTimeZones()).toBe(zones);
  });

  it("refuses a zone Node.js accepts and Postgres rejects, which would fail the query", async () => {
    expect(() => new Intl.DateTimeFormat("en", { timeZone: "US/Pacific-New" })).not.toThrow();
    await expect(single(sql`SELECT now() AT TIME ZONE ${"US/Pacific-New"}`)).rejects.toThrow(/time zone/);
    expect(await readAuditFilters(new URLSearchParams("from=2026-01-01&tz=US/Pacific-New"))).toMatchObject({ ok: false, error: "Unknown time zone." });
  });

  it("takes every zone it accepts to Postgres as it is", async () => {
    const parsed = await readAuditFilters(new URLSearchParams("from=2026-01-01&to=2026-01-31&tz=america/new_york"));
    expect(parsed).toMatchObject({ ok: true, filters: { tz: "America/New_York" } });
    if (!parsed.ok) return;
    const [row] = await single<{ start: Date }>(sql`SELECT (${parsed.filters.from}::date::timestamp AT TIME ZONE ${parsed.filters.tz}) AS start`);
    expect(row!.start.toISOString()).toBe("2026-01-01T05:00:00.000Z");
  });
});
