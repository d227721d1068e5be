// The export's worker thread. It enters the tenant on its own connection
// exactly as withTenant does — app_enter() checks the session and refuses a
// non-member — and
// reads the query in one read-only snapshot through `COPY (<query>) TO
// STDOUT`: rows arrive as plain bytes in socket-sized chunks, without a
// protocol message or an object per field and without a round trip per batch.
// Each chunk's rows are encoded at once and dropped; a batch of encoded bytes
// is handed to the main thread only when it asks for one. Until it asks, the
// worker stops reading, the socket fills and Postgres waits: a slow download
// slows the query instead of filling memory. Doing this on a small heap of its
// own keeps the garbage cheap to collect and off the server's main heap.
import type { Socket } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { CopyTextRows, inlineParameters } from "./copy-text";
import { BatchEncoder, EXPORT_COLUMNS, type ExportFormat, type ExportRow } from "./export-format";

export interface ExportJob {
  connectionString: string;
  tenantId: string;
  /** The request's session token: the worker proves who it acts for, as the request did. */
  sessionToken: string;
  query: { text: string; values: unknown[] };
  /** SET LOCAL statements for the export's transaction (exportPlannerSettings). */
  settings: string[];
  format: ExportFormat;
  /** Encoded bytes per batch handed to the main thread. */
  batchBytes: number;
}

/** main → worker */
export type ExportRequest = "next" | "cancel";
/** worker → main */
export type ExportReply =
  | { type: "chunk"; bytes: ArrayBuffer; length: number; rows: number }
  | { type: "end"; rows: number }
  | { type: "error"; message: string };

async function run(job: ExportJob, port: NonNullable<typeof parentPort>) {
  const client = new pg.Client({ connectionString: job.connectionString });
  // Failures surface through the query that meets them; a connection closed
  // under a cancelled COPY has nothing more to say.
  client.on("error", () => {});
  const requests: ExportRequest[] = [];
  let wake: (() => void) | null = null;
  port.on("message", (request: ExportRequest) => {
    requests.push(request);
    wake?.();
  });
  const nextRequest = async (): Promise<ExportRequest> => {
    while (requests.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    return requests.shift()!;
  };

  const encoder = new BatchEncoder(job.format, job.batchBytes * 2);
  let rows = 0;
  let copying = false;
  let committed = false;
  let cancelled = false;
  /** Hands the batch over when the main thread asks; false when it cancelled instead. */
  const deliver = async (): Promise<boolean> => {
    if ((await nextRequest()) === "cancel") return false;
    rows += encoder.rows;
    const bytes = encoder.take();
    // The batch's buffer is its own and exactly its size: hand it over without a copy.
    port.postMessage({ type: "chunk", bytes: bytes.buffer as ArrayBuffer, length: bytes.byteLength, rows } satisfies ExportReply, [bytes.buffer as ArrayBuffer]);
    return true;
  };

  try {
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SELECT role FROM app_enter($1, $2::uuid, true)", [job.sessionToken, job.tenantId]);
    for (const setting of job.settings) await client.query(setting);
    encoder.header();
    const parser = new CopyTextRows(EXPORT_COLUMNS.length);
    copying = true;
    const stream = client.query(copyTo(`COPY (${inlineParameters(job.query.text, job.query.values)}) TO STDOUT`));
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      encoder.add(parser.push(chunk) as ExportRow[]);
      if (encoder.size >= job.batchBytes && !(await deliver())) {
        cancelled = true;
        break;
      }
    }
    if (!cancelled) {
      parser.end();
      copying = false;
      await client.query("COMMIT");
      committed = true;
      // The last rows (or a CSV export's header alone), then the end.
      if ((encoder.size === 0 || (await deliver())) && (await nextRequest()) !== "cancel") {
        port.postMessage({ type: "end", rows } satisfies ExportReply);
      }
    }
  } catch (error) {
    port.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) } satisfies ExportReply);
  } finally {
    if (copying) {
      // Postgres is still writing COPY data that nobody will read: close the
      // connection under it, which ends its read-only transaction.
      (client as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    } else {
      if (!committed) await client.query("ROLLBACK").catch(() => {});
      await client.end().catch(() => {});
    }
    port.close();
  }
}

if (parentPort && workerData) void run(workerData as ExportJob, parentPort);
