// Audit retention (seed 003): each workspace's events older than its plan's
// "audit retention days" are deleted, daily, by the worker. The deleting is
// the database's: app_audit_apply_retention (migration
// 20261204900000_audit_retention) reads the cutoff from the plan, never later
// than the database's clock, and deletes one bounded batch per call — each
// call its own short transaction, so a log of millions never holds a lock
// for long, and a run that is stopped half-way resumes at the next one.
// A run that deleted something says so in the workspace's own log
// (audit.retention.apply: how many, before when), an event as young as the
// run itself.
//
// An export in progress is not disturbed: it reads one REPEATABLE READ
// snapshot (lib/audit/export-worker.ts), in which the rows deleted after it
// began are still there until it ends.
import type pg from "pg";

export const RETENTION_BATCH_ROWS = 5_000;
export const RETENTION_ACTION = "audit.retention.apply";

/** The workspaces with events older than their plan's retention at `now` (never later than the database's clock). */
export async function workspacesDueForRetention(db: pg.Pool | pg.PoolClient, now: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT t.id FROM tenants t JOIN plans p ON p.id = t.plan_id
      WHERE p.audit_retention_days IS NOT NULL AND t.status <> 'deleted'
        AND EXISTS (SELECT 1 FROM audit_log l
                     WHERE l.tenant_id = t.id
                       AND l.created_at < least($1::timestamptz, statement_timestamp()) - make_interval(days => p.audit_retention_days))
      ORDER BY t.id`,
    [now],
  );
  return rows.map((r) => r.id);
}

export type RetentionOutcome =
  | { applied: true; deleted: number; cutoff: Date | null; retentionDays: number | null; batches: number }
  | { applied: false; reason: "busy" };

/**
 * Applies a workspace's retention at `now`: batches until nothing is older
 * than the cutoff, then one audit.retention.apply event if anything went.
 * Another run for the same workspace (another worker) makes this one return
 * `busy` at once. `onBatch` is told of each committed batch (tests use it).
 */
export async function applyAuditRetention(
  db: pg.Pool,
  tenantId: string,
  options: { now?: Date; batchRows?: number; onBatch?: (deleted: number) => void | Promise<void> } = {},
): Promise<RetentionOutcome> {
  const now = options.now ?? new Date();
  const batchRows = options.batchRows ?? RETENTION_BATCH_ROWS;
  const client = await db.connect();
  const lock = ["audit_retention_run:" + tenantId];
  try {
    const { rows: locked } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok", lock);
    if (!locked[0]?.ok) return { applied: false, reason: "busy" };
    try {
      let deleted = 0;
      let batches = 0;
      let cutoff: Date | null = null;
      let retentionDays: number | null = null;
      for (;;) {
        // Autocommit: each call is its own transaction.
        const { rows } = await client.query<{ deleted: number; cutoff: Date | null; retention_days: number | null }>(
          "SELECT deleted, cutoff, retention_days FROM app_audit_apply_retention($1, $2, $3)",
          [tenantId, now, batchRows],
        );
        const batch = rows[0]!;
        cutoff = batch.cutoff;
        retentionDays = batch.retention_days;
        if (batch.deleted === 0) break;
        deleted += batch.deleted;
        batches++;
        await options.onBatch?.(batch.deleted);
        if (batch.deleted < batchRows) break;
      }
      if (deleted > 0) {
        await client.query(
          `INSERT INTO audit_log (tenant_id, action, target_type, metadata)
           SELECT t.id, $2, 'audit_log', jsonb_build_object('deleted', $3::int, 'retention_days', $5::int, 'plan', t.plan_id,
                                'cutoff', to_char($4::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
             FROM tenants t WHERE t.id = $1`,
          [tenantId, RETENTION_ACTION, deleted, cutoff, retentionDays],
        );
      }
      return { applied: true, deleted, cutoff, retentionDays, batches };
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", lock);
    }
  } finally {
    client.release();
  }
}
