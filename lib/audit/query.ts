import "server-only";
import { empty, enteredTenant, join, runRead, sql, type Read, type Sql, type Tx } from "@/lib/db";
import type { TenantActor } from "@/lib/tenancy";
import type { AuditCursor } from "./cursor";
import { SYSTEM_ACTOR, type AuditFilters } from "./filters";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditEventRow {
  id: string;
  createdAt: Date;
  actorUserId: string | null;
  actorEmail: string | null;
  /** The actor's display name when the event was recorded (a later change of name leaves it). */
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** The address the event concerns, as the target filter matches it (a generated column: metadata's email, or its to_email). */
  targetEmail: string | null;
  metadata: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditPage {
  events: AuditEventRow[];
  /** Cursors of the first and last row, when there is a page in that direction. */
  newer: AuditCursor | null;
  older: AuditCursor | null;
}

/**
 * The workspace a statement reads: an id, or a fragment naming it
 * (`enteredTenant`, for a page that sends its statement with its entry).
 */
export type TenantRef = string | Sql;
const tenantSql = (tenant: TenantRef): Sql => (typeof tenant === "string" ? sql`${tenant}::uuid` : tenant);

/** The actor filter's condition: the actor's email, or no actor at all for SYSTEM_ACTOR (the rows the page shows as "system"). */
const actorIs = (actor: string): Sql => (actor === SYSTEM_ACTOR ? sql`l.actor_email IS NULL` : sql`l.actor_email = ${actor}`);

/** The WHERE conditions every filter adds; all of them lead with the tenant. */
export function auditConditions(tenantId: TenantRef, filters: AuditFilters, options: { actions: boolean }): Sql[] {
  const conditions = [sql`l.tenant_id = ${tenantSql(tenantId)}`];
  if (options.actions && filters.actions.length) conditions.push(sql`l.action = ANY(${filters.actions}::text[])`);
  if (filters.actor) conditions.push(actorIs(filters.actor));
  if (filters.target?.kind === "id") conditions.push(sql`l.target_id = ${filters.target.value}`);
  if (filters.target?.kind === "email") conditions.push(sql`l.target_email = ${filters.target.value}`);
  if (filters.from) conditions.push(sql`l.created_at >= ${fromBound(filters)}`);
  if (filters.to) conditions.push(sql`l.created_at < ${toBound(filters)}`);
  if (filters.q) {
    // Every word of the search is one of the event's words: one probe per
    // word, an exact seek into the (tenant, word, time, event) index.
    conditions.push(sql`NOT EXISTS (
      SELECT 1 FROM unnest(app_audit_terms(${filters.q})) AS w(term)
       WHERE NOT EXISTS (SELECT 1 FROM audit_log_terms t
                          WHERE t.tenant_id = l.tenant_id AND t.term = w.term
                            AND t.created_at = l.created_at AND t.audit_id = l.id))`);
  }
  return conditions;
}

/** The date range's first instant and the instant after its last, in the viewer's time zone (the export checks both before it starts). */
export const fromBound = (filters: AuditFilters) => sql`(${filters.from}::date::timestamp AT TIME ZONE ${filters.tz})`;
export const toBound = (filters: AuditFilters) => sql`((${filters.to}::date + 1)::timestamp AT TIME ZONE ${filters.tz})`;

/** actor_name is the actor's display name as it was when the row was written (the database fills it on insert), not today's. */
const COLUMNS = sql`l.id, l.created_at, l.actor_user_id, l.actor_email, l.actor_name, l.action, l.target_type, l.target_id, l.target_email, l.metadata, l.ip, l.user_agent`;

/** A search word that matches fewer events than this drives the page by itself. */
export const RARE_WORD_EVENTS = 200;

/**
 * How a page is read; see auditPageQuery. `searchWord` is the word whose
 * entries the page walks (null: another index), or "rarest": the statement
 * itself asks for the search's rarest word and walks it when auditPlan's rule
 * says so — a search's page in one statement.
 */
export interface AuditPlan {
  searchWord: string | null | "rarest";
}

/**
 * The search's rarest word in this workspace, counting each word's events up
 * to RARE_WORD_EVENTS + 1 (a few hundred index entries at most).
 */
export function rarestSearchWordQuery(tenantId: TenantRef, q: string): Sql {
  return sql`
    SELECT w.term,
           (SELECT count(*)::int FROM (SELECT 1 FROM audit_log_terms t
                                        WHERE t.tenant_id = ${tenantSql(tenantId)} AND t.term = w.term
                                        LIMIT ${RARE_WORD_EVENTS + 1}) s) AS events
      FROM unnest(app_audit_terms(${q})) AS w(term)
     ORDER BY 2, length(w.term) DESC
     LIMIT 1`;
}

/** rarestSearchWordQuery's answer; null when there is no search. */
export async function rarestSearchWord(tx: Tx, tenantId: string, filters: AuditFilters): Promise<{ term: string; events: number } | null> {
  if (!filters.q) return null;
  return tx.one<{ term: string; events: number }>(rarestSearchWordQuery(tenantId, filters.q));
}

/**
 * Whether a page walks its search's rarest word: always when nothing else
 * narrows it, never beside a target (its index is more selective), and
 * beside actions or an actor only when the word is rare.
 */
export function auditPlan(filters: AuditFilters, rarest: { term: string; events: number } | null): AuditPlan {
  if (!rarest || filters.target) return { searchWord: null };
  return { searchWord: !otherIndex(filters) || rarest.events <= RARE_WORD_EVENTS ? rarest.term : null };
}

/** A page narrowed by actions or an actor, which have their own indexes. */
const otherIndex = (filters: AuditFilters) => filters.actions.length > 0 || filters.actor !== null;

/** The rarest word of the statement's `rarest` CTE (auditPageQuery with the plan "rarest"). */
const RAREST_TERM = sql`(SELECT r.term FROM rarest r)`;

/**
 * auditPlan's rule, asked in the statement of the "rarest" plan: true where
 * the page walks the rarest word. A one-time condition: Postgres checks it
 * before it starts either walk, and runs only the walk it admits.
 */
const walksRarest = (filters: AuditFilters) =>
  otherIndex(filters) ? sql`coalesce((SELECT r.events FROM rarest r) <= ${RARE_WORD_EVENTS}, false)` : sql`EXISTS (SELECT 1 FROM rarest)`;

/**
 * One keyset page, newest first. Every filter is a condition Postgres can use
 * an index for under row-level security, which admits only leakproof
 * operators (`=`, `<`, `>`) as index conditions. Which walk serves the page:
 * - a target (id or email) is selective: its (tenant, target, time) index;
 * - a search, when its rarest word is rare or nothing else narrows the page:
 *   that word's (tenant, word, time) entries in audit_log_terms, newest
 *   first, each event checked for the other words and filters;
 * - actions and/or an actor: one ordered index scan per action (those
 *   asked for, or those the actor has), each stopping after a page, merged —
 *   Postgres cannot keep time order across the values of `action = ANY(…)`;
 * - otherwise: the (tenant, time) index, optionally within a date range.
 */
export function auditPageQuery(
  tenantId: TenantRef,
  filters: AuditFilters,
  cursor: AuditCursor | null,
  direction: "older" | "newer",
  limit: number,
  plan: AuditPlan = { searchWord: null },
): Sql {
  const tenant = tenantSql(tenantId);
  let page: Sql;
  let rarest: Sql = empty;
  if (plan.searchWord === "rarest" && filters.q && !filters.target) {
    // The rarest word asked for in the statement, and each walk behind a
    // one-time condition: exactly one of them runs.
    rarest = sql`WITH rarest AS MATERIALIZED (${rarestSearchWordQuery(tenant, filters.q)})`;
    const byWord = pageWalk(tenant, filters, cursor, direction, limit, RAREST_TERM);
    const byIndexes = pageWalk(tenant, filters, cursor, direction, limit, null);
    page = sql`
      SELECT w.* FROM (${byWord}) w WHERE ${walksRarest(filters)}
      UNION ALL
      SELECT i.* FROM (${byIndexes}) i WHERE NOT ${walksRarest(filters)}`;
  } else {
    page = pageWalk(tenant, filters, cursor, direction, limit, plan.searchWord === "rarest" ? null : plan.searchWord);
  }
  return sql`
    ${rarest}
    SELECT p.* FROM (${page}) p
     ORDER BY p.created_at DESC, p.id DESC`;
}

/** One walk of auditPageQuery: by `searchWord`'s entries (a word, or an expression naming one), or by the other indexes. */
function pageWalk(tenant: Sql, filters: AuditFilters, cursor: AuditCursor | null, direction: "older" | "newer", limit: number, searchWord: string | Sql | null): Sql {
  const conditions = auditConditions(tenant, filters, { actions: false });
  if (cursor) {
    conditions.push(
      direction === "older"
        ? sql`(l.created_at, l.id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)`
        : sql`(l.created_at, l.id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)`,
    );
  }
  const order = direction === "older" ? sql`created_at DESC, id DESC` : sql`created_at ASC, id ASC`;
  const lOrder = direction === "older" ? sql`l.created_at DESC, l.id DESC` : sql`l.created_at ASC, l.id ASC`;
  const perAction = !filters.target && !searchWord && otherIndex(filters);

  let page: Sql;
  if (searchWord) {
    if (filters.actions.length) conditions.push(sql`l.action = ANY(${filters.actions}::text[])`);
    const walk = [sql`d.tenant_id = ${tenant}`, sql`d.term = ${searchWord}`];
    if (filters.from) walk.push(sql`d.created_at >= ${fromBound(filters)}`);
    if (filters.to) walk.push(sql`d.created_at < ${toBound(filters)}`);
    if (cursor) {
      walk.push(
        direction === "older"
          ? sql`(d.created_at, d.audit_id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)`
          : sql`(d.created_at, d.audit_id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)`,
      );
    }
    const dOrder = direction === "older" ? sql`d.created_at DESC, d.audit_id DESC` : sql`d.created_at ASC, d.audit_id ASC`;
    page = sql`
      SELECT ${COLUMNS} FROM audit_log_terms d JOIN audit_log l ON l.id = d.audit_id
       WHERE ${join([...walk, ...conditions], " AND ")}
       ORDER BY ${dOrder} LIMIT ${limit}`;
  } else if (!perAction) {
    if (filters.actions.length) conditions.push(sql`l.action = ANY(${filters.actions}::text[])`);
    page = sql`SELECT ${COLUMNS} FROM audit_log l WHERE ${join(conditions, " AND ")} ORDER BY ${lOrder} LIMIT ${limit}`;
  } else {
    // Each branch reads only what its index holds (time and id; the search
    // probes need no more), so it can be an index-only scan; the page's rows
    // are fetched afterwards, only for the events that made the page.
    const branch = sql`
      SELECT l.created_at, l.id FROM audit_log l
       WHERE ${join(conditions, " AND ")} AND l.action = a.action
       ORDER BY ${lOrder} LIMIT ${limit}`;
    const actions = filters.actions.length
      ? sql`(SELECT unnest(${filters.actions}::text[]) AS action) a`
      : // The actor's distinct actions, one index probe each (a loose index scan).
        sql`(WITH RECURSIVE acts(action) AS (
            (SELECT l.action FROM audit_log l WHERE l.tenant_id = ${tenant} AND ${actorIs(filters.actor!)} ORDER BY l.action LIMIT 1)
            UNION ALL
            SELECT (SELECT l.action FROM audit_log l
                     WHERE l.tenant_id = ${tenant} AND ${actorIs(filters.actor!)} AND l.action > acts.action
                     ORDER BY l.action LIMIT 1)
              FROM acts WHERE acts.action IS NOT NULL)
          SELECT action FROM acts WHERE action IS NOT NULL) a`;
    // OFFSET 0 keeps the row lookup a per-event probe of the primary key.
    page = sql`
      SELECT r.* FROM (SELECT e.* FROM ${actions} CROSS JOIN LATERAL (${branch}) e ORDER BY ${order} LIMIT ${limit}) k
       CROSS JOIN LATERAL (SELECT ${COLUMNS} FROM audit_log l WHERE l.id = k.id AND l.tenant_id = ${tenant} OFFSET 0) r`;
  }
  return page;
}

interface Row {
  id: string;
  created_at: Date;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_email: string | null;
  metadata: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
}

/**
 * Planner settings for the transaction that reads a page (see
 * listAuditEvents), sent with its first round trip. A page is an ordered index
 * walk that stops after pageSize + 1 rows. The RLS role check (a parameter =
 * ANY(roles)) makes the planner expect ~65× fewer rows than there are, so it
 * would rather sort everything that matches, and its inflated cost estimates
 * switch on JIT compilation, which alone takes longer than the query.
 */
export const AUDIT_PAGE_SETTINGS = { enable_sort: "off", jit: "off" } as const;

/**
 * A page of the audit log under the filters: `after` a cursor for older
 * events, `before` one for newer, or the newest page without either. One
 * statement, a search's too (it asks for its rarest word itself: the plan
 * "rarest"). Runs in the caller's transaction, which should carry
 * AUDIT_PAGE_SETTINGS.
 */
export async function listAuditEvents(
  tx: Tx,
  actor: Pick<TenantActor, "tenantId">,
  filters: AuditFilters,
  position: { after?: AuditCursor; before?: AuditCursor } = {},
  pageSize = AUDIT_PAGE_SIZE,
): Promise<AuditPage> {
  return runRead(tx, pageRead(actor.tenantId, filters, position, pageSize));
}

/**
 * The same page as a Read of the workspace the transaction entered: what the
 * audit page sends with its entry, a search included (one round trip).
 */
export function auditPageRead(filters: AuditFilters, position: { after?: AuditCursor; before?: AuditCursor } = {}): Read<AuditPage, Row> {
  return pageRead(enteredTenant, filters, position, AUDIT_PAGE_SIZE);
}

function pageRead(
  tenant: TenantRef,
  filters: AuditFilters,
  position: { after?: AuditCursor; before?: AuditCursor },
  pageSize: number,
): Read<AuditPage, Row> {
  const direction = position.before ? "newer" : "older";
  const cursor = position.before ?? position.after ?? null;
  return {
    statement: auditPageQuery(tenant, filters, cursor, direction, pageSize + 1, { searchWord: "rarest" }),
    result(rows) {
      // Rows come back newest first whichever way we paged; the extra row says
      // whether there is more beyond the page in the direction we moved.
      const more = rows.length > pageSize;
      const page = direction === "older" ? rows.slice(0, pageSize) : rows.slice(rows.length - Math.min(rows.length, pageSize));
      const events = page.map(
        (r): AuditEventRow => ({
          id: r.id,
          createdAt: r.created_at,
          actorUserId: r.actor_user_id,
          actorEmail: r.actor_email,
          actorName: r.actor_name,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          targetEmail: r.target_email,
          metadata: r.metadata ?? {},
          ip: r.ip,
          userAgent: r.user_agent,
        }),
      );
      const first = events[0];
      const last = events[events.length - 1];
      const hasNewer = direction === "newer" ? more : cursor !== null;
      const hasOlder = direction === "older" ? more : cursor !== null;
      return {
        events,
        newer: hasNewer && first ? { createdAt: first.createdAt, id: first.id } : null,
        older: hasOlder && last ? { createdAt: last.createdAt, id: last.id } : null,
      };
    },
  };
}
