import "server-only";
import { Worker } from "node:worker_threads";
import { sql, type Sql } from "@/lib/db";
import { DomainError, RELOAD_THE_PAGE } from "@/lib/errors";
import { count } from "@/lib/registry/define";
import { NOT_A_MEMBER, withTenant, type TenantActor } from "@/lib/tenancy";
import { exportEndMetadata, type ExportEnd, type ExportEndReason } from "./export-audit";
import { EXPORT_COLUMNS, EXPORT_FORMATS, type ExportFormat } from "./export-format";
import type { ExportJob, ExportReply, ExportRequest } from "./export-worker";
import { describeFilters, type AuditFilters } from "./filters";
import { fromBound, toBound } from "./query";
import { auditExportQuery, exportPlannerSettings } from "./export-query";
import { recordAudit } from "./record";

export { EXPORT_COLUMNS, EXPORT_FORMATS, type ExportFormat };
export { auditExportQuery, exportPlannerSettings };

export type ExportActor = TenantActor;

/** Encoded bytes per batch handed to the download: per-batch costs vanish, and little is in flight at once. */
export const EXPORT_BATCH_BYTES = 1 << 20;

export interface ExportLimits {
  /** Exports running at once in this server process; each holds a worker thread and two connections. */
  perProcess: number;
  /** Exports one user runs at once, in any workspace, across all server processes. */
  perUser: number;
  /** Exports of one workspace's audit log at once, across all server processes. */
  perWorkspace: number;
}
export const EXPORT_LIMITS: ExportLimits = { perProcess: 2, perUser: 1, perWorkspace: 2 };

/**
 * A download that takes nothing for this long is ended, recorded as
 * incomplete, and its slots are freed: an opened but unread download cannot
 * hold a slot for ever.
 */
export const EXPORT_IDLE_TIMEOUT_MS = 30_000;

export interface ExportOptions {
  /** EXPORT_IDLE_TIMEOUT_MS unless given. */
  idleTimeoutMs?: number;
  /** EXPORT_LIMITS unless given. */
  limits?: Partial<ExportLimits>;
}

/** An export refused because too many are running; `limit` says which limit, `retryAfterSeconds` when to try again. */
export class ExportBusyError extends DomainError {
  constructor(
    readonly limit: "process" | "user" | "workspace",
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("busy", message);
  }
}

let running = 0;

export function exportFileName(slug: string, filters: AuditFilters, format: ExportFormat, today = new Date()): string {
  const range =
    filters.from && filters.to
      ? `${filters.from}_to_${filters.to}`
      : filters.from
        ? `from-${filters.from}`
        : filters.to
          ? `to-${filters.to}`
          : `all-to-${today.toISOString().slice(0, 10)}`;
  return `audit-${slug}-${range}.${format}`;
}

function startWorker(job: ExportJob): Worker {
  const options = {
    workerData: job,
    // A small heap of its own: garbage from decoding and encoding rows is
    // collected cheaply and never grows the server's main heap.
    // (A larger young generation is no faster here and adds ~15 MB of RSS.)
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
  };
  // Inside Next.js (next dev, next start) the bundler sees this exact
  // `new Worker(new URL(…), …)` and compiles the worker into a chunk of its own.
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./export-worker.ts", import.meta.url), options);
  // Run from the TypeScript sources (tests, scripts), it is loaded through tsx.
  const source = new URL("./export-worker.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * Statements that evaluate the filters' values as the export's query will,
 * run before anything is written or sent: a time zone or date that the
 * browser accepts and Postgres does not (`US/Pacific-New`, year 0) is refused
 * with a message instead of failing the download after its first byte.
 */
export function exportFilterChecks(filters: AuditFilters): ExportJob["checks"] {
  const checks: Array<{ sql: Sql; problem: string }> = [];
  if (filters.from || filters.to) checks.push({ sql: sql`SELECT now() AT TIME ZONE ${filters.tz}`, problem: "Unknown time zone." });
  if (filters.from) checks.push({ sql: sql`SELECT ${fromBound(filters)}`, problem: "The start date is out of range." });
  if (filters.to) checks.push({ sql: sql`SELECT ${toBound(filters)}`, problem: "The end date is out of range." });
  return checks.map(({ sql, problem }) => ({ text: sql.text, values: sql.values, problem }));
}

/** The worker's replies in order, and its last word ("closed"; null when it stopped without one). */
function listen(worker: Worker) {
  const replies: ExportReply[] = [];
  let waiting: ((reply: ExportReply) => void) | null = null;
  const deliver = (reply: ExportReply) => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve(reply);
    } else replies.push(reply);
  };
  let settle!: (closed: Extract<ExportReply, { type: "closed" }> | null) => void;
  const closed = new Promise<Extract<ExportReply, { type: "closed" }> | null>((resolve) => (settle = resolve));
  worker.on("message", (reply: ExportReply) => (reply.type === "closed" ? settle(reply) : deliver(reply)));
  worker.on("error", (error) => deliver({ type: "error", message: error.message }));
  worker.on("exit", () => {
    deliver({ type: "error", message: "the export worker stopped" });
    settle(null);
  });
  return {
    ask: (request: ExportRequest) => worker.postMessage(request),
    reply: () => new Promise<ExportReply>((resolve) => (replies.length ? resolve(replies.shift()!) : (waiting = resolve))),
    closed,
  };
}

/**
 * Streams exactly the filtered events as CSV (RFC 4180 quoting by
 * papaparse, formulas escaped) or JSON Lines. A worker thread reads them
 * through `COPY (<query>) TO STDOUT` in one snapshot and encodes them; a
 * batch is handed over only when the download asks for one, and until then
 * the worker stops reading, so memory stays flat however many rows there are.
 *
 * Resolves once the export has its slots, its `audit.export` row is
 * committed and its query returns rows, so every refusal — too many exports
 * (ExportBusyError), filters the database refuses (`invalid_filters`), not a
 * member (`not_member`) — comes before the first byte. When the download
 * ends — read to the end, cancelled, idle for `idleTimeoutMs`, or failed —
 * `audit.export.finish` records how, with the rows handed to it, and the
 * slots are freed before the stream reports its end.
 */
export async function exportAuditEvents(
  actor: ExportActor,
  filters: AuditFilters,
  format: ExportFormat,
  options: ExportOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const limits = { ...EXPORT_LIMITS, ...options.limits };
  const idleTimeoutMs = options.idleTimeoutMs ?? EXPORT_IDLE_TIMEOUT_MS;
  // A slot held by a download that stopped reading is freed within the idle timeout.
  const retryAfterSeconds = Math.max(1, Math.ceil(idleTimeoutMs / 1000));
  if (running >= limits.perProcess) {
    throw new ExportBusyError(
      "process",
      `This server is already running ${count(limits.perProcess, "export")}, as many as it allows at once. Try again in ${count(retryAfterSeconds, "second")}.`,
      retryAfterSeconds,
    );
  }
  const connectionString = process.env.APP_DATABASE_URL;
  if (!connectionString) throw new Error("APP_DATABASE_URL is not set.");
  const query = auditExportQuery(actor.tenantId, filters);
  const worker = startWorker({
    connectionString,
    tenantId: actor.tenantId,
    userId: actor.userId,
    sessionToken: actor.credential.token,
    ...(actor.credential.kind === "api_key" ? { apiKey: { ip: actor.credential.ip, actAs: actor.credential.actAs ?? false } } : {}),
    actorEmail: actor.user.email,
    request: { ip: actor.request?.ip ?? null, userAgent: actor.request?.userAgent?.slice(0, 512) ?? null },
    startMetadata: { format, filters: describeFilters(filters) },
    query: { text: query.text, values: query.values },
    checks: exportFilterChecks(filters),
    settings: exportPlannerSettings(filters),
    format,
    batchBytes: EXPORT_BATCH_BYTES,
    slots: { user: limits.perUser, workspace: limits.perWorkspace },
  });
  running++;
  const channel = listen(worker);

  /** How the download ended, as this side saw it; set once. */
  let outcome: ExportEnd | null = null;
  let startId: string | null = null;
  // The worker's last word frees this process's slot; if the worker could not
  // record the end (it stopped, or its connection failed), it is recorded here.
  const closed = channel.closed.then(async (last) => {
    running--;
    void worker.terminate();
    const auditId = last?.auditId ?? startId;
    if (!auditId || last?.recorded) return;
    const end = outcome ?? { reason: "error" as const, rows: 0 };
    console.error(`[audit export] the worker did not record the end of export ${auditId} (${last?.error ?? "it stopped"}); recording it here`);
    await withTenant(actor, (tx) =>
      recordAudit(tx, {
        tenantId: actor.tenantId,
        actor: actor.user,
        action: "audit.export.finish",
        target: { type: "audit_event", id: auditId },
        metadata: exportEndMetadata(format, end),
        request: actor.request,
      }),
    ).catch((error) => console.error(`[audit export] the end of export ${auditId} is not recorded`, error));
  });

  const first = await channel.reply();
  if (first.type !== "started") {
    await closed;
    if (first.type === "refused") {
      if (first.reason === "user") {
        throw new ExportBusyError(
          "user",
          `You already have ${limits.perUser === 1 ? "an export" : `${limits.perUser} exports`} running, as many as one person may run at once. Let it finish or cancel it, then try again.`,
          retryAfterSeconds,
        );
      }
      if (first.reason === "workspace") {
        throw new ExportBusyError(
          "workspace",
          `${limits.perWorkspace === 1 ? "An export of this workspace's audit log is" : `${limits.perWorkspace} exports of this workspace's audit log are`} already running, as many as it allows at once. Try again in ${count(retryAfterSeconds, "second")}.`,
          retryAfterSeconds,
        );
      }
      if (first.reason === "not_member") throw new DomainError("not_member", NOT_A_MEMBER, undefined, RELOAD_THE_PAGE);
      throw new DomainError("invalid_filters", first.message ?? "These filters cannot be applied.");
    }
    throw new Error(`The export could not start: ${first.type === "error" ? first.message : first.type}`);
  }
  startId = first.auditId;

  let rows = 0;
  let ending: Promise<void> | null = null;
  let idle: NodeJS.Timeout | undefined;
  /** Tells the worker how the download ended; resolves once the end is recorded and the slots are free. */
  const stop = (reason: ExportEndReason): Promise<void> => {
    ending ??= (() => {
      clearTimeout(idle);
      outcome = { reason, rows };
      channel.ask({ type: "stop", end: outcome });
      return closed;
    })();
    return ending;
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  // Armed while a batch waits for the download to take it; pull() disarms it.
  const waitForReader = () => {
    idle = setTimeout(() => {
      void stop("idle_timeout").then(() => {
        try {
          controller.error(new Error(`The download took nothing for ${idleTimeoutMs / 1000} s and was ended.`));
        } catch {
          // Already closed or cancelled.
        }
      });
    }, idleTimeoutMs);
    // Nothing to wait for if the process is exiting anyway.
    idle.unref();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        clearTimeout(idle);
        if (ending) return ending;
        channel.ask({ type: "next" });
        const next = await channel.reply();
        // Cancelled meanwhile: this batch goes nowhere.
        if (ending) return ending;
        if (next.type === "chunk") {
          c.enqueue(new Uint8Array(next.bytes, 0, next.length));
          rows += next.rows;
          waitForReader();
          return;
        }
        if (next.type === "end") {
          await stop("finished");
          c.close();
          return;
        }
        console.error("[audit export] failed", next.type === "error" ? next.message : next.type);
        await stop("error");
        c.error(new Error("The export failed."));
      },
      cancel() {
        return stop("cancelled");
      },
    },
    // One encoded batch ready ahead of the download, no more.
    { highWaterMark: 1 },
  );
}
