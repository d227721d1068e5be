// The export's worker thread. It enters the tenant on its own connection
// exactly as withTenant does — app_enter_tenant() refuses a non-member — reads
// the query through a declared cursor in one read-only snapshot, and encodes
// batch by batch. Each encoded batch is handed to the main thread only when
// it asks for one, so a slow download slows the query instead of filling
// memory. Decoding rows and writing CSV allocate a lot; doing it here, on a
// small heap of its own, keeps that garbage cheap to collect and off the
// server's main heap.
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { encodeBatch, type ExportFormat, type ExportRow } from "./export-format";

export interface ExportJob {
  connectionString: string;
  tenantId: string;
  userId: string;
  query: { text: string; values: unknown[] };
  format: ExportFormat;
  batchRows: number;
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

  let rows = 0;
  let committed = false;
  try {
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SELECT app_enter_tenant($1::uuid, $2::uuid)", [job.tenantId, job.userId]);
    // A declared cursor is planned for its first rows: the export streams in
    // index order from its first row instead of after a sort of everything.
    await client.query(`DECLARE audit_export NO SCROLL CURSOR FOR ${job.query.text}`, job.query.values);
    const fetch = () => {
      const batch = client
        .query<unknown[]>({ text: `FETCH FORWARD ${Math.trunc(job.batchRows)} FROM audit_export`, rowMode: "array" })
        .then((result) => result.rows as ExportRow[]);
      batch.catch(() => {});
      return batch;
    };
    // One batch ahead: Postgres produces the next while this one is encoded.
    let ahead = fetch();
    for (;;) {
      if ((await nextRequest()) === "cancel") break;
      const batch = await ahead;
      if (batch.length === 0) {
        await client.query("COMMIT");
        committed = true;
        port.postMessage({ type: "end", rows } satisfies ExportReply);
        break;
      }
      ahead = fetch();
      const bytes = encodeBatch(batch, job.format, rows === 0);
      rows += batch.length;
      // The batch's buffer is its own (never a pooled slice): hand it over
      // without a copy. Its unused tail goes with it and is freed with it.
      port.postMessage({ type: "chunk", bytes: bytes.buffer as ArrayBuffer, length: bytes.byteLength, rows } satisfies ExportReply, [bytes.buffer as ArrayBuffer]);
    }
  } catch (error) {
    port.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) } satisfies ExportReply);
  } finally {
    if (!committed) await client.query("ROLLBACK").catch(() => {});
    await client.end().catch(() => {});
    port.close();
  }
}

if (parentPort && workerData) void run(workerData as ExportJob, parentPort);
