// The worker itself (startJobsWorker and the queue's options) against a real
// Postgres: it listens for the app's NOTIFY again after its connection is cut,
// and one workspace's purge (or audit retention) jobs never run two at a time.
//
// The worker sweeps the whole database and takes any job of its tasks, so this
// file gives it a database of its own: the other test files' workspaces and
// queued jobs are not its business. The name is a test run's name with this
// process's id, so a run that is killed leaves nothing behind for long (the
// next run drops it).
import { randomBytes } from "node:crypto";
import { quickAddJob, runMigrations, runOnce, type TaskList } from "graphile-worker";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RETENTION_ACTION } from "@/lib/jobs/retention";
import { CRONTAB, JOBS_CHANNEL, startJobsWorker, taskList } from "@/lib/jobs/worker";
import { dropDatabase, withDatabase } from "@/scripts/db/postgres";
import { prepareDatabase } from "@/scripts/db/prepare";
import { ownerDatabaseUrl } from "@/test/fixtures";

const DATABASE = `tenantry_test_${process.pid}`;
let ownerUrl: string;
let owner: pg.Pool;
let app: pg.Pool;
/** A connection to the server's maintenance database, which stays usable while this file's database refuses connections. */
let server: pg.Client;

beforeAll(async () => {
  const prepared = await prepareDatabase({
    serverUrl: ownerDatabaseUrl(),
    database: DATABASE,
    recreate: true,
  });
  ownerUrl = prepared.ownerUrl;
  owner = new pg.Pool({ connectionString: prepared.ownerUrl, max: 4 });
  owner.on("error", (error) => console.error("idle connection failed:", error.message));
  owner.on("connect", (client) => client.on("error", (error) => console.error("connection failed:", error.message)));
  app = new pg.Pool({ connectionString: prepared.appUrl, max: 1 });
  await runMigrations({ pgPool: owner });
  server = new pg.Client({
    connectionString: withDatabase(prepared.ownerUrl, "postgres"),
  });
  await server.connect();
});

afterAll(async () => {
  await owner?.end();
  await app?.end();
  await server?.end();
  await dropDatabase(ownerDatabaseUrl(), DATABASE);
});

const unique = () => randomBytes(5).toString("hex");

/** Polls `check` until it gives something truthy; fails after `ms` (a bound, not a measure of speed). */
async function eventually<T>(what: string, check: () => Promise<T | false | null | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`still waiting, after ${ms / 1000} s, for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Runs `during` while this file's database refuses new connections (a superuser's too); those open stay open. */
async function refuseConnections(during: () => Promise<void>) {
  await server.query(`ALTER DATABASE ${server.escapeIdentifier(DATABASE)} ALLOW_CONNECTIONS false`);
  try {
    await during();
  } finally {
    await server.query(`ALTER DATABASE ${server.escapeIdentifier(DATABASE)} ALLOW_CONNECTIONS true`);
  }
}

/** The backends listening on the jobs channel (the worker's listener). */
async function listeners(): Promise<number[]> {
  const { rows } = await server.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query ILIKE $2 ORDER BY pid", [
    DATABASE,
    `LISTEN ${JOBS_CHANNEL}%`,
  ]);
  return rows.map((r) => r.pid);
}

async function queued(task: string): Promise<number> {
  const { rows } = await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = $1", [task]);
  return rows[0]!.n;
}

async function inProgress(task: string): Promise<number> {
  const { rows } = await owner.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = $1 AND locked_at IS NOT NULL",
    [task],
  );
  return rows[0]!.n;
}

/** A workspace in the trash (not yet due for its purge). */
async function deletedWorkspace(): Promise<string> {
  const slug = `ws-${unique()}`;
  const { rows } = await owner.query<{ id: string }>("INSERT INTO tenants (name, slug) VALUES ($1, $1) RETURNING id", [slug]);
  const id = rows[0]!.id;
  await owner.query("UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [id]);
  return id;
}

/** An owner's "purge now", as the app writes it — without the notification. */
const askForPurge = (tenantId: string) => owner.query("UPDATE tenants SET purge_requested_at = now() WHERE id = $1", [tenantId]);
/** The notification the app sends with it (lib/lifecycle.ts requestPurge), on the app's connection. */
const notifyPurge = () => app.query("SELECT pg_notify('tenantry_jobs', 'purge')");

const purged = async (tenantId: string) => (await owner.query("SELECT 1 FROM tenant_tombstones WHERE id = $1", [tenantId])).rowCount === 1;

describe("the worker's NOTIFY listener", () => {
  it("listens again after its connection is cut, and then catches up with what was asked while it was away", async () => {
    const worker = await startJobsWorker(ownerUrl);
    try {
      const [first, ...others] = await listeners();
      expect(first).toBeDefined();
      expect(others).toEqual([]);
      // The sweep the worker queues when it starts has run.
      await eventually("the sweep queued at start", async () => (await queued("purge_sweep")) === 0);

      // A purge asked for while the listener is away: its notification is lost.
      const away = await deletedWorkspace();
      await askForPurge(away);
      await server.query("SELECT pg_terminate_backend($1)", [first]);
      await eventually("the purge asked for while the listener was away", () => purged(away));

      // Listening again: a purge asked for now is done at once, as the app notifies.
      const again = await eventually("a new listener", async () => {
        const pids = (await listeners()).filter((pid) => pid !== first);
        return pids.length ? pids : undefined;
      });
      expect(again).toHaveLength(1);
      const asked = await deletedWorkspace();
      await askForPurge(asked);
      await notifyPurge();
      await eventually("the purge asked for after the listener came back", () => purged(asked));
    } finally {
      await worker.stop();
    }
  });

  it("keeps trying while the database refuses it, and listens again once it accepts", async () => {
    const refusals = vi.spyOn(console, "error");
    const failed = () => refusals.mock.calls.filter(([line]) => String(line).startsWith("[jobs] could not listen")).length;
    const worker = await startJobsWorker(ownerUrl);
    try {
      await eventually("the sweep queued at start", async () => (await queued("purge_sweep")) === 0);
      const [first] = await listeners();
      const away = await deletedWorkspace();
      await askForPurge(away);
      await refuseConnections(async () => {
        await server.query("SELECT pg_terminate_backend($1)", [first]);
        await eventually("two refused attempts", async () => failed() >= 2);
      });
      await eventually("the purge asked for while the listener was away", () => purged(away));
      expect(await listeners()).toHaveLength(1);
    } finally {
      await worker.stop();
      refusals.mockRestore();
    }
  });

  it("stops while it is trying again, and leaves no listener behind", async () => {
    const refusals = vi.spyOn(console, "error");
    const failed = () => refusals.mock.calls.filter(([line]) => String(line).startsWith("[jobs] could not listen")).length;
    const worker = await startJobsWorker(ownerUrl);
    let stopped = false;
    try {
      const [first] = await listeners();
      await refuseConnections(async () => {
        await server.query("SELECT pg_terminate_backend($1)", [first]);
        await eventually("a refused attempt", async () => failed() >= 1);
        await worker.stop();
        stopped = true;
      });
      await eventually("no listener", async () => (await listeners()).length === 0);
    } finally {
      if (!stopped) await worker.stop();
      refusals.mockRestore();
    }
  });
});

/** A workspace whose plan keeps its log 30 days, with two events 40 days old. */
async function workspaceWithAgedEvents(): Promise<string> {
  const plan = `r-${unique()}`;
  await owner.query("INSERT INTO plans (id, name, audit_retention_days) VALUES ($1, $1, 30)", [plan]);
  const slug = `ws-${unique()}`;
  const { rows } = await owner.query<{ id: string }>("INSERT INTO tenants (name, slug, plan_id) VALUES ($1, $1, $2) RETURNING id", [slug, plan]);
  const id = rows[0]!.id;
  await owner.query(
    "INSERT INTO audit_log (tenant_id, action, created_at) SELECT $1, 'aged', now() - make_interval(days => 40) - make_interval(secs => g) FROM generate_series(1, 2) g",
    [id],
  );
  return id;
}

async function actions(tenantId: string): Promise<string[]> {
  const { rows } = await owner.query<{ action: string }>("SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY id", [tenantId]);
  return rows.map((r) => r.action);
}

describe.each([
  {
    what: "purge",
    sweep: "purge_sweep",
    job: "purge_workspace",
    queue: "purge",
    due: async () => {
      const id = await deletedWorkspace();
      await askForPurge(id);
      return id;
    },
    done: async (id: string) => expect(await purged(id)).toBe(true),
  },
  {
    what: "audit retention",
    sweep: "audit_retention_sweep",
    job: "audit_retention",
    queue: "audit_retention",
    due: workspaceWithAgedEvents,
    done: async (id: string) => expect(await actions(id)).toEqual([RETENTION_ACTION]),
  },
])("a workspace's $what jobs", ({ sweep, job, queue, due, done }) => {
  it("never run two at a time: one queued again while it runs waits for it", async () => {
    const tasks = taskList(owner);
    let running = 0;
    let most = 0;
    let started = 0;
    const firstStarted = deferred();
    const secondStarted = deferred();
    const gate = deferred();
    // The job as the worker runs it, held at its start until the gate opens.
    const held: TaskList = {
      [job]: async (payload, helpers) => {
        running++;
        most = Math.max(most, running);
        (++started === 1 ? firstStarted : secondStarted).resolve();
        try {
          await gate.promise;
          await tasks[job]!(payload, helpers);
        } finally {
          running--;
        }
      },
    };
    const sweepNow = async () => {
      await quickAddJob({ pgPool: owner }, sweep, {}, { jobKey: sweep });
      await runOnce({
        pgPool: owner,
        taskList: { [sweep]: tasks[sweep]! },
        noHandleSignals: true,
      });
    };

    const tenantId = await due();
    await sweepNow();
    const { rows } = await owner.query("SELECT key, queue_name FROM graphile_worker.jobs WHERE task_identifier = $1", [job]);

    const first = runOnce({
      pgPool: owner,
      taskList: held,
      noHandleSignals: true,
    });
    await firstStarted.promise;
    // Queued again while it runs (the next sweep; for a purge, an owner's "purge now")…
    await sweepNow();
    // …another worker finds nothing it may start (or starts the second alongside the first).
    const second = runOnce({
      pgPool: owner,
      taskList: held,
      noHandleSignals: true,
    });
    await Promise.race([second, secondStarted.promise]);
    const alongside = running;
    gate.resolve();
    await Promise.all([first, second]);
    // graphile-worker records a job's end just after its runner moves on: once
    // the first one's is recorded, the second may start.
    await eventually("the first job's end", async () => (await inProgress(job)) === 0);
    await runOnce({ pgPool: owner, taskList: held, noHandleSignals: true });

    expect(alongside).toBe(1);
    expect(most).toBe(1);
    // The second did run, after the first.
    expect(started).toBe(2);
    await done(tenantId);
    // Each workspace's jobs of a kind share one named queue.
    expect(rows).toEqual([{ key: `${queue}:${tenantId}`, queue_name: `${queue}:${tenantId}` }]);
  });
});

it("deletes the named queues no job uses any more, every hour", async () => {
  const name = `purge:${unique()}`;
  await quickAddJob({ pgPool: owner }, "purge_workspace", { tenantId: "00000000-0000-0000-0000-000000000000" }, { queueName: name });
  await runOnce({
    pgPool: owner,
    taskList: taskList(owner),
    noHandleSignals: true,
  });
  await eventually("the job's end", async () => (await queued("purge_workspace")) === 0);
  const queues = () => owner.query("SELECT 1 FROM graphile_worker._private_job_queues WHERE queue_name = $1", [name]).then((r) => r.rowCount);
  expect(await queues()).toBe(1);

  await quickAddJob({ pgPool: owner }, "job_queues_cleanup", {}, { jobKey: "job_queues_cleanup" });
  await runOnce({
    pgPool: owner,
    taskList: taskList(owner),
    noHandleSignals: true,
  });
  expect(await queues()).toBe(0);
  expect(CRONTAB.split("\n")).toContain("45 * * * * job_queues_cleanup");
});

it("keeps a named queue that a job being added meanwhile uses: the job is not left in a queue that is gone", async () => {
  // A queue left over by a job that has ended…
  const name = `purge:${unique()}`;
  const tenantId = "00000000-0000-0000-0000-000000000000";
  await quickAddJob({ pgPool: owner }, "purge_workspace", { tenantId }, { queueName: name });
  await runOnce({ pgPool: owner, taskList: taskList(owner), noHandleSignals: true });
  await eventually("the job's end", async () => (await queued("purge_workspace")) === 0);
  // …and a job joining it (a sweep queuing the workspace again) whose transaction
  // has not committed when the cleanup looks for the queues no job uses.
  const adding = await owner.connect();
  try {
    await adding.query("BEGIN");
    await adding.query("SELECT graphile_worker.add_job('purge_workspace', $1::json, queue_name => $2, job_key => $2)", [JSON.stringify({ tenantId }), name]);
    const addingPid = (await adding.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    await quickAddJob({ pgPool: owner }, "job_queues_cleanup", {}, { jobKey: "job_queues_cleanup" });
    const cleanup = runOnce({ pgPool: owner, taskList: { job_queues_cleanup: taskList(owner).job_queues_cleanup! }, noHandleSignals: true });
    // The cleanup either ends, or waits for the job being added.
    await Promise.race([
      cleanup,
      eventually("the cleanup waiting for the job being added", async () => {
        const { rows } = await server.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND $2 = ANY(pg_blocking_pids(pid))", [DATABASE, addingPid]);
        return rows.length > 0;
      }),
    ]);
    await adding.query("COMMIT");
    await cleanup;
  } finally {
    adding.release();
  }
  const { rows } = await owner.query<{ queue: string | null }>(
    `SELECT q.queue_name AS queue FROM graphile_worker._private_jobs j
       LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id WHERE j.key = $1`,
    [name],
  );
  expect(rows).toEqual([{ queue: name }]);
  // And a worker runs it.
  await runOnce({ pgPool: owner, taskList: taskList(owner), noHandleSignals: true });
  await eventually("the job's end", async () => (await queued("purge_workspace")) === 0);
});
