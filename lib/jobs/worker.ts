// The background jobs, on graphile-worker (a Postgres-backed queue: jobs are
// rows, so they survive a restart, and retries and schedules come with it).
// The worker connects as the owner role (DATABASE_URL): its jobs act across
// tenants by design, and they never serve a request. Every job is idempotent:
// run twice, it does its work once.
import pg from "pg";
import { run, type Runner, type TaskList } from "graphile-worker";
import { purgeWorkspace, workspacesDueForPurge } from "./purge";
import { sweepIdempotencyKeys } from "./idempotency";
import { applyAuditRetention, workspacesDueForRetention } from "./retention";
import { sendTransferEmail, sweepTransfers, type TransferEmailJob } from "./transfer";

/**
 * What the app asks for by NOTIFY (it may not touch the queue's tables):
 * "purge" = sweep for purges now; "transfer" = move ownership transfers on
 * and queue their emails now.
 */
export const JOBS_CHANNEL = "tenantry_jobs";

export function taskList(db: pg.Pool, clock: () => Date = () => new Date()): TaskList {
  return {
    // Finds what is due and queues one job per workspace (a job key keeps it to one).
    purge_sweep: async (_payload, helpers) => {
      for (const tenantId of await workspacesDueForPurge(db, clock())) {
        await helpers.addJob("purge_workspace", { tenantId }, { jobKey: `purge:${tenantId}`, maxAttempts: 10 });
      }
    },
    purge_workspace: async (payload, helpers) => {
      const { tenantId } = payload as { tenantId: string };
      const outcome = await purgeWorkspace(db, tenantId, { now: clock() });
      helpers.logger.info(`purge ${tenantId}: ${JSON.stringify(outcome)}`);
    },
    // Ownership transfers (lib/jobs/transfer.ts): what is due moves on, each step's emails are queued once…
    transfer_sweep: async (_payload, helpers) => {
      const outcome = await sweepTransfers(db, clock());
      if (Object.keys(outcome.moved).length || outcome.emailsQueued) helpers.logger.info(`transfers: ${JSON.stringify(outcome)}`);
      // The others have moved on; these are tried again at the next sweep (a minute on), so the job does not fail and pile up retries.
      if (Object.keys(outcome.failed).length) helpers.logger.error(`transfers not moved on: ${JSON.stringify(outcome.failed)}`);
    },
    // …and each email is one job, retried until the mail service takes it.
    transfer_email: async (payload) => {
      await sendTransferEmail(db, payload as TransferEmailJob, clock());
    },
    // Audit retention (lib/jobs/retention.ts): the workspaces with events past their plan's retention…
    audit_retention_sweep: async (_payload, helpers) => {
      for (const tenantId of await workspacesDueForRetention(db, clock())) {
        await helpers.addJob("audit_retention", { tenantId }, { jobKey: `audit_retention:${tenantId}`, maxAttempts: 10 });
      }
    },
    // …each deleted in batches, one job per workspace.
    audit_retention: async (payload, helpers) => {
      const { tenantId } = payload as { tenantId: string };
      const outcome = await applyAuditRetention(db, tenantId, { now: clock() });
      if (!outcome.applied || outcome.deleted) helpers.logger.info(`audit retention ${tenantId}: ${JSON.stringify(outcome)}`);
    },
    // Idempotency-Key records past their 24 hours (lib/jobs/idempotency.ts).
    idempotency_sweep: async (_payload, helpers) => {
      const deleted = await sweepIdempotencyKeys(db, clock());
      if (deleted) helpers.logger.info(`idempotency keys: ${deleted} lapsed records deleted`);
    },
  };
}

// Hourly: a workspace's 30 days are up within the hour after they end.
// Every minute: a transfer's deadline is kept to the minute.
// Daily at 03:30 UTC: audit retention (a worker that was down then catches up when it starts, within a day).
// Hourly at :15: lapsed Idempotency-Key records.
export const CRONTAB = [
  "0 * * * * purge_sweep",
  "* * * * * transfer_sweep",
  "30 3 * * * audit_retention_sweep ?fill=1d",
  "15 * * * * idempotency_sweep",
].join("\n");

export interface JobsWorker {
  stop(): Promise<void>;
}

/**
 * Starts the queue's worker on `connectionString` (the owner's): runs due
 * jobs, the hourly sweep, and a sweep whenever the app notifies that an owner
 * asked for a purge.
 */
export async function startJobsWorker(connectionString: string, options: { concurrency?: number } = {}): Promise<JobsWorker> {
  const db = new pg.Pool({ connectionString, max: 4 });
  // A connection that fails while idle is discarded by pg; without a listener the error would be thrown.
  db.on("error", (error) => console.error("[jobs] idle connection failed:", error.message));
  db.on("connect", (client) => client.on("error", (error) => console.error("[jobs] connection failed:", error.message)));
  const check = await db.query<{ bypass: boolean }>("SELECT rolsuper OR rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user");
  if (!check.rows[0]?.bypass) {
    await db.end();
    throw new Error(
      "The worker's DATABASE_URL role must bypass row-level security (a superuser, or a role WITH BYPASSRLS): its jobs act across tenants.",
    );
  }
  const runner: Runner = await run({
    pgPool: db,
    concurrency: options.concurrency ?? 2,
    noHandleSignals: true,
    pollInterval: 2_000,
    taskList: taskList(db),
    crontab: CRONTAB,
  });
  const listener = await db.connect();
  listener.on("notification", (message) => {
    if (message.payload === "purge") void runner.addJob("purge_sweep", {}, { jobKey: "purge_sweep" });
    if (message.payload === "transfer") void runner.addJob("transfer_sweep", {}, { jobKey: "transfer_sweep" });
  });
  await listener.query(`LISTEN ${JOBS_CHANNEL}`);
  // Anything that came due while no worker ran.
  await runner.addJob("purge_sweep", {}, { jobKey: "purge_sweep" });
  await runner.addJob("transfer_sweep", {}, { jobKey: "transfer_sweep" });
  return {
    async stop() {
      listener.release();
      await runner.stop();
      await db.end();
    },
  };
}
