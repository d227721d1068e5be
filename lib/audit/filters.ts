// The audit page's filters, as they travel in the URL (so a filtered view can
// be bookmarked and shared). Parsing never throws: bad input comes back as a
// message the page shows.
import { z } from "zod";
import { isKnownTimeZone } from "@/lib/time-zone";
import { hasNulByte } from "@/lib/validation";
import { AUDIT_ACTIONS } from "./record";

export const SEARCH_MAX = 200;

/**
 * A word the search can find: two or more letters or digits, or a UUID. The
 * database splits events and searches with app_audit_terms() (migration
 * 20261125000000); this mirrors its separators, to refuse a search that has
 * no word in it before it reaches the database.
 */
const SEARCH_WORD = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u2000-\u206f\u3000-\u303f\s]{2,}/iu;
/** Every run of letters or digits between the same separators, whatever its length. */
const SEARCH_RUNS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u2000-\u206f\u3000-\u303f\s]+/giu;
/** app_audit_terms() keeps words of at most this many characters; a longer one is in no event's words. */
export const SEARCH_WORD_MAX = 100;

/**
 * The words of a search the index cannot find: a word typed on its own
 * (between spaces) whose letters and digits come only in runs of one (the
 * index holds words of two or more: "7", "a", "a.b"), or a run longer than
 * SEARCH_WORD_MAX. The database would drop them and match the other words
 * alone, so the search is refused instead, naming them. A one-letter run
 * inside a word that has a longer one ("O'Brien", "x@acme.test", "v1.2") is
 * searched by its longer runs, as the word's events recorded them.
 */
export function unsearchableWords(q: string): { short: string[]; long: string[] } {
  const short = new Set<string>();
  const long = new Set<string>();
  for (const word of q.split(/\s+/)) {
    const runs = [...word.matchAll(SEARCH_RUNS)].map(([run]) => [...run].length);
    if (runs.length > 0 && runs.every((length) => length < 2)) short.add(word);
    for (const [run] of word.matchAll(SEARCH_RUNS)) if ([...run].length > SEARCH_WORD_MAX) long.add(run);
  }
  return { short: [...short], long: [...long] };
}

const quoted = (words: string[]) => {
  const list = words.slice(0, 5).map((w) => `“${w.length > 20 ? `${w.slice(0, 20)}…` : w}”`);
  return list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}` : list[0];
};

function searchProblem(q: string): string | null {
  const { short, long } = unsearchableWords(q);
  if (short.length) {
    return `Search for words of at least two letters or digits: ${quoted(short)} ${short.length > 1 ? "are" : "is"} too short to search for.`;
  }
  if (long.length) return `Search words are at most ${SEARCH_WORD_MAX} characters long: ${quoted(long)} ${long.length > 1 ? "are" : "is"} too long.`;
  if (!SEARCH_WORD.test(q)) return "Search for a word of at least two letters or digits.";
  return null;
}

export type AuditTarget = { kind: "id"; value: string } | { kind: "email"; value: string };

/**
 * The actor filter's word for the events no person did — the ownership
 * transfer's timed steps and anything else the schedule records with no
 * actor —, which the audit page shows as "system".
 */
export const SYSTEM_ACTOR = "system";

export interface AuditFilters {
  actions: string[];
  /** An email address, or SYSTEM_ACTOR: the events with no actor. */
  actor: string | null;
  target: AuditTarget | null;
  /** Calendar dates (YYYY-MM-DD) in `tz`, both ends inclusive. */
  from: string | null;
  to: string | null;
  tz: string;
  q: string | null;
}

export const EMPTY_FILTERS: AuditFilters = { actions: [], actor: null, target: null, from: null, to: null, tz: "UTC", q: null };

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

const all = (params: Params, key: string): string[] => {
  if (params instanceof URLSearchParams) return params.getAll(key);
  const v = params[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const one = (params: Params, key: string): string => (all(params, key)[0] ?? "").trim();

/**
 * The time zones Postgres knows (pg_timezone_names), by lower-cased name:
 * the name as Postgres spells it. Node.js knows some that Postgres does not
 * (`US/Pacific-New`), and the other way round.
 */
export type TimeZoneNames = ReadonlyMap<string, string>;

/** The zone as Postgres names it, if both Node.js and Postgres know it (only Node.js is asked when `known` is absent). */
function timeZone(tz: string, known: TimeZoneNames | undefined): string | null {
  if (!isKnownTimeZone(tz)) return null;
  if (!known) return tz;
  return known.get(tz.toLowerCase()) ?? null;
}

const dateSchema = z.iso.date({ error: "Dates look like 2026-11-23." });

/** A refused filter: its parameter in the URL and what is wrong with it. */
export interface FilterProblem {
  param: "action" | "actor" | "target" | "tz" | "from" | "to" | "q";
  message: string;
}
export type FiltersResult = { ok: true; filters: AuditFilters } | { ok: false; error: string; problems: FilterProblem[]; filters: AuditFilters };

/**
 * The filters in a URL, or what is wrong with them. Whatever passes can be
 * sent to Postgres as it is: no NUL byte, dates from year 1 to 9999 (Postgres
 * has no year 0), a time zone Postgres knows — when `timeZones` is given;
 * without it a zone is checked with Node.js alone, which is enough for
 * parsing but not for a query (readAuditFilters passes Postgres's).
 */
export function parseAuditFilters(params: Params, timeZones?: TimeZoneNames): FiltersResult {
  const filters: AuditFilters = { ...EMPTY_FILTERS };
  const problems: FilterProblem[] = [];
  const refuse = (param: FilterProblem["param"], message: string) => problems.push({ param, message });

  const actions = [...new Set(all(params, "action").flatMap((a) => a.split(",")).map((a) => a.trim()).filter(Boolean))];
  const unknown = actions.filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a));
  if (actions.length > AUDIT_ACTIONS.length) refuse("action", "Too many actions.");
  else if (unknown.length) refuse("action", `Unknown action${unknown.length > 1 ? "s" : ""}: ${unknown.slice(0, 3).map((a) => a.slice(0, 40)).join(", ")}.`);
  else filters.actions = actions;

  const actor = one(params, "actor").toLowerCase();
  if (actor.length > 254) refuse("actor", "The actor is an email address of at most 254 characters.");
  else if (hasNulByte(actor)) refuse("actor", "The actor cannot contain NUL characters.");
  else if (actor) filters.actor = actor;

  const target = one(params, "target");
  if (target.length > 254) refuse("target", "The target is an id or an email address of at most 254 characters.");
  else if (hasNulByte(target)) refuse("target", "The target cannot contain NUL characters.");
  else if (target) filters.target = target.includes("@") ? { kind: "email", value: target.toLowerCase() } : { kind: "id", value: target };

  const tz = one(params, "tz") || "UTC";
  const zone = tz.length > 64 ? null : timeZone(tz, timeZones);
  if (!zone) refuse("tz", "Unknown time zone.");
  else filters.tz = zone;

  for (const key of ["from", "to"] as const) {
    const value = one(params, key);
    if (!value) continue;
    const parsed = dateSchema.safeParse(value.slice(0, 20));
    // Postgres has no year 0 ("0000-01-01" is out of its range).
    if (!parsed.success || value.length > 10 || value.startsWith("0000")) {
      refuse(key, `The ${key === "from" ? "start" : "end"} date is not a valid date (use YYYY-MM-DD, years 1 to 9999).`);
    } else filters[key] = parsed.data;
  }
  if (filters.from && filters.to && filters.from > filters.to) refuse("from", "The start date is after the end date.");

  const q = one(params, "q");
  if (q.length > SEARCH_MAX) refuse("q", `Search text is limited to ${SEARCH_MAX} characters.`);
  else if (hasNulByte(q)) refuse("q", "Search text cannot contain NUL characters.");
  else if (q) {
    const problem = searchProblem(q);
    if (problem) refuse("q", problem);
    else filters.q = q;
  }

  return problems.length ? { ok: false, error: problems.map((p) => p.message).join(" "), problems, filters } : { ok: true, filters };
}

/** The filters as URL search params: the inverse of parseAuditFilters. */
export function filtersToSearchParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const action of filters.actions) params.append("action", action);
  if (filters.actor) params.set("actor", filters.actor);
  if (filters.target) params.set("target", filters.target.value);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if ((filters.from || filters.to) && filters.tz !== "UTC") params.set("tz", filters.tz);
  if (filters.q) params.set("q", filters.q);
  return params;
}

export function describeFilters(filters: AuditFilters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (filters.actions.length) out.actions = filters.actions;
  if (filters.actor) out.actor = filters.actor;
  if (filters.target) out.target = filters.target.value;
  if (filters.from) out.from = filters.from;
  if (filters.to) out.to = filters.to;
  if (filters.from || filters.to) out.tz = filters.tz;
  if (filters.q) out.q = filters.q;
  return out;
}
