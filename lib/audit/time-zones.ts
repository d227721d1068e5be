import "server-only";
import { single, sql } from "@/lib/db";
import { parseAuditFilters, type FiltersResult, type TimeZoneNames } from "./filters";

let known: Promise<TimeZoneNames> | undefined;

/**
 * Every time zone Postgres knows, read once per process: its list changes
 * only with its tz database, on a restart. A failed read is not kept, so the
 * next request asks again.
 */
export function postgresTimeZones(): Promise<TimeZoneNames> {
  known ??= single<{ name: string }>(sql`SELECT name FROM pg_timezone_names`).then(
    (rows) => new Map(rows.map((r) => [r.name.toLowerCase(), r.name])),
    (error: unknown) => {
      known = undefined;
      throw error;
    },
  );
  return known;
}

/**
 * The audit filters of a request, checked against what Postgres accepts —
 * for the page and the export alike, before any query runs or any byte of
 * an export is sent.
 */
export async function readAuditFilters(params: Parameters<typeof parseAuditFilters>[0]): Promise<FiltersResult> {
  return parseAuditFilters(params, await postgresTimeZones());
}
