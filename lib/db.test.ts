import net from "node:net";
import type pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { enterThenRead, getPool, raw, sql, transaction, type Tx } from "@/lib/db";
import { MissingTenantContextError } from "@/lib/db-guard";

// lib/db.ts's `oneStatement` transactions: the one statement a page reads
// with goes to Postgres together with the COMMIT.

const entry = () => "SELECT 1 AS entered";

/** The socket writes made while `fn` runs (every write to any socket of this process). */
async function countWrites<T>(fn: () => Promise<T>): Promise<{ writes: number; result: T }> {
  const socket = net.Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown };
  const original = socket._writeGeneric;
  let writes = 0;
  socket._writeGeneric = function (this: unknown, ...args: unknown[]) {
    writes += 1;
    return original.apply(this, args);
  };
  try {
    const result = await fn();
    return { writes, result };
  } finally {
    socket._writeGeneric = original;
  }
}

/** Runs a transaction and hands back the pooled connection it ran on (idle in the pool again by then). */
async function onItsConnection<T>(run: () => Promise<T>): Promise<{ client: pg.PoolClient; outcome: PromiseSettledResult<T> }> {
  const pool = getPool();
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  let client: pg.PoolClient | undefined;
  const spy = vi.spyOn(pool, "connect").mockImplementation((async () => (client = await connect())) as unknown as typeof pool.connect);
  try {
    const [outcome] = await Promise.allSettled([run()]);
    return { client: client!, outcome: outcome! };
  } finally {
    spy.mockRestore();
  }
}

/** Whether the connection is outside any transaction: a lone statement's transaction starts with it. */
async function outsideTransaction(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ outside: boolean }>("SELECT now() = statement_timestamp() AS outside");
  return rows[0]!.outside;
}

afterEach(() => vi.restoreAllMocks());

describe("a transaction that reads with one statement", () => {
  it("sends the statement and the COMMIT in one write: two writes in all, where a transaction otherwise takes three", async () => {
    const read = (tx: Tx) => tx.one<{ answer: number }>(sql`SELECT ${41}::int + 1 AS answer`);
    // Before counting: a connection open in the pool, and the guard's list of workspace tables read.
    await transaction(entry, read, { oneStatement: true });
    const plain = await countWrites(() => transaction(entry, read));
    const one = await countWrites(() => transaction(entry, read, { oneStatement: true }));
    expect(plain).toEqual({ writes: 3, result: { answer: 42 } });
    expect(one).toEqual({ writes: 2, result: { answer: 42 } });
  });

  it("leaves its connection committed, outside any transaction, with nothing of its context", async () => {
    const { client, outcome } = await onItsConnection(() =>
      transaction(
        () => "SELECT set_config('app.tenant_id', '00000000-0000-4000-8000-000000000001', true) AS entered",
        (tx) => tx.query<{ tenant: string }>(sql`SELECT current_setting('app.tenant_id', true) AS tenant`),
        { oneStatement: true },
      ),
    );
    expect(outcome).toEqual({ status: "fulfilled", value: [{ tenant: "00000000-0000-4000-8000-000000000001" }] });
    expect(await outsideTransaction(client)).toBe(true);
    const { rows } = await client.query<{ tenant: string }>("SELECT current_setting('app.tenant_id', true) AS tenant");
    expect(rows[0]!.tenant).toBe("");
  });

  it("rolls back when the statement fails, and the connection serves the next transaction", async () => {
    const { client, outcome } = await onItsConnection(() => transaction(entry, (tx) => tx.one(sql`SELECT 1 / ${0}::int AS never`), { oneStatement: true }));
    expect(outcome.status).toBe("rejected");
    expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/division by zero/);
    expect(await outsideTransaction(client)).toBe(true);
    expect(await transaction(entry, (tx) => tx.one(sql`SELECT ${7}::int AS seven`), { oneStatement: true })).toEqual({ seven: 7 });
  });

  it("ends the transaction when the function catches its statement's failure and returns", async () => {
    const { client, outcome } = await onItsConnection(() =>
      transaction(entry, (tx) => tx.one(sql`SELECT 1 / ${0}::int AS never`).catch(() => "recovered"), { oneStatement: true }),
    );
    expect(outcome).toEqual({ status: "fulfilled", value: "recovered" });
    expect(await outsideTransaction(client)).toBe(true);
  });

  it("commits on its own when the function reads nothing", async () => {
    const { client, outcome } = await onItsConnection(() => transaction(entry, async () => "nothing read", { oneStatement: true }));
    expect(outcome).toEqual({ status: "fulfilled", value: "nothing read" });
    expect(await outsideTransaction(client)).toBe(true);
  });

  it("refuses a second statement", async () => {
    const twice = transaction(
      entry,
      async (tx) => {
        await tx.one(sql`SELECT 1 AS one`);
        return tx.one(sql`SELECT 2 AS two`);
      },
      { oneStatement: true },
    );
    await expect(twice).rejects.toThrow(/reads with one statement, which ended it/);
  });

  it("still names a workspace-only table read outside any workspace (the guard asks before the COMMIT)", async () => {
    const outside = transaction(entry, (tx) => tx.query(sql`SELECT id FROM audit_log LIMIT 1`), { oneStatement: true });
    await expect(outside).rejects.toBeInstanceOf(MissingTenantContextError);
  });

  it("has its planner settings set by the entry statement itself, for the transaction only", async () => {
    const read = (tx: Tx) => tx.one<{ sort: string; jit: string }>(sql`SELECT current_setting('enable_sort') AS sort, current_setting('jit') AS jit`);
    const settings = { enable_sort: "off", jit: "off" };
    await transaction(entry, read, { oneStatement: true, settings });
    const { writes, result } = await countWrites(() => transaction(entry, read, { oneStatement: true, settings }));
    expect({ writes, result }).toEqual({ writes: 2, result: { sort: "off", jit: "off" } });
    const { client } = await onItsConnection(() => transaction(entry, async () => null, { settings }));
    const { rows } = await client.query<{ sort: string }>("SELECT current_setting('enable_sort') AS sort");
    expect(rows[0]!.sort).toBe("on");
  });
});

describe("a transaction sent with its entry (enterThenRead)", () => {
  const tenant = "00000000-0000-4000-8000-000000000002";
  const signing = () => `SELECT set_config('app.tenant_id', '${tenant}', true) AS entered`;

  /** Runs `run` with the pool handing out `target` (idle in the pool) for its connection. */
  async function onConnection<T>(target: pg.PoolClient, run: () => Promise<T>): Promise<PromiseSettledResult<T>> {
    const pool = getPool();
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    const spy = vi.spyOn(pool, "connect").mockImplementation((async () => {
      const others: pg.PoolClient[] = [];
      try {
        for (let i = 0; i < 10; i++) {
          const client = await connect();
          if (client === target) return client;
          others.push(client);
        }
        throw new Error("The pool did not hand out that connection again.");
      } finally {
        for (const other of others) other.release();
      }
    }) as unknown as typeof pool.connect);
    try {
      const [outcome] = await Promise.allSettled([run()]);
      return outcome!;
    } finally {
      spy.mockRestore();
    }
  }

  it("writes BEGIN, the entry, the statement and the COMMIT at once: one write in all", async () => {
    const read = sql`SELECT ${41}::int + 1 AS answer`;
    await enterThenRead(signing, read);
    const { writes, result } = await countWrites(() => enterThenRead(signing, read));
    expect({ writes, result }).toEqual({ writes: 1, result: { entered: { entered: tenant }, rows: [{ answer: 42 }] } });
  });

  it("reads in the context the entry signed, and leaves its connection committed, outside any transaction, with nothing of it", async () => {
    const { client, outcome } = await onItsConnection(() => enterThenRead(signing, sql`SELECT current_setting('app.tenant_id', true) AS tenant`));
    expect(outcome).toEqual({ status: "fulfilled", value: { entered: { entered: tenant }, rows: [{ tenant }] } });
    expect(await outsideTransaction(client)).toBe(true);
    const { rows } = await client.query<{ tenant: string }>("SELECT current_setting('app.tenant_id', true) AS tenant");
    expect(rows[0]!.tenant).toBe("");
  });

  it("has its planner settings set by the entry statement, for the transaction only", async () => {
    const read = sql`SELECT current_setting('enable_sort') AS sort`;
    const { client, outcome } = await onItsConnection(() => enterThenRead(entry, read, { settings: { enable_sort: "off" } }));
    expect(outcome).toEqual({ status: "fulfilled", value: { entered: { entered: 1 }, rows: [{ sort: "off" }] } });
    const { rows } = await client.query<{ sort: string }>("SELECT current_setting('enable_sort') AS sort");
    expect(rows[0]!.sort).toBe("on");
  });

  it("rolls back when the statement fails, and the connection serves the next transaction", async () => {
    const { client, outcome } = await onItsConnection(() => enterThenRead(signing, sql`SELECT 1 / ${0}::int AS never`));
    expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/division by zero/);
    expect(await outsideTransaction(client)).toBe(true);
    expect(await onConnection(client, () => enterThenRead(signing, sql`SELECT ${7}::int AS seven`))).toEqual({
      status: "fulfilled",
      value: { entered: { entered: tenant }, rows: [{ seven: 7 }] },
    });
  });

  it("keeps every other statement the connection prepared when an entry fails", async () => {
    const marker = crypto.randomUUID();
    const kept = sql`SELECT ${1}::int AS one, ${raw(`'${marker}'`)} AS marker`;
    const { client } = await onItsConnection(() => enterThenRead(signing, kept));
    const fresh = sql`SELECT ${2}::int AS two, ${raw(`'${crypto.randomUUID()}'`)} AS marker`;
    const failed = await onConnection(client, () => enterThenRead(() => "SELECT 1 / 0 AS entered", fresh));
    expect(failed.status).toBe("rejected");
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%' || $1 || '%'", [marker]);
    expect(rows[0]!.n).toBe(1);
    expect(await onConnection(client, () => enterThenRead(signing, kept))).toMatchObject({ status: "fulfilled", value: { rows: [{ one: 1, marker }] } });
  });

  it("uses a statement again on its connection after it failed as it ran (it stays prepared)", async () => {
    const marker = crypto.randomUUID();
    const divide = (by: number) => sql`SELECT 1 / ${by}::int AS quotient, ${raw(`'${marker}'`)} AS marker`;
    const { client, outcome } = await onItsConnection(() => enterThenRead(signing, divide(0)));
    expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/division by zero/);
    expect(await onConnection(client, () => enterThenRead(signing, divide(1)))).toMatchObject({ status: "fulfilled", value: { rows: [{ quotient: 1 }] } });
  });

  it("skips the statement when the entry fails, and prepares it again on that connection next time", async () => {
    // A statement this connection has never prepared: its Parse was written
    // after the failing entry, so Postgres skipped it.
    const fresh = sql`SELECT ${7}::int AS seven, ${raw(`'${crypto.randomUUID()}'`)} AS marker`;
    const { client, outcome } = await onItsConnection(() => enterThenRead(() => "SELECT 1 / 0 AS entered", fresh));
    expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/division by zero/);
    expect(await outsideTransaction(client)).toBe(true);
    const again = await onConnection(client, () => enterThenRead(signing, fresh));
    expect(again.status).toBe("fulfilled");
    expect((again as PromiseFulfilledResult<{ rows: { seven: number }[] }>).value.rows[0]!.seven).toBe(7);
  });
});
