// The async context of the process, outside every request, for what must
// outlive the request that happens to create it.
//
// Node.js's AsyncLocalStorage gives every async resource the store of the
// context it was created in, and Next.js keeps each request's state in such
// a store. A connection pool's socket, opened lazily by the first request
// that needs it, would keep that request's store for as long as the socket
// lives, and with it everything the request's render reached: its response,
// its timers, and through them the requests rendered alongside it, and so on.
// Under load every request's response stayed on the heap (~50 KB each) until
// the server ran out of memory; the pools' sockets were one root of that
// (lib/abort-reasons.mjs breaks the chain from one request to the next).
// Sockets opened in the context captured here hold no request.
//
// server.mjs captures it when the process starts; the pools run their
// connects in it (lib/pg-pool.ts). Plain JavaScript, shared through
// globalThis, because server.mjs loads it without a build step and the
// bundled app has its own copy of every module.
import { AsyncLocalStorage } from "node:async_hooks";

const KEY = Symbol.for("tenantry.outsideRequests");

/** Captures the current context as the process's; call it once, at start, outside any request. */
export function captureOutsideRequests() {
  globalThis[KEY] ??= AsyncLocalStorage.snapshot();
}

/** Runs `fn` in the captured context (as is, when nothing was captured: tests, scripts). */
export function outsideRequests(fn) {
  const run = globalThis[KEY];
  return run ? run(fn) : fn();
}

/** Whether the process's context was captured. */
export function capturedOutsideRequests() {
  return typeof globalThis[KEY] === "function";
}
