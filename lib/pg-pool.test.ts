// The server's pools open their connections outside the request that needs
// them (lib/outside-requests.mjs): a socket created in a request's async
// context would keep that request's AsyncLocalStorage store — and, in
// Next.js, everything the request's render reached — for as long as the
// connection lives. Measured before this: under load every response stayed on
// the heap (~50 KB a request) until the server ran out of memory.
import { AsyncLocalStorage } from "node:async_hooks";
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
});
