// Idempotency-Key records (lib/api/idempotency.ts) answer a repeated POST for
// 24 hours; after that they are dead weight — each holds the first answer's
// body, up to the API's 64 KB — and a record is otherwise removed only when
// its own key is used again. The hourly sweep deletes the lapsed ones, in
// bounded batches, on the worker's (owner's) connection.
import type pg from "pg";

/** How long a record answers a repeat of its request. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

const BATCH = 5_000;

/** Deletes every record older than the window at `now`; returns how many. */
export async function sweepIdempotencyKeys(db: pg.Pool, now: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `DELETE FROM api_idempotency_keys
        WHERE ctid IN (SELECT ctid FROM api_idempotency_keys
                        WHERE created_at < $1::timestamptz - make_interval(hours => $2::int)
                        LIMIT $3)`,
      [now, IDEMPOTENCY_WINDOW_HOURS, BATCH],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return deleted;
  }
}
