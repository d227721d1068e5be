// The export's worker thread. It works on two connections of its own:
//
// - the control connection holds the export's slots (session advisory locks,
//   one per user slot and one per workspace slot, so the limits hold across
//   server processes and a dead process's slots are freed with its
//   connections), writes the audit.export row before anything is sent and,
//   when the download ends, the audit.export.finish row;
// - the reading connection enters the tenant exactly as withTenant does —
//   app_enter() checks the request's session and refuses a non-member — and
//   reads the query in one
//   read-only snapshot through `COPY (<query>) TO STDOUT`: rows arrive as
//   plain bytes in socket-sized chunks, without a protocol message or an
//   object per field and without a round trip per batch.
//
// Each chunk's rows are encoded at once and dropped; a batch of encoded bytes
// is handed to the main thread only when it asks for one. Until it asks, the
// worker stops reading, the socket fills and Postgres waits: a slow download
// slows the query instead of filling memory. Doing this on a small heap of its
// own keeps the garbage cheap to collect and off the server's main heap.
import type { Socket } from "node:net";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import pg, { escapeLiteral } from "pg";
import { to as copyTo } from "pg-copy-streams";
import { CopyTextRows, inlineParameters } from "./copy-text";
import { exportEndMetadata, exportSlotName, type ExportEnd } from "./export-audit";
import { BatchEncoder, EXPORT_COLUMNS, type ExportFormat, type ExportRow } from "./export-format";

export interface ExportJob {
  connectionString: string;
  tenantId: string;
  userId: string;
  /** The request's session token: the worker proves whom it acts for, as the request did. */
  sessionToken: string;
  /** An API key rather than a session (GET /api/v1/tenants/{id}/audit-events/export): entered by app_enter_api_key. */
  apiKey?: { ip: string | null; actAs: boolean };
  /** Copied into the export's audit rows, as recordAudit does. */
  actorEmail: string;
  request: { ip: string | null; userAgent: string | null };
  /** The audit.export row's metadata: the format and the filters. */
  startMetadata: Record<string, unknown>;
  query: { text: string; values: unknown[] };
  /**
   * Statements that evaluate the filters' values as the query will (dates in
   * a time zone): a value the database refuses is refused here, before
   * anything is written or sent, with `problem` as the message.
   */
  checks: Array<{ text: string; values: unknown[]; problem: string }>;
  /** SET LOCAL statements for the export's transaction (exportPlannerSettings). */
  settings: string[];
  format: ExportFormat;
  /** Encoded bytes per batch handed to the main thread. */
  batchBytes: number;
  /** Exports at once per user and per workspace, across every server process. */
  slots: { user: number; workspace: number };
}

/** main → worker: a batch, please; or the download has ended (and how), after which nothing more is asked. */
export type ExportRequest = { type: "next" } | { type: "stop"; end: ExportEnd };
/** worker → main */
export type ExportReply =
  | { type: "refused"; reason: "user" | "workspace" | "not_member" | "invalid"; message?: string }
  /** The start is recorded and the query has begun to return rows (or ended without any). */
  | { type: "started"; auditId: string }
  | { type: "chunk"; bytes: ArrayBuffer; length: number; rows: number }
  | { type: "end" }
  | { type: "error"; message: string }
  /** The last message: connections closed and slots released; `recorded` when the end row was written. */
  | { type: "closed"; auditId: string | null; recorded: boolean; error?: string };

/**
 * Enters the export's tenant as its user in the connection's current
 * transaction, verified by the database as withTenant does. False when the
 * database refuses: the user is not (any more) an active member. The one
 * place this worker enters a tenant.
 */
async function enterTenant(client: pg.Client, job: ExportJob): Promise<boolean> {
  try {
    if (job.apiKey)
      await client.query("SELECT role FROM app_enter_api_key($1, $2::uuid, $3, $4)", [job.sessionToken, job.tenantId, job.apiKey.ip, job.apiKey.actAs]);
    else await client.query("SELECT role FROM app_enter($1, $2::uuid, true)", [job.sessionToken, job.tenantId]);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "42501") return false;
    throw error;
  }
}

/** Takes one of `count` slots (advisory locks held by this session until released); false when all are taken. */
async function takeSlot(client: pg.Client, kind: "user" | "workspace", id: string, count: number): Promise<boolean> {
  for (let slot = 0; slot < count; slot++) {
    const { rows } = await client.query<{ taken: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken", [
      exportSlotName(kind, id, slot),
    ]);
    if (rows[0]!.taken) return true;
  }
  return false;
}

/** Opens a transaction that sees exactly `snapshot` (another transaction's, still open), entered as the export's user. */
async function beginInSnapshot(client: pg.Client, job: ExportJob, snapshot: string): Promise<void> {
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
  await client.query(`SET TRANSACTION SNAPSHOT ${escapeLiteral(snapshot)}`);
  if (!(await enterTenant(client, job))) throw new Error("The export's user is not a member in its own snapshot.");
}

const INSERT_AUDIT_ROW = `
  INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent, created_at)
  VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::jsonb, $8, $9, clock_timestamp())`;

const auditRow = (job: ExportJob, action: string, target: { type: string; id: string }, metadata: object) => [
  job.tenantId,
  job.userId,
  job.actorEmail,
  action,
  target.type,
  target.id,
  JSON.stringify(metadata),
  job.request.ip,
  job.request.userAgent,
];

/**
 * Writes and commits the audit.export row in the reading transaction's
 * snapshot (see run()); returns its id. currval rather than RETURNING: a
 * returned row must also pass the SELECT policy, which a plain member's does
 * not.
 */
async function recordStart(client: pg.Client, job: ExportJob, snapshot: string): Promise<string> {
  try {
    await beginInSnapshot(client, job, snapshot);
    await client.query(INSERT_AUDIT_ROW, auditRow(job, "audit.export", { type: "audit_log", id: job.tenantId }, job.startMetadata));
    const { rows } = await client.query<{ id: string }>("SELECT currval(pg_get_serial_sequence('audit_log', 'id'))::text AS id");
    await client.query("COMMIT");
    return rows[0]!.id;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Writes and commits audit.export.finish in the transaction beginInSnapshot opened for it; the error when it could not. */
async function recordEnd(client: pg.Client, job: ExportJob, startId: string, end: ExportEnd): Promise<string | null> {
  try {
    await client.query(INSERT_AUDIT_ROW, auditRow(job, "audit.export.finish", { type: "audit_event", id: startId }, exportEndMetadata(job.format, end)));
    await client.query("COMMIT");
    return null;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    return error instanceof Error ? error.message : String(error);
  }
}

async function run(job: ExportJob, port: MessagePort) {
  const reader = new pg.Client({ connectionString: job.connectionString });
  const control = new pg.Client({ connectionString: job.connectionString });
  // Failures surface through the query that meets them; a connection closed
  // under a stopped COPY has nothing more to say.
  reader.on("error", () => {});
  control.on("error", () => {});

  let copying = false;
  /** How the download ended, once the main thread says so (or the export failed before it began). */
  let end: ExportEnd | null = null;
  const requests: ExportRequest[] = [];
  let wake: (() => void) | null = null;
  port.on("message", (request: ExportRequest) => {
    if (request.type === "stop") {
      end ??= request.end;
      // A COPY still waiting for rows (a long sort, a slow disk) is ended now
      // rather than when its next batch is full.
      if (copying) (reader as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    } else requests.push(request);
    wake?.();
  });
  /** "next" when the main thread asks for a batch; "stop" once the download has ended. */
  const nextRequest = async (): Promise<"next" | "stop"> => {
    while (!end && requests.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    if (end) return "stop";
    requests.shift();
    return "next";
  };

  const encoder = new BatchEncoder(job.format, job.batchBytes * 2);
  /** Hands the batch over when the main thread asks; false when the download ended instead. */
  const deliver = async (): Promise<boolean> => {
    if ((await nextRequest()) === "stop") return false;
    const rows = encoder.rows;
    const bytes = encoder.take();
    // The batch's buffer is its own and exactly its size: hand it over without a copy.
    port.postMessage({ type: "chunk", bytes: bytes.buffer as ArrayBuffer, length: bytes.byteLength, rows } satisfies ExportReply, [bytes.buffer as ArrayBuffer]);
    return true;
  };

  let readerInTransaction = false;
  let startId: string | null = null;
  let endInTransaction = false;
  let started = false;
  try {
    await Promise.all([reader.connect(), control.connect()]);
    // Slots first: a refused export writes nothing.
    if (!(await takeSlot(control, "user", job.userId, job.slots.user))) {
      port.postMessage({ type: "refused", reason: "user" } satisfies ExportReply);
      return;
    }
    if (!(await takeSlot(control, "workspace", job.tenantId, job.slots.workspace))) {
      port.postMessage({ type: "refused", reason: "workspace" } satisfies ExportReply);
      return;
    }

    await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    readerInTransaction = true;
    if (!(await enterTenant(reader, job))) {
      port.postMessage({ type: "refused", reason: "not_member" } satisfies ExportReply);
      return;
    }
    for (const check of job.checks) {
      try {
        await reader.query(check.text, check.values);
      } catch (error) {
        // Class 22, data exception: a time zone or date the database does not take.
        if (!String((error as { code?: string }).code).startsWith("22")) throw error;
        port.postMessage({ type: "refused", reason: "invalid", message: check.problem } satisfies ExportReply);
        return;
      }
    }
    for (const setting of job.settings) await reader.query(setting);

    // One snapshot for the whole export. The reading transaction took it at
    // its first statement (entering the tenant); the audit.export row is
    // written, and committed before anything is sent, by a transaction that
    // imports it, and the transaction that will write audit.export.finish
    // imports it too and stays open until the download ends. So the export
    // holds exactly the events committed before it started — never its own
    // audit.export row, nor anything written while it runs — and the
    // membership that admitted the read is the one that admits both audit
    // rows: an auditor removed from the workspace mid-download still has the
    // end of their export recorded, in their own name.
    const { rows } = await reader.query<{ snapshot: string }>("SELECT pg_export_snapshot() AS snapshot");
    const snapshot = rows[0]!.snapshot;
    startId = await recordStart(control, job, snapshot);
    // This transaction waits as long as the download lasts; a server-wide
    // idle-in-transaction timeout must not end it (and lose the record).
    await control.query("SET idle_in_transaction_session_timeout = 0");
    await beginInSnapshot(control, job, snapshot);
    endInTransaction = true;

    encoder.header();
    const parser = new CopyTextRows(EXPORT_COLUMNS.length);
    copying = true;
    const stream = reader.query(copyTo(`COPY (${inlineParameters(job.query.text, job.query.values)}) TO STDOUT`));
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      encoder.add(parser.push(chunk) as ExportRow[]);
      if (!started) {
        // The query runs and returns rows: from here on the download may begin.
        started = true;
        port.postMessage({ type: "started", auditId: startId } satisfies ExportReply);
      }
      if (encoder.size >= job.batchBytes && !(await deliver())) break;
    }
    if (!end) {
      parser.end();
      copying = false;
      await reader.query("COMMIT");
      readerInTransaction = false;
      if (!started) {
        started = true;
        port.postMessage({ type: "started", auditId: startId } satisfies ExportReply);
      }
      // The last rows (or a CSV export's header alone), then the end.
      if ((encoder.size === 0 || (await deliver())) && (await nextRequest()) === "next") {
        port.postMessage({ type: "end" } satisfies ExportReply);
      }
    }
  } catch (error) {
    // A COPY ended by a stop is no failure.
    if (!end) port.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) } satisfies ExportReply);
    // Before the download began the main thread will not say how it ended.
    if (!started) end ??= { reason: "error", rows: 0 };
  } finally {
    if (copying) {
      // Postgres may still be writing COPY data that nobody will read: close
      // the connection under it, which ends its read-only transaction.
      (reader as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    } else {
      if (readerInTransaction) await reader.query("ROLLBACK").catch(() => {});
      await reader.end().catch(() => {});
    }
    let problem: string | null = null;
    if (startId) {
      // The download says how it ended: finished, cancelled, idle, failed.
      while (!end) await nextRequest();
      problem = endInTransaction ? await recordEnd(control, job, startId, end) : "the transaction for the end was never opened";
    }
    // Free the slots before saying so: the next export may start at once.
    await control.query("SELECT pg_advisory_unlock_all()").catch(() => {});
    await control.end().catch(() => {});
    port.postMessage({ type: "closed", auditId: startId, recorded: startId !== null && problem === null, ...(problem ? { error: problem } : {}) } satisfies ExportReply);
    port.close();
  }
}

if (parentPort && workerData) void run(workerData as ExportJob, parentPort);
