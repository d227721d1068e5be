import pg from "pg";
import { outsideRequests } from "./outside-requests.mjs";

/**
 * A client whose socket is created and opened outside the request that asked
 * for it (lib/outside-requests.mjs): a pooled connection outlives that
 * request and must not keep it, and everything it reached, alive.
 */
class DetachedClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
  override connect(callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): Promise<pg.Client> | void {
    if (!callback) return outsideRequests(() => super.connect());
    // pg keeps the callback it is given for the connection's whole life (its
    // socket listeners share a scope with it), and the pool's callback holds
    // the request's connect promise and its timeout timer, both carrying the
    // request's store: it is handed over once, then forgotten.
    let pending: ((err: Error | null, c?: pg.Client) => void) | null = callback as (err: Error | null, c?: pg.Client) => void;
    const once = (err: Error | null, client?: pg.Client) => {
      const call = pending;
      pending = null;
      call?.(err, client);
    };
    return outsideRequests(() => super.connect(once as (err: Error) => void));
  }
}

/** What the pool constructs its clients with: `new` on it returns a DetachedClient built outside any request. */
const DetachedClientFactory = function (config: pg.ClientConfig) {
  return outsideRequests(() => new DetachedClient(config));
} as unknown as new () => pg.Client;

/**
 * A pg pool for the server's long-lived connections: each created and opened
 * outside any request, and kept while idle (an idle connection's close timer,
 * started by the request that returned it, would hold that request too).
 */
export function createPool(config: pg.PoolConfig): pg.Pool {
  return new pg.Pool({ idleTimeoutMillis: 0, ...config, Client: DetachedClientFactory });
}
