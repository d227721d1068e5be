// Purging deleted workspaces: the one job that removes a tenant's rows. It
// runs in the worker (`npm run worker`) on the owner's connection — never on
// a request path — in small committed batches, so no lock is held long and a
// purge that is killed half-way resumes where it stopped. What is left at the
// end is a tombstone: who the workspace was, and who purged it when.
import type pg from "pg";
import { PURGE_AFTER_DAYS } from "@/lib/retention";

export const PURGE_BATCH_ROWS = 5_000;

/**
 * A tenant due for its purge at $1 (now) after $2 days in the trash: its time
 * is up, its owners asked, or a purge has started on it.
 */
const DUE = `status = 'deleted'
  AND (purge_requested_at IS NOT NULL OR purge_started_at IS NOT NULL OR deleted_at <= $1::timestamptz - make_interval(days => $2))`;

/** The deleted workspaces whose time is up at `now`, or whose owners asked to purge them. */
export async function workspacesDueForPurge(db: pg.Pool | pg.PoolClient, now: Date, afterDays = PURGE_AFTER_DAYS): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM tenants WHERE ${DUE} ORDER BY deleted_at`, [now, afterDays]);
  return rows.map((r) => r.id);
}

/**
 * Every table with a tenant_id, ordered so that a table comes before the
 * tables it references (the words before the audit events they index):
 * discovered, so a new tenant-scoped table is purged too.
 */
async function tenantTablesInDeleteOrder(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string; references: string[] | null }>(`
    SELECT c.relname::text AS table_name,
           array_agg(DISTINCT r.relname::text) FILTER (WHERE r.relname IS NOT NULL AND r.relname <> c.relname) AS references
      FROM pg_class c
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
      LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
      LEFT JOIN pg_class r ON r.oid = k.confrelid
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
     GROUP BY c.relname`);
  const references = new Map(rows.map((r) => [r.table_name, new Set(r.references ?? [])]));
  const ordered: string[] = [];
  const place = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    // Whoever references this table goes first.
    for (const [other, refs] of references) if (refs.has(table)) place(other, path);
    ordered.push(table);
  };
  for (const table of [...references.keys()].sort()) place(table, new Set());
  return ordered;
}

export interface PurgeProgress {
  table: string;
  rows: number;
}

export type PurgeOutcome = { purged: true; rows: Record<string, number> } | { purged: false; reason: "not_due" | "gone" };

/**
 * Purges one deleted workspace if it is due at `now`. `onBatch` is told of
 * each committed batch (tests use it to stop a purge half-way, as a crash would).
 */
export async function purgeWorkspace(
  db: pg.Pool,
  tenantId: string,
  options: { now: Date; afterDays?: number; batchRows?: number; onBatch?: (progress: PurgeProgress) => void | Promise<void> },
): Promise<PurgeOutcome> {
  const afterDays = options.afterDays ?? PURGE_AFTER_DAYS;
  const batchRows = options.batchRows ?? PURGE_BATCH_ROWS;
  const { rows: found } = await db.query<{ status: string }>("SELECT status FROM tenants WHERE id = $1", [tenantId]);
  if (!found[0]) return { purged: false, reason: "gone" };
  // The claim, before the first delete: under the row's lock, a workspace still
  // deleted and due is marked as being purged, and from then on nothing can
  // restore it (restoreTenant reads the mark under the same lock; the database
  // refuses the restore and admits the log's deletes only with it). A restore
  // that came first leaves nothing to claim.
  const { rowCount: claimed } = await db.query(
    `UPDATE tenants SET purge_started_at = coalesce(purge_started_at, now()) WHERE id = $3 AND ${DUE}`,
    [options.now, afterDays, tenantId],
  );
  if (!claimed) return { purged: false, reason: "not_due" };

  const removed: Record<string, number> = {};
  for (const table of await tenantTablesInDeleteOrder(db)) {
    removed[table] = 0;
    for (;;) {
      const client = await db.connect();
      let count: number;
      try {
        await client.query("BEGIN");
        // The append-only audit log gives way for this workspace only, and only while it is deleted.
        await client.query("SELECT set_config('app.purge_tenant', $1, true)", [tenantId]);
        const result = await client.query(
          `DELETE FROM "${table}" WHERE ctid = ANY (ARRAY(SELECT ctid FROM "${table}" WHERE tenant_id = $1 LIMIT $2))`,
          [tenantId, batchRows],
        );
        await client.query("COMMIT");
        count = result.rowCount ?? 0;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
      if (count === 0) break;
      removed[table] += count;
      await options.onBatch?.({ table, rows: count });
    }
  }

  const client = await db.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO tenant_tombstones (id, name, slug, created_at, deleted_at, deleted_by, purged_at, purged_by, purged_by_email, reason)
       SELECT t.id, t.name, t.slug, t.created_at, t.deleted_at, t.deleted_by, $2, t.purge_requested_by, u.email,
              CASE WHEN t.purge_requested_at IS NOT NULL THEN 'owner' ELSE 'retention' END
         FROM tenants t LEFT JOIN users u ON u.id = t.purge_requested_by
        WHERE t.id = $1 AND t.status = 'deleted'
       ON CONFLICT (id) DO NOTHING`,
      [tenantId, options.now],
    );
    await client.query("DELETE FROM tenants WHERE id = $1 AND status = 'deleted'", [tenantId]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return { purged: true, rows: removed };
}
