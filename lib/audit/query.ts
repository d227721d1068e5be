import "server-only";
import { Prisma } from "@/lib/db";
import { withTenant, type TenantScope } from "@/lib/tenancy/with-tenant";
import type { AuditCursor } from "./cursor";
import type { AuditFilters } from "./filters";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditEventRow {
  id: string;
  createdAt: Date;
  actorUserId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
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

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The WHERE conditions every filter adds; all of them lead with the tenant. */
export function auditConditions(tenantId: string, filters: AuditFilters, options: { actions: boolean }): Prisma.Sql[] {
  const conditions = [Prisma.sql`l.tenant_id = ${tenantId}::uuid`];
  if (options.actions && filters.actions.length) conditions.push(Prisma.sql`l.action = ANY(${filters.actions}::text[])`);
  if (filters.actor) conditions.push(Prisma.sql`l.actor_email = ${filters.actor}`);
  if (filters.target?.kind === "id") conditions.push(Prisma.sql`l.target_id = ${filters.target.value}`);
  if (filters.target?.kind === "email") conditions.push(Prisma.sql`lower(l.metadata ->> 'email') = ${filters.target.value}`);
  if (filters.from) conditions.push(Prisma.sql`l.created_at >= (${filters.from}::date::timestamp AT TIME ZONE ${filters.tz})`);
  if (filters.to) conditions.push(Prisma.sql`l.created_at < ((${filters.to}::date + 1)::timestamp AT TIME ZONE ${filters.tz})`);
  if (filters.q) {
    conditions.push(
      Prisma.sql`app_audit_search_text(l.target_id, l.actor_email, l.metadata) LIKE ${`%${escapeLike(filters.q.toLowerCase())}%`}`,
    );
  }
  return conditions;
}

const COLUMNS = Prisma.sql`l.id, l.created_at, l.actor_user_id, l.actor_email, l.action, l.target_type, l.target_id, l.metadata, l.ip, l.user_agent`;

/**
 * One keyset page, newest first. Which plan serves it:
 * - a target (an id or an email) is selective: one index, a small sort;
 * - free text: the trigram index, or a walk down the time index — the
 *   planner's choice by selectivity;
 * - actions and/or an actor: one ordered index scan per action (those
 *   asked for, or those the actor has), each stopping after a page, merged —
 *   Postgres cannot keep time order across the values of `action = ANY(…)`;
 * - otherwise: the (tenant, time) index, optionally within a date range.
 */
export function auditPageQuery(tenantId: string, filters: AuditFilters, cursor: AuditCursor | null, direction: "older" | "newer", limit: number): Prisma.Sql {
  const conditions = auditConditions(tenantId, filters, { actions: false });
  if (cursor) {
    conditions.push(
      direction === "older"
        ? Prisma.sql`(l.created_at, l.id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)`
        : Prisma.sql`(l.created_at, l.id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::bigint)`,
    );
  }
  const order = direction === "older" ? Prisma.sql`created_at DESC, id DESC` : Prisma.sql`created_at ASC, id ASC`;
  const lOrder = direction === "older" ? Prisma.sql`l.created_at DESC, l.id DESC` : Prisma.sql`l.created_at ASC, l.id ASC`;
  const perAction = !filters.target && !filters.q && (filters.actions.length > 0 || filters.actor !== null);

  let page: Prisma.Sql;
  if (!perAction) {
    if (filters.actions.length) conditions.push(Prisma.sql`l.action = ANY(${filters.actions}::text[])`);
    page = Prisma.sql`SELECT ${COLUMNS} FROM audit_log l WHERE ${Prisma.join(conditions, " AND ")} ORDER BY ${lOrder} LIMIT ${limit}`;
  } else {
    const branch = Prisma.sql`
      SELECT ${COLUMNS} FROM audit_log l
       WHERE ${Prisma.join(conditions, " AND ")} AND l.action = a.action
       ORDER BY ${lOrder} LIMIT ${limit}`;
    const actions = filters.actions.length
      ? Prisma.sql`(SELECT unnest(${filters.actions}::text[]) AS action) a`
      : // The actor's distinct actions, one index probe each (a loose index scan).
        Prisma.sql`(WITH RECURSIVE acts(action) AS (
            (SELECT l.action FROM audit_log l WHERE l.tenant_id = ${tenantId}::uuid AND l.actor_email = ${filters.actor} ORDER BY l.action LIMIT 1)
            UNION ALL
            SELECT (SELECT l.action FROM audit_log l
                     WHERE l.tenant_id = ${tenantId}::uuid AND l.actor_email = ${filters.actor} AND l.action > acts.action
                     ORDER BY l.action LIMIT 1)
              FROM acts WHERE acts.action IS NOT NULL)
          SELECT action FROM acts WHERE action IS NOT NULL) a`;
    page = Prisma.sql`SELECT e.* FROM ${actions} CROSS JOIN LATERAL (${branch}) e ORDER BY ${order} LIMIT ${limit}`;
  }
  return Prisma.sql`
    SELECT p.*, u.name AS actor_name FROM (${page}) p LEFT JOIN users u ON u.id = p.actor_user_id
     ORDER BY p.created_at DESC, p.id DESC`;
}

interface Row {
  id: bigint;
  created_at: Date;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  metadata: Record<string, unknown>;
  ip: string | null;
  user_agent: string | null;
}

/**
 * A page of the audit log under the filters: `after` a cursor for older
 * events, `before` one for newer, or the newest page without either.
 */
export async function listAuditEvents(
  scope: TenantScope,
  filters: AuditFilters,
  position: { after?: AuditCursor; before?: AuditCursor } = {},
  pageSize = AUDIT_PAGE_SIZE,
): Promise<AuditPage> {
  const direction = position.before ? "newer" : "older";
  const cursor = position.before ?? position.after ?? null;
  const rows = await withTenant(scope, (tx) => tx.$queryRaw<Row[]>(auditPageQuery(scope.tenantId, filters, cursor, direction, pageSize + 1)));
  // Rows come back newest first whichever way we paged; the extra row says
  // whether there is more beyond the page in the direction we moved.
  const more = rows.length > pageSize;
  const page = direction === "older" ? rows.slice(0, pageSize) : rows.slice(rows.length - Math.min(rows.length, pageSize));
  const events = page.map(
    (r): AuditEventRow => ({
      id: r.id.toString(),
      createdAt: r.created_at,
      actorUserId: r.actor_user_id,
      actorEmail: r.actor_email,
      actorName: r.actor_name,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
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
}
