import "server-only";
import { createHash } from "node:crypto";
import pg from "pg";
import sql, { empty, join, raw, Sql } from "sql-template-tag";
import { assertTenantContext, contextGuardEnabled } from "./db-guard";
import { createPool as createDetachedPool } from "./pg-pool";

export { sql, join, raw, empty, Sql };

/**
 * The workspace the transaction entered, as a statement names it when it is
 * written before the app knows which one that is (`enterThenRead`).
 */
export const enteredTenant: Sql = sql`(SELECT app_current_tenant_id())`;
export type { MemberRole, InvitationStatus, TenantStatus } from "@/lib/generated/prisma/enums";

/**
 * A transaction the request path runs in: parameterised statements through
 * the pg driver, nothing else. (Prisma's client is kept off this path: per
 * statement it costs more CPU than the statement itself; the schema, its
 * types and the Auth.js adapter stay Prisma's.)
 */
export interface Tx {
  /** Every row of a query. */
  query<T extends object>(statement: Sql): Promise<T[]>;
  /** The first row, or null. */
  one<T extends object>(statement: Sql): Promise<T | null>;
  /** A statement's affected row count. */
  exec(statement: Sql): Promise<number>;
}

// The app connects as tenantry_app: NOBYPASSRLS, owns no table, no privilege
// on Auth.js's tables. Row-level security policies decide what each
// transaction sees, from the context an entry function signed.
function createPool(): pg.Pool {
  const connectionString = process.env.APP_DATABASE_URL;
  if (!connectionString) {
    throw new Error(
      "APP_DATABASE_URL is not set. `npm run dev` sets it for you; in production point it at the tenantry_app role (see .env.example).",
    );
  }
  const pool = createDetachedPool({
    connectionString,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    // A request waits this long for a connection before it fails.
    connectionTimeoutMillis: 10_000,
    // A transaction left open by a crashed request cannot hold locks for long.
    idle_in_transaction_session_timeout: 20_000,
  });
  // A connection that fails while idle in the pool is discarded by pg; the
  // next query gets a fresh one. Without a listener the error would be thrown.
  pool.on("error", (error) => console.error("[db] idle connection failed", error.message));
  return pool;
}

const globalForDb = globalThis as unknown as { tenantryPool?: pg.Pool };
/** One pool per process (a dev server's hot reload would otherwise leak pools). */
export function getPool(): pg.Pool {
  globalForDb.tenantryPool ??= createPool();
  return globalForDb.tenantryPool;
}

/**
 * A statement as a named prepared statement: pg prepares it once per
 * connection, and Postgres may then reuse a generic plan. Planning is most
 * of the cost of the app's queries: the row-level security policies each
 * statement carries are planned with it (about 2 ms for the dashboard's one
 * query, 0.4 ms to execute it prepared).
 */
function prepared(statement: Sql): pg.QueryConfig {
  const name = `t${createHash("sha1").update(statement.text).digest("base64url").slice(0, 27)}`;
  return { name, text: statement.text, values: statement.values };
}

/**
 * A statement and the COMMIT of its transaction in one write: Parse, Bind,
 * Describe and Execute of the statement, then Parse, Bind and Execute of
 * COMMIT, then a single Sync. Postgres answers both before its one
 * ReadyForQuery and pg collects the two results, the statement's first. If
 * the statement fails, Postgres skips everything up to the Sync (the COMMIT
 * too) and the transaction is rolled back as after any failed statement.
 *
 * Each write to Postgres costs this server ~250–350 µs of CPU on the VM the
 * README's Performance section measures (it wakes the database): a page view
 * that reads with one statement makes two writes instead of three. It extends pg's Query at the
 * one place its extended-protocol messages end (`_getRows`: Execute, then
 * Sync, for a query without a row limit; pg is pinned, and lib/db.test.ts
 * proves the messages and the writes).
 */
class StatementThenCommit extends pg.Query {
  _getRows(connection: pg.Connection) {
    const send = connection as unknown as {
      execute(config: { portal: string }): void;
      parse(config: { text: string }): void;
      bind(config: object): void;
      sync(): void;
    };
    send.execute({ portal: "" });
    send.parse({ text: "COMMIT" });
    send.bind({});
    send.execute({ portal: "" });
    send.sync();
  }
}

/**
 * A whole transaction in one write: `BEGIN`, the entry and the statement,
 * then (as StatementThenCommit) the COMMIT and a single Sync. The entry is
 * an unnamed statement with its values inlined, as in `transaction`'s first
 * message; the statement is prepared by name as everywhere else. Postgres
 * answers all four before one ReadyForQuery; an error skips the rest up to
 * the Sync and leaves the transaction aborted.
 */
class EnterThenReadThenCommit extends StatementThenCommit {
  /** The statements written before this query's own, in the same write (the benchmark's probe counts them too). */
  readonly leading: readonly [begin: string, entry: string];

  /** Whether this write carries the statement's Parse (the connection had not prepared it), and how many of its Parses Postgres completed. */
  private parseSent = false;
  private parsesCompleted = 0;
  private stopCounting: () => void = () => {};

  constructor(begin: string, entry: string, statement: pg.QueryConfig, callback: (error: Error | null, results: pg.QueryResult[]) => void) {
    super({ ...statement, callback } as pg.QueryConfig);
    this.leading = [begin, entry];
  }

  /**
   * After a failure: pg counts the statement as prepared on this connection
   * from the write's first ParseComplete (BEGIN's), though Postgres, after an
   * error in BEGIN or the entry, or in the statement's own Parse, skipped or
   * refused it. The connection then forgets that one statement, so that its
   * next use parses it again; every other statement it prepared stays.
   */
  forgetIfNotPrepared(client: pg.ClientBase) {
    this.stopCounting();
    if (!this.parseSent || this.parsesCompleted >= 3) return;
    const connection = (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection;
    delete connection.parsedStatements[(this as unknown as { name: string }).name];
  }

  handleError(error: Error, connection: pg.Connection) {
    this.stopCounting();
    (pg.Query.prototype as unknown as { handleError(error: Error, connection: pg.Connection): void }).handleError.call(this, error, connection);
  }

  handleReadyForQuery(connection: pg.Connection) {
    this.stopCounting();
    (pg.Query.prototype as unknown as { handleReadyForQuery(connection: pg.Connection): void }).handleReadyForQuery.call(this, connection);
  }

  prepare(connection: pg.Connection) {
    const send = connection as unknown as {
      parse(config: { text: string }): void;
      bind(config: object): void;
      describe(config: { type: "P"; name: string }): void;
      execute(config: { portal: string }): void;
    };
    // BEGIN's Parse, the entry's, then the statement's when it is sent.
    const count = () => this.parsesCompleted++;
    connection.on("parseComplete", count);
    this.stopCounting = () => connection.removeListener("parseComplete", count);
    this.parseSent = !(this as unknown as { hasBeenParsed(connection: pg.Connection): boolean }).hasBeenParsed(connection);
    const [begin, entry] = this.leading;
    send.parse({ text: begin });
    send.bind({});
    send.execute({ portal: "" });
    send.parse({ text: entry });
    send.bind({});
    send.describe({ type: "P", name: "" });
    send.execute({ portal: "" });
    // The statement's Parse (when this connection has not prepared it), Bind, Describe, then _getRows.
    (pg.Query.prototype as unknown as { prepare(connection: pg.Connection): void }).prepare.call(this, connection);
  }
}

/** The statement's rows, sent with its transaction's COMMIT (StatementThenCommit). */
function runThenCommit<T extends pg.QueryResultRow>(client: pg.ClientBase, statement: Sql): Promise<pg.QueryResult<T>> {
  return new Promise((resolve, reject) => {
    const query = new StatementThenCommit(prepared(statement), (error, results) => {
      if (error) return reject(error);
      // Two results: the statement's, then the COMMIT's.
      const [result] = results as unknown as pg.QueryResult<T>[];
      resolve(result!);
    });
    client.query(query);
  });
}

/**
 * One statement and what its rows become: a read a page can send with its
 * entry (`enterThenRead`, when the statement names its workspace as
 * `enteredTenant`) or run inside a transaction (`runRead`).
 */
export interface Read<T, Row extends object = object> {
  statement: Sql;
  result(rows: Row[]): T;
}

/** A Read inside a transaction. */
export async function runRead<T, Row extends object>(tx: Tx, read: Read<T, Row>): Promise<T> {
  return read.result(await tx.query<Row>(read.statement));
}

/** A statement's result, however it was sent. */
type Run = <T extends object>(statement: Sql) => Promise<pg.QueryResult<T & pg.QueryResultRow>>;

/** The Tx methods over one way of running a statement. */
function txOver(run: Run): Tx {
  return {
    async query<T extends object>(statement: Sql) {
      return (await run<T>(statement)).rows as T[];
    },
    async one<T extends object>(statement: Sql) {
      return ((await run<T>(statement)).rows[0] as T | undefined) ?? null;
    },
    async exec(statement: Sql) {
      return (await run(statement)).rowCount ?? 0;
    },
  };
}

export function txOn(client: pg.ClientBase): Tx {
  // Outside production, a statement that finds nothing in a workspace's table
  // while the transaction is in no workspace fails loudly (lib/db-guard.ts).
  const run: Run = async <T extends object>(statement: Sql) => {
    const result = await client.query<T & pg.QueryResultRow>(prepared(statement));
    if (contextGuardEnabled() && !result.rowCount) await assertTenantContext(client, statement.text);
    return result;
  };
  return txOver(run);
}

/** Settings for the rest of a transaction (as SET LOCAL sets them), by name: planner settings a page's statement needs. */
export type TransactionSettings = Readonly<Record<string, string>>;

export interface TransactionOptions {
  isolation?: "repeatable read";
  /** Set by the entry statement itself (`set_config(…, true)` beside the entry function): no statement of their own. */
  settings?: TransactionSettings;
  /**
   * `fn` reads with at most one statement: that statement goes to Postgres
   * together with the COMMIT, one write fewer (a second statement is
   * refused). Not READ ONLY: the entry keeps the session alive (its expiry
   * and last-seen time), which it skips in a read-only transaction.
   */
  oneStatement?: boolean;
}

/**
 * The entry statement, setting `settings` as well: the entry's row, beside a
 * one-row `set_config` call per setting in its FROM list (a function there
 * runs once, whatever the select list uses).
 */
function withSettings(entry: string, settings: TransactionSettings | undefined, literal: (value: string) => string): string {
  const names = Object.keys(settings ?? {});
  if (names.length === 0) return entry;
  const calls = names.map((name, i) => `set_config(${literal(name)}, ${literal(settings![name]!)}, true) AS setting_${i}`);
  return `SELECT entered.* FROM (${entry}) AS entered, ${calls.join(", ")}`;
}

/**
 * A Tx whose one statement commits the transaction with it
 * (StatementThenCommit); a second one throws. `committed()` only once that
 * COMMIT succeeded: after a failed statement the transaction is still open
 * (aborted), and the caller must end it even if `fn` caught the error.
 */
function oneStatementTx(client: pg.ClientBase): Tx & { committed(): boolean } {
  let state: "unused" | "used" | "committed" = "unused";
  const run: Run = async <T extends object>(statement: Sql) => {
    if (state !== "unused") throw new Error("This transaction reads with one statement, which ended it: a second statement cannot run in it.");
    state = "used";
    // The guard asks the transaction for its workspace, which it no longer has once the statement's COMMIT ran: asked first.
    if (contextGuardEnabled()) await assertTenantContext(client, statement.text);
    const result = await runThenCommit<T & pg.QueryResultRow>(client, statement);
    state = "committed";
    return result;
  };
  return { ...txOver(run), committed: () => state === "committed" };
}

/**
 * One transaction whose first round trip is `BEGIN`, `entry` and any
 * `settings` together: the simple protocol carries them in one message;
 * `entry` is one statement whose values are inlined as literals by `literal`. `entry` is an entry function: it checks
 * the caller's proof and signs the context every policy reads. Everything in
 * `fn` commits or rolls back together.
 */
export async function transaction<E extends object, T>(
  entry: (literal: (value: string | null) => string) => string,
  fn: (tx: Tx, entered: E) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await getPool().connect();
  let healthy = true;
  try {
    const begin = options.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : "BEGIN";
    const literal = (v: string | null) => (v === null ? "NULL" : client.escapeLiteral(v));
    const first = `${begin}; ${withSettings(entry(literal), options.settings, literal)}`;
    const results = (await client.query(first)) as unknown as pg.QueryResult[];
    const entered = (results[1]?.rows[0] ?? {}) as E;
    if (options.oneStatement) {
      const tx = oneStatementTx(client);
      const result = await fn(tx, entered);
      // Nothing read, or a failed statement `fn` caught: the transaction is still open (a COMMIT of an aborted one rolls it back).
      if (!tx.committed()) await client.query("COMMIT");
      return result;
    }
    const result = await fn(txOn(client), entered);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch {
      healthy = false;
    }
    throw error;
  } finally {
    // A connection that could not even roll back is not handed to anyone else.
    client.release(healthy ? undefined : true);
  }
}

/**
 * A transaction in one round trip: `BEGIN`, `entry` (and any `settings`),
 * `statement` and `COMMIT`, written to Postgres at once. `statement` cannot
 * depend on what the entry answers, since it is sent before the answer: it
 * reads the context the entry signs instead (a workspace's data names its
 * workspace as `enteredTenant`, the policies check the rest), and it runs
 * whatever the entry decided — with no workspace entered it reads nothing
 * (the caller then ignores its rows; the development guard of txOn has no
 * question to ask of a statement that names no workspace but the entered
 * one). One write and one wait instead of two (`transaction` with
 * `oneStatement`): for the dashboard's transaction, ~0.1 ms less of the
 * server's CPU, ~0.1 ms less of Postgres's and a fifth less time (README,
 * Performance).
 */
export async function enterThenRead<E extends object, R extends object>(
  entry: (literal: (value: string | null) => string) => string,
  statement: Sql,
  options: Pick<TransactionOptions, "isolation" | "settings"> = {},
): Promise<{ entered: E; rows: R[] }> {
  const client = await getPool().connect();
  let healthy = true;
  try {
    const begin = options.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation.toUpperCase()}` : "BEGIN";
    const literal = (v: string | null) => (v === null ? "NULL" : client.escapeLiteral(v));
    const text = withSettings(entry(literal), options.settings, literal);
    let query: EnterThenReadThenCommit | null = null;
    const results = await new Promise<pg.QueryResult[]>((resolve, reject) => {
      query = new EnterThenReadThenCommit(begin, text, prepared(statement), (error, results) => (error ? reject(error) : resolve(results)));
      client.query(query);
    }).catch((error: unknown) => {
      (query as EnterThenReadThenCommit | null)?.forgetIfNotPrepared(client);
      throw error;
    });
    // BEGIN's, the entry's, the statement's and COMMIT's results, in that order.
    return { entered: (results[1]?.rows[0] ?? {}) as E, rows: (results[2]?.rows ?? []) as R[] };
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch {
      healthy = false;
    }
    throw error;
  } finally {
    client.release(healthy ? undefined : true);
  }
}

/** One statement on its own (its own implicit transaction). */
export async function single<T extends object>(statement: Sql): Promise<T[]> {
  const result = await getPool().query<T & pg.QueryResultRow>(prepared(statement));
  // A statement on its own runs in no workspace: see txOn.
  if (contextGuardEnabled() && !result.rowCount) await assertTenantContext(getPool(), statement.text, { inNoTenant: true });
  return result.rows as T[];
}
