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
    // Finds what is due and queues one job per workspace. A job key keeps it to
    // one waiting job; the workspace's own named queue keeps it to one running
    // job (a job queued again while one runs is a new job, which waits for it).
    purge_sweep: async (_payload, helpers) => {
      for (const tenantId of await workspacesDueForPurge(db, clock())) {
        await helpers.addJob("purge_workspace", { tenantId }, { jobKey: `purge:${tenantId}`, queueName: `purge:${tenantId}`, maxAttempts: 10 });
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
        const name = `audit_retention:${tenantId}`;
        await helpers.addJob("audit_retention", { tenantId }, { jobKey: name, queueName: name, maxAttempts: 10 });
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
    // The per-workspace named queues above outlive their jobs until they are
    // deleted; each one left would be locked and checked whenever a worker
    // looks for a job.
    job_queues_cleanup: async () => {
      await deleteUnusedJobQueues(db);
    },
  };
}

/**
 * Deletes the named queues no job uses, as graphile-worker's GC_JOB_QUEUES
 * cleanup does, but without racing a job being added to one of them. add_job
 * makes sure its queue exists in one statement and inserts the job, naming
 * the queue's id, in a later one: a cleanup that ran between the two, or that
 * did not yet see the job's uncommitted row, deleted the queue, and the job
 * was left in a queue that no longer exists, which no worker takes a job from.
 * The cleanup takes a lock that waits for every transaction that has begun
 * adding a job (or taking one) to end, and holds back those that begin,
 * while it deletes; a job added after it recreates its queue.
 */
export async function deleteUnusedJobQueues(db: pg.Pool): Promise<number> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL lock_timeout = '5s'");
    await client.query("LOCK TABLE graphile_worker._private_job_queues IN SHARE ROW EXCLUSIVE MODE");
    const { rowCount } = await client.query(
      `DELETE FROM graphile_worker._private_job_queues q
        WHERE q.locked_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.job_queue_id = q.id)`,
    );
    await client.query("COMMIT");
    return rowCount ?? 0;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

// Hourly: a workspace's 30 days are up within the hour after they end.
// Every minute: a transfer's deadline is kept to the minute.
// Daily at 03:30 UTC: audit retention (a worker that was down then catches up when it starts, within a day).
// Hourly at :15: lapsed Idempotency-Key records.
// Hourly at :45: named queues no job uses any more.
export const CRONTAB = [
  "0 * * * * purge_sweep",
  "* * * * * transfer_sweep",
  "30 3 * * * audit_retention_sweep ?fill=1d",
  "15 * * * * idempotency_sweep",
  "45 * * * * job_queues_cleanup",
].join("\n");

export interface JobsWorker {
  stop(): Promise<void>;
}

const LISTENER_CONNECT_TIMEOUT_MS = 10_000;
const LISTENER_RETRY_FIRST_MS = 250;
const LISTENER_RETRY_MOST_MS = 30_000;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A connection of its own that LISTENs on JOBS_CHANNEL, kept listening. When
 * it fails or closes (Postgres restarted, a network failure, its backend
 * terminated) it is discarded and a new one is opened, at once and then after
 * 0.25 s, 0.5 s, … up to every 30 s, for as long as it takes. Notifications
 * sent in between are lost, so `catchUp` runs each time it listens again.
 */
class JobsListener {
  private client: pg.Client | undefined;
  private connecting = false;
  private stopping = false;
  private reconnecting: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly onNotification: (payload: string | undefined) => void,
    private readonly catchUp: () => Promise<void>,
  ) {}

  /** Listens for the first time (a failure is the caller's). */
  async start(): Promise<void> {
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // pg cannot abort a connection being opened (its connect would never
    // settle): that one is ended when it is open, within the connect timeout.
    if (!this.connecting) this.drop();
    await this.reconnecting;
    this.drop();
  }

  private async listen(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: LISTENER_CONNECT_TIMEOUT_MS,
      // An idle connection can be dropped without a word (a NAT's or a firewall's timeout); keepalives find out.
      keepAlive: true,
      keepAliveInitialDelayMillis: 60_000,
    });
    this.client = client;
    let live = false;
    const lost = (error?: Error) => {
      if (this.client !== client) return; // already discarded
      this.drop();
      if (!live || this.stopping) return; // an attempt's failure is reported by the attempt
      console.error(`[jobs] the connection listening for the app's notifications ${error ? `failed: ${error.message}` : "closed"}; listening again`);
      this.reconnecting ??= this.reconnect();
    };
    client.on("error", lost);
    client.on("end", () => lost());
    client.on("notification", (message) => {
      if (message.channel === JOBS_CHANNEL) this.onNotification(message.payload);
    });
    this.connecting = true;
    try {
      await client.connect();
    } finally {
      this.connecting = false;
    }
    if (this.stopping) throw new Error("the worker is stopping");
    await client.query(`LISTEN ${JOBS_CHANNEL}`);
    if (this.client !== client) throw new Error("the connection closed as it began to listen");
    live = true;
    return client;
  }

  private async reconnect(): Promise<void> {
    try {
      for (let failures = 0; !this.stopping; failures++) {
        if (failures > 0) await this.pause(Math.min(LISTENER_RETRY_MOST_MS, LISTENER_RETRY_FIRST_MS * 2 ** (failures - 1)));
        if (this.stopping) return;
        try {
          const client = await this.listen();
          await this.catchUp();
          // Lost again while catching up: its loss was left to this loop.
          if (this.client !== client) throw new Error("the connection closed again");
          console.info("[jobs] listening for the app's notifications again");
          return;
        } catch (error) {
          this.drop();
          if (this.stopping) return;
          const next = Math.min(LISTENER_RETRY_MOST_MS, LISTENER_RETRY_FIRST_MS * 2 ** failures);
          console.error(`[jobs] could not listen for the app's notifications again (${reason(error)}); trying again in ${next / 1000} s`);
        }
      }
    } finally {
      this.reconnecting = undefined;
    }
  }

  /** Discards the current connection, if any (its 'end' and 'error' are then ignored). */
  private drop(): void {
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => {});
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/**
 * Starts the queue's worker on `connectionString` (the owner's): runs due
 * jobs, the hourly sweep, and a sweep whenever the app notifies that an owner
 * asked for a purge or a transfer moved on.
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
  const sweep = (task: "purge_sweep" | "transfer_sweep") => runner.addJob(task, {}, { jobKey: task });
  // Anything that came due while no worker ran, or while nothing listened.
  const catchUp = async () => {
    await sweep("purge_sweep");
    await sweep("transfer_sweep");
  };
  const listener = new JobsListener(
    connectionString,
    (payload) => {
      const task = payload === "purge" ? "purge_sweep" : payload === "transfer" ? "transfer_sweep" : undefined;
      // The database may be gone for a moment; the sweep queued when it listens again makes up for it.
      if (task) sweep(task).catch((error) => console.error(`[jobs] could not queue ${task} on a notification:`, reason(error)));
    },
    catchUp,
  );
  try {
    await listener.start();
    await catchUp();
  } catch (error) {
    await listener.stop();
    await runner.stop();
    await db.end();
    throw error;
  }
  return {
    async stop() {
      await listener.stop();
      await runner.stop();
      await db.end();
    },
  };
}
