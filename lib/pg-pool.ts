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
    return outsideRequests(() => (callback ? super.connect(callback) : super.connect()));
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
