import "server-only";
import { Worker } from "node:worker_threads";
import { join, sql, type Sql } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { withTenant, type TenantActor } from "@/lib/tenancy";
import { EXPORT_COLUMNS, EXPORT_FORMATS, type ExportFormat } from "./export-format";
import type { ExportJob, ExportReply, ExportRequest } from "./export-worker";
import { describeFilters, type AuditFilters } from "./filters";
import { auditConditions, rarestSearchWordQuery } from "./query";
import { recordAudit } from "./record";

export { EXPORT_COLUMNS, EXPORT_FORMATS, type ExportFormat };

export type ExportActor = TenantActor;

/** Encoded bytes per batch handed to the download: per-batch costs vanish, and little is in flight at once. */
export const EXPORT_BATCH_BYTES = 1 << 20;
/** Exports running at once in this process; each holds a worker thread and a connection. */
export const MAX_CONCURRENT_EXPORTS = 2;
let running = 0;

/** Every event under the filters, newest first — no page limit. Timestamps leave the database as ISO text. */
export function auditExportQuery(tenantId: string, filters: AuditFilters): Sql {
  return sql`
    SELECT l.id::text, to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           l.actor_user_id::text, l.actor_email, u.name, l.action, l.target_type, l.target_id,
           l.metadata::text, l.ip, l.user_agent
      FROM audit_log l LEFT JOIN users u ON u.id = l.actor_user_id
     WHERE ${join([...auditConditions(tenantId, filters, { actions: true }), ...rarestWordEvents(tenantId, filters)], " AND ")}
     ORDER BY l.created_at DESC, l.id DESC`;
}

/**
 * For a search that no action, actor or target narrows: the events that
 * hold its rarest word (counted as the page counts it,
 * rarestSearchWordQuery), as a set the planner can start from — that word's
 * entries in audit_log_terms, then each event by its key — instead of
 * checking every event of the workspace for the words (a search matching 4
 * of 1,000,000 events: 14 ms instead of 6.7 s). It only narrows:
 * auditConditions still requires every word. With an action, actor or
 * target the planner starts from that index, as the page does (auditPlan);
 * offered the word too, it misjudges how many events the word has.
 */
function rarestWordEvents(tenantId: string, filters: AuditFilters): Sql[] {
  if (!filters.q || filters.actions.length > 0 || filters.actor || filters.target) return [];
  return [
    sql`(l.created_at, l.id) IN (
      SELECT t.created_at, t.audit_id FROM audit_log_terms t
       WHERE t.tenant_id = ${tenantId}::uuid AND t.term = (SELECT r.term FROM (${rarestSearchWordQuery(tenantId, filters.q)}) r))`,
  ];
}

/**
 * How the export's COPY is planned (SET LOCAL in its transaction). COPY plans
 * for all rows. When only a date range or nothing narrows the workspace,
 * every row of its (tenant, time) index range is exported, and walking that
 * index in order costs what a scan and a sort of everything costs — but the
 * first rows leave at once instead of after the sort, and Postgres writes no
 * temporary files; so sorting is off then. Any other filter is left to the
 * planner, which reads a selective one's index and sorts the few rows (a rare
 * actor: 30 ms instead of 2 s walking the whole workspace). JIT is off as for
 * the page queries: compiling the plan delayed the first row by ~0.3 s and
 * made the COPY no faster.
 */
export function exportPlannerSettings(filters: AuditFilters): string[] {
  const wholeRange = filters.actions.length === 0 && !filters.actor && !filters.target && !filters.q;
  return wholeRange ? ["SET LOCAL jit = off", "SET LOCAL enable_sort = off"] : ["SET LOCAL jit = off"];
}

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
 * Streams exactly the filtered events as CSV (RFC 4180 quoting by
 * papaparse) or JSON Lines. A worker thread reads them through
 * `COPY (<query>) TO STDOUT` in one snapshot and encodes them; a batch is
 * handed over only when the download asks for one, and until then the worker
 * stops reading, so memory stays flat however many rows there are. When the stream ends — completed, failed or cancelled — the
 * export is audited as `audit.export` with its filters and row count.
 */
export function exportAuditEvents(actor: ExportActor, filters: AuditFilters, format: ExportFormat): ReadableStream<Uint8Array> {
  if (running >= MAX_CONCURRENT_EXPORTS) {
    throw new DomainError("busy", "Other exports are running on this server. Try again in a minute.");
  }
  const connectionString = process.env.APP_DATABASE_URL;
  if (!connectionString) throw new Error("APP_DATABASE_URL is not set.");
  const query = auditExportQuery(actor.tenantId, filters);
  running++;
  const worker = startWorker({
    connectionString,
    tenantId: actor.tenantId,
    sessionToken: actor.credential.token,
    query: { text: query.text, values: query.values },
    settings: exportPlannerSettings(filters),
    format,
    batchBytes: EXPORT_BATCH_BYTES,
  });

  let rows = 0;
  let finished = false;
  const replies: ExportReply[] = [];
  let waiting: ((reply: ExportReply) => void) | null = null;
  const deliver = (reply: ExportReply) => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve(reply);
    } else replies.push(reply);
  };
  worker.on("message", deliver);
  worker.on("error", (error) => deliver({ type: "error", message: error.message }));
  worker.on("exit", () => deliver({ type: "error", message: "the export worker stopped" }));
  const ask = (request: ExportRequest) => worker.postMessage(request);
  const reply = () => new Promise<ExportReply>((resolve) => (replies.length ? resolve(replies.shift()!) : (waiting = resolve)));

  const finish = async (complete: boolean) => {
    if (finished) return;
    finished = true;
    running--;
    await withTenant(actor, (tx) =>
      recordAudit(tx, {
        tenantId: actor.tenantId,
        actor: actor.user,
        action: "audit.export",
        target: { type: "audit_log", id: actor.tenantId },
        metadata: { format, filters: describeFilters(filters), rows, complete },
        request: actor.request,
      }),
    ).catch((error) => console.error("[audit export] not audited", error));
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        ask("next");
        const next = await reply();
        if (next.type === "chunk") {
          rows = next.rows;
          controller.enqueue(new Uint8Array(next.bytes, 0, next.length));
          return;
        }
        if (next.type === "end") {
          await finish(true);
          controller.close();
        } else {
          console.error("[audit export] failed", next.message);
          await finish(false);
          controller.error(new Error("The export failed."));
        }
        await worker.terminate();
      },
      async cancel() {
        ask("cancel");
        await finish(false);
        // The worker rolls back and closes its connection on "cancel"; give
        // it a moment before stopping it outright.
        setTimeout(() => void worker.terminate(), 5_000).unref();
      },
    },
    // One encoded batch ready ahead of the download, no more.
    { highWaterMark: 1 },
  );
}
