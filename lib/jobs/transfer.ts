// The ownership transfer's timed steps (seed 001), run by the worker on the
// owner's connection: what falls due at `now` (the clock is the caller's, so
// tests move it) moves on, each in its own transaction with its audit row,
// and the emails a step calls for are queued in that same transaction as
// graphile-worker jobs (one per recipient, keyed, so a step's emails are
// queued once and each is retried until it is sent). Every function here is
// idempotent: run twice, it acts once. A workspace that is not active
// (suspended or deleted) is left alone: its transfer does not progress. The
// one email a deleted workspace's transfer still gets is how it ended: its
// deletion cancelled it (end_reason workspace_deleted), and the parties who
// did not delete it are told — both of them when the platform's operators
// deleted it from the console (no ended_by: app_private.tenant_delete).
import type pg from "pg";
import { createElement, type ReactElement } from "react";
import { TransferAcceptEmail, TransferCoolingEmail, TransferEndedEmail, TransferFinalEmail } from "@/emails/ownership-transfer";
import { sendEmail } from "@/lib/email-transport";
import { TRANSFER_PAGE, TRANSFER_TIMINGS, type TransferStatus } from "@/lib/transfer/steps";
import { appBaseUrl } from "@/lib/urls";

interface Row {
  id: string;
  tenant_id: string;
  status: TransferStatus;
  from_user_id: string;
  to_user_id: string;
  from_email: string;
  to_email: string;
  due_at: Date | null;
  notified_status: TransferStatus | null;
  to_told: boolean;
  ended_by: string | null;
  end_reason: string | null;
  tenant_status: string;
  from_role: string | null;
  to_role: string | null;
}

const SELECT_ROW = `
  SELECT t.id, t.tenant_id, t.status, t.from_user_id, t.to_user_id, t.due_at, t.notified_status, t.to_told, t.ended_by, t.end_reason, n.status::text AS tenant_status,
         fu.email AS from_email, tu.email AS to_email,
         (SELECT m.role::text FROM tenant_members m WHERE m.tenant_id = t.tenant_id AND m.user_id = t.from_user_id) AS from_role,
         (SELECT m.role::text FROM tenant_members m WHERE m.tenant_id = t.tenant_id AND m.user_id = t.to_user_id) AS to_role
    FROM ownership_transfers t JOIN tenants n ON n.id = t.tenant_id
    JOIN users fu ON fu.id = t.from_user_id JOIN users tu ON tu.id = t.to_user_id`;

const LIVE = "('pending_confirmation', 'confirmed', 'awaiting_final', 'cooling', 'awaiting_acceptance')";

async function inTransaction<T>(db: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function audit(client: pg.PoolClient, row: Row, action: string, metadata: Record<string, unknown>) {
  // The schedule acts, not a person: no actor.
  await client.query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
     VALUES ($1, NULL, NULL, $2, 'ownership_transfer', $3, $4::jsonb)`,
    [row.tenant_id, action, row.id, JSON.stringify({ from_email: row.from_email, to_email: row.to_email, ...metadata })],
  );
}

/** A transfer its workspace's deletion ended: its parties are told so, with the workspace in the trash. */
const ENDED_WITH_WORKSPACE = "(t.status = 'cancelled' AND t.end_reason = 'workspace_deleted')";

export type TransferMove = "expired" | "awaiting_final" | "awaiting_acceptance" | "cancelled" | null;

/**
 * Moves one transfer on if its time is up at `now`: an unanswered step
 * expires; a confirmation 24 hours old is followed by the final one; a
 * cooling period that ended opens acceptance. A transfer whose parties are
 * no longer owner and member is cancelled. Nothing happens to a transfer of
 * a workspace that is not active, nor to one not due.
 */
export async function advanceTransfer(db: pg.Pool, transferId: string, now: Date): Promise<TransferMove> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<Row>(`${SELECT_ROW} WHERE t.id = $1 AND t.status IN ${LIVE} FOR UPDATE OF t`, [transferId]);
    const row = rows[0];
    if (!row || row.tenant_status !== "active") return null;
    if (row.from_role !== "owner" || row.to_role === null) {
      await client.query(
        `UPDATE ownership_transfers SET status = 'cancelled', due_at = NULL, confirm_token_hash = NULL, ended_at = $2, end_reason = 'party_left' WHERE id = $1`,
        [row.id, now],
      );
      await audit(client, row, "ownership.transfer.cancel", { step: row.status, reason: "party_left" });
      return "cancelled";
    }
    if (!row.due_at || row.due_at.getTime() > now.getTime()) return null;
    if (row.status === "confirmed") {
      const due = new Date(now.getTime() + TRANSFER_TIMINGS.finalWindowMs);
      await client.query(`UPDATE ownership_transfers SET status = 'awaiting_final', due_at = $2 WHERE id = $1`, [row.id, due]);
      await audit(client, row, "ownership.transfer.final_request", { expires_at: due.toISOString() });
      return "awaiting_final";
    }
    if (row.status === "cooling") {
      const due = new Date(now.getTime() + TRANSFER_TIMINGS.acceptWindowMs);
      await client.query(`UPDATE ownership_transfers SET status = 'awaiting_acceptance', due_at = $2 WHERE id = $1`, [row.id, due]);
      await audit(client, row, "ownership.transfer.acceptance_open", { expires_at: due.toISOString() });
      return "awaiting_acceptance";
    }
    await client.query(
      `UPDATE ownership_transfers SET status = 'expired', due_at = NULL, confirm_token_hash = NULL, ended_at = $2, end_reason = 'expired' WHERE id = $1`,
      [row.id, now],
    );
    await audit(client, row, "ownership.transfer.expire", { step: row.status });
    return "expired";
  });
}

/** Who is emailed at a step, and which email. */
const NOTICES: Partial<Record<TransferStatus, string>> = {
  awaiting_final: "final",
  cooling: "cooling",
  awaiting_acceptance: "accept",
  completed: "ended",
  cancelled: "ended",
  expired: "ended",
};

/**
 * Queues the emails of the step a transfer is at, once per step (the row
 * remembers which step's emails it queued): the final confirmation to the
 * owner, the cooling notice to everyone the matrix lets see it (ownership.transfer.read:
 * every admin and every other owner), the
 * invitation to accept to the new owner, and how it ended to each party who
 * did not end it — to the new owner only once they were told of it (the
 * cooling notice or the invitation to accept: `to_told`), so that one who
 * never heard of a transfer is not told it expired or was cancelled.
 */
export async function queueTransferEmails(db: pg.Pool, transferId: string): Promise<number> {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<Row>(`${SELECT_ROW} WHERE t.id = $1 FOR UPDATE OF t`, [transferId]);
    const row = rows[0];
    const endedWithWorkspace = row?.status === "cancelled" && row.end_reason === "workspace_deleted";
    if (!row || (row.tenant_status !== "active" && !(endedWithWorkspace && row.tenant_status === "deleted")) || row.notified_status === row.status) return 0;
    const kind = NOTICES[row.status];
    let recipients: string[] = [];
    if (kind === "final") recipients = [row.from_user_id];
    if (kind === "accept") recipients = [row.to_user_id];
    // How it ended, to each party who did not end it themselves (a deletion of
    // its workspace included); to the new owner only if they had been told of it.
    if (kind === "ended") {
      recipients = [row.from_user_id, ...(row.to_told ? [row.to_user_id] : [])].filter((id) => id !== row.ended_by);
    }
    if (kind === "cooling") {
      const { rows: managers } = await client.query<{ user_id: string }>(
        `SELECT m.user_id FROM tenant_members m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = $1 AND u.active AND m.user_id <> $2
            AND m.role IN (SELECT rp.role FROM role_permissions rp WHERE rp.permission = 'ownership.transfer.read')
          ORDER BY m.user_id`,
        [row.tenant_id, row.from_user_id],
      );
      recipients = managers.map((m) => m.user_id);
    }
    for (const userId of recipients) await queueTransferEmail(client, { transferId: row.id, userId, status: row.status });
    const told = kind !== "ended" && recipients.includes(row.to_user_id);
    await client.query("UPDATE ownership_transfers SET notified_status = status, to_told = to_told OR $2 WHERE id = $1", [row.id, told]);
    if (kind) {
      const { rows: addressed } = await client.query<{ email: string }>(
        "SELECT u.email FROM unnest($1::uuid[]) WITH ORDINALITY AS r(id, n) JOIN users u ON u.id = r.id ORDER BY r.n",
        [recipients],
      );
      await audit(client, row, "ownership.transfer.notify", { step: row.status, recipients: recipients.length, recipient_emails: addressed.map((a) => a.email) });
    }
    return recipients.length;
  });
}

/** What the sweep did; `failed`: the transfers it could not move on or queue emails for, and why. */
export interface TransferSweep {
  moved: Record<string, TransferMove>;
  emailsQueued: number;
  failed: Record<string, string>;
}

/**
 * Every transfer that is due, or whose parties changed, moves on; then every
 * step's emails are queued. Each transfer is its own transaction, and one
 * that fails is reported and passed over: it would otherwise stop every
 * transfer after it, at every sweep, for as long as it keeps failing.
 */
export async function sweepTransfers(db: pg.Pool, now: Date): Promise<TransferSweep> {
  const { rows: due } = await db.query<{ id: string }>(
    `SELECT t.id FROM ownership_transfers t JOIN tenants n ON n.id = t.tenant_id AND n.status = 'active'
      WHERE t.status IN ${LIVE}
        AND (t.due_at <= $1
             OR NOT EXISTS (SELECT 1 FROM tenant_members m WHERE m.tenant_id = t.tenant_id AND m.user_id = t.from_user_id AND m.role = 'owner')
             OR NOT EXISTS (SELECT 1 FROM tenant_members m WHERE m.tenant_id = t.tenant_id AND m.user_id = t.to_user_id))
      ORDER BY t.due_at`,
    [now],
  );
  const failed: Record<string, string> = {};
  const each = async <T>(id: string, step: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await step();
    } catch (error) {
      failed[id] ??= error instanceof Error ? error.message : String(error);
      return undefined;
    }
  };
  // A step's emails go out before the step ends (the cooling notice before acceptance opens), and after each move.
  let emailsQueued = await queueDueEmails(db, each);
  const moved: Record<string, TransferMove> = {};
  for (const { id } of due) {
    const move = await each(id, () => advanceTransfer(db, id, now));
    if (move !== undefined) moved[id] = move;
  }
  emailsQueued += await queueDueEmails(db, each);
  return { moved, emailsQueued, failed };
}

async function queueDueEmails(db: pg.Pool, each: <T>(id: string, step: () => Promise<T>) => Promise<T | undefined>): Promise<number> {
  const { rows: unnotified } = await db.query<{ id: string }>(
    `SELECT t.id FROM ownership_transfers t
       JOIN tenants n ON n.id = t.tenant_id AND (n.status = 'active' OR (n.status = 'deleted' AND ${ENDED_WITH_WORKSPACE}))
      WHERE t.status IN ('awaiting_final', 'cooling', 'awaiting_acceptance', 'completed', 'cancelled', 'expired')
        AND t.notified_status IS DISTINCT FROM t.status`,
  );
  let queued = 0;
  for (const { id } of unnotified) queued += (await each(id, () => queueTransferEmails(db, id))) ?? 0;
  return queued;
}

/** How long an email of a suspended workspace's transfer waits before it looks again. */
export const SUSPENDED_RETRY_MS = 60 * 60_000;

/** Queues one email (keyed: queued again, it is still one job), to run at `runAt` (now by default). */
async function queueTransferEmail(db: pg.Pool | pg.PoolClient, job: TransferEmailJob, runAt: Date | null = null): Promise<void> {
  await db.query("SELECT graphile_worker.add_job('transfer_email', $1::json, job_key := $2, run_at := $3, max_attempts := 10)", [
    JSON.stringify(job),
    `transfer-email:${job.transferId}:${job.status}:${job.userId}`,
    runAt,
  ]);
}

const ENDED_SUBJECT = { completed: "Ownership transferred", cancelled: "Ownership transfer cancelled", expired: "Ownership transfer expired" } as const;

export interface TransferEmailJob {
  transferId: string;
  userId: string;
  status: TransferStatus;
}

/**
 * Sends one queued email, if its step is still current (a transfer cancelled
 * since sends nothing) and its workspace is not in the trash — except the
 * email saying the workspace's deletion cancelled the transfer. A suspended workspace's transfer is held where it is,
 * not ended: its email is queued again for later ("held") rather than
 * dropped, since its step was already marked as notified and nothing would
 * queue it again once the workspace is lifted. Throws when the mail service
 * fails, so the queue retries it.
 */
export async function sendTransferEmail(db: pg.Pool, job: TransferEmailJob, now: Date = new Date()): Promise<"sent" | "stale" | "held"> {
  const { rows } = await db.query<{
    status: TransferStatus;
    due_at: Date | null;
    tenant_status: string;
    workspace: string;
    from_name: string;
    to_name: string;
    ended_by_name: string | null;
    end_reason: string | null;
    ended_by: string | null;
    from_user_id: string;
    to_user_id: string;
    email: string | null;
  }>(
    `SELECT t.status, t.due_at, t.end_reason, t.ended_by, t.from_user_id, t.to_user_id, n.status::text AS tenant_status, n.name AS workspace,
            coalesce(fu.name, fu.email) AS from_name, coalesce(tu.name, tu.email) AS to_name,
            CASE WHEN t.ended_by IS NOT NULL
                 THEN coalesce((SELECT coalesce(u.name, u.email) FROM users u WHERE u.id = t.ended_by), 'a former member') END AS ended_by_name,
            (SELECT u.email FROM users u WHERE u.id = $2 AND u.active) AS email
       FROM ownership_transfers t JOIN tenants n ON n.id = t.tenant_id
       JOIN users fu ON fu.id = t.from_user_id JOIN users tu ON tu.id = t.to_user_id
      WHERE t.id = $1`,
    [job.transferId, job.userId],
  );
  const row = rows[0];
  const endedWithWorkspace = row?.status === "cancelled" && row.end_reason === "workspace_deleted";
  if (!row || row.status !== job.status || (row.tenant_status === "deleted" && !endedWithWorkspace) || !row.email) return "stale";
  if (row.tenant_status === "blocked") {
    await queueTransferEmail(db, job, new Date(now.getTime() + SUSPENDED_RETRY_MS));
    return "held";
  }
  // A party is spoken to as "you".
  const you = job.userId === row.from_user_id ? "from" : job.userId === row.to_user_id ? "to" : undefined;
  const parties = { workspaceName: row.workspace, fromName: row.from_name, toName: row.to_name, url: `${appBaseUrl()}${TRANSFER_PAGE}`, you } as const;
  let subject: string;
  let react: ReactElement;
  if (job.status === "completed" || job.status === "cancelled" || job.status === "expired") {
    subject = `${ENDED_SUBJECT[job.status]}: ${row.workspace}`;
    react = createElement(TransferEndedEmail, {
      ...parties,
      outcome: job.status,
      cancelledBy: row.ended_by_name,
      workspaceDeleted: row.end_reason === "workspace_deleted",
      declined: row.end_reason === "cancelled" && row.ended_by === row.to_user_id,
    });
  } else if (!row.due_at) {
    return "stale";
  } else if (job.status === "awaiting_final") {
    subject = `Are you sure? Transferring ${row.workspace} is irreversible`;
    react = createElement(TransferFinalEmail, { ...parties, expiresAt: row.due_at });
  } else if (job.status === "cooling") {
    subject = `Ownership of ${row.workspace} is being transferred to ${you === "to" ? "you" : row.to_name}`;
    react = createElement(TransferCoolingEmail, { ...parties, endsAt: row.due_at });
  } else if (job.status === "awaiting_acceptance") {
    subject = `Accept ownership of ${row.workspace}`;
    react = createElement(TransferAcceptEmail, { ...parties, expiresAt: row.due_at });
  } else {
    return "stale";
  }
  const sent = await sendEmail({ to: row.email, subject, react });
  if (!sent.delivered) throw new Error(`transfer email to ${row.email} not sent: ${sent.error}`);
  return "sent";
}
