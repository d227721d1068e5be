import "server-only";
import { createHash } from "node:crypto";
import { openCursor, sealCursor } from "@/lib/cursor";
import { ApiProblem } from "./problem";

// Keyset cursors for the API's lists (projects, and every resource
// npm run new:resource writes): a cursor holds the list's sort key of the
// last row a page showed, so the next page starts after that row whatever
// was added or deleted since — no row seen twice, none skipped — and is
// refused (400, saying so) when sent with another query. It is signed as the
// audit log's cursors are (lib/cursor.ts), and carries a fingerprint of the
// list, its order and its filters instead of the filters themselves, so it
// stays short whatever the search.

const PURPOSE = "api-keyset";

/** What a cursor belongs to: the list, its order (a name for the ORDER BY) and its filters as the lib reads them. */
export interface KeysetQuery {
  list: string;
  order: string;
  filters: Record<string, string | number | boolean | null>;
}

const fingerprint = (query: KeysetQuery) =>
  createHash("sha256").update(JSON.stringify([query.list, query.order, Object.entries(query.filters).sort(([a], [b]) => a.localeCompare(b))])).digest().subarray(0, 12).toString("base64url");

/** The cursor of the page after the row whose sort key is `key` (its values in the ORDER BY's order, the id last). */
export function keysetCursor(query: KeysetQuery, key: readonly string[]): string {
  return sealCursor(PURPOSE, [fingerprint(query), ...key].join("|"));
}

const NOT_VALID = "The cursor is not valid: send nextCursor from the previous page unchanged, or no cursor for the first page.";
const OTHER_QUERY =
  "The cursor belongs to another query (other filters or another order): send it with the query that gave it, or no cursor to start this one from the first page.";

/**
 * The sort key a cursor names (`size` values), or null without a cursor (the
 * first page). A cursor that is not one of ours, or was edited, is a 400;
 * one made for another list, order or filters is a 400 that says so.
 */
export function keysetAfter(query: KeysetQuery, cursor: string | undefined, size: number): string[] | null {
  if (!cursor) return null;
  const text = openCursor(PURPOSE, cursor);
  const [given, ...key] = text?.split("|") ?? [];
  if (text === null || key.length !== size) throw new ApiProblem("validation-error", NOT_VALID, [{ field: "query.cursor", message: NOT_VALID }]);
  if (given !== fingerprint(query)) throw new ApiProblem("validation-error", OTHER_QUERY, [{ field: "query.cursor", message: OTHER_QUERY }]);
  return key;
}
