// The server's pools open their connections outside the request that needs
// them (lib/outside-requests.mjs): a socket created in a request's async
// context would keep that request's AsyncLocalStorage store — and, in
// Next.js, everything the request's render reached — for as long as the
// connection lives. Measured before this: under load every response stayed on
// the heap (~50 KB a request) until the server ran out of memory.
import { AsyncLocalStorage } from "node:async_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { captureOutsideRequests } from "./outside-requests.mjs";
import { createPool } from "./pg-pool";

// As server.mjs does when the process starts, outside any request.
captureOutsideRequests();

/** The AsyncLocalStorage stores an async resource carries (Node.js keeps them under kResourceStore symbols). */
function storesOf(resource: object): unknown[] {
  return Object.getOwnPropertySymbols(resource)
    .filter((symbol) => symbol.description === "kResourceStore")
    .map((symbol) => (resource as Record<symbol, unknown>)[symbol]);
}

const socketHandleOf = (client: pg.PoolClient) =>
  (client as unknown as { connection: { stream: { _handle: object } } }).connection.stream._handle;

// A full garbage collection on demand, as --expose-gc would give.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Whether `store` can still be reached once the request that ran with it is over. */
async function survivesCollection(run: (store: object) => Promise<void>): Promise<boolean> {
  const request = new AsyncLocalStorage<object>();
  const ref = await (async () => {
    const store = { request: "GET /app/settings", payload: new Array(1000).fill("x") };
    await request.run(store, () => run(store));
    return new WeakRef(store);
  })();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
  }
  return ref.deref() !== undefined;
}

describe("createPool", () => {
  const pools: pg.Pool[] = [];
  afterAll(async () => Promise.all(pools.map((p) => p.end())));

  it("opens a connection a request asks for without the request's async context", async () => {
    const request = new AsyncLocalStorage<{ request: string }>();
    const store = { request: "GET /app/dashboard" };
    const pool = createPool({ connectionString: process.env.APP_DATABASE_URL ?? process.env.DATABASE_URL, max: 1 });
    pools.push(pool);
    const handle = await request.run(store, async () => {
      const client = await pool.connect();
      try {
        // The request still sees its own store after waiting for the connection.
        expect(request.getStore()).toBe(store);
        return socketHandleOf(client);
      } finally {
        client.release();
      }
    });
    expect(storesOf(handle)).not.toContain(store);
    // Idle connections are kept, not closed by a timer the releasing request would own.
    expect(pool.options.idleTimeoutMillis).toBe(0);
  });

  it("is what the check above would catch: a socket opened inside the request carries its store", async () => {
    const { default: pgModule } = await import("pg");
    const request = new AsyncLocalStorage<{ request: string }>();
    const store = { request: "GET /app/audit" };
    const pool = new pgModule.Pool({ connectionString: process.env.APP_DATABASE_URL ?? process.env.DATABASE_URL, max: 1 });
    pools.push(pool);
    const handle = await request.run(store, async () => {
      const client = await pool.connect();
      client.release();
      return socketHandleOf(client);
    });
    expect(storesOf(handle)).toContain(store);
  });

  it("keeps nothing of the request whose connect opened the connection, once it is open", async () => {
    // pg keeps the connect callback for the connection's life; the pool's
    // callback holds the request's promise and connection timer.
    const pool = createPool({ connectionString: process.env.APP_DATABASE_URL ?? process.env.DATABASE_URL, max: 1, connectionTimeoutMillis: 5_000 });
    pools.push(pool);
    const kept = await survivesCollection(async () => {
      const client = await pool.connect();
      client.release();
    });
    expect(pool.idleCount).toBe(1);
    expect(kept).toBe(false);
  });

  it("is what the check above would catch: a store the idle connection holds survives", async () => {
    const pool = createPool({ connectionString: process.env.APP_DATABASE_URL ?? process.env.DATABASE_URL, max: 1 });
    pools.push(pool);
    let holder: object | null = null;
    const kept = await survivesCollection(async (store) => {
      const client = await pool.connect();
      (client as unknown as { held: object }).held = store;
      holder = client;
      client.release();
    });
    expect(holder).not.toBeNull();
    expect(kept).toBe(true);
  });
});
