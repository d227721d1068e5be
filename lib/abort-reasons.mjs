// Abort reasons that hold no stack frames.
//
// V8 records an Error's stack as the frames themselves — each frame's
// function and receiver — and turns them into text only when `.stack` is
// first read. An abort reason lives as long as its signal does, and React
// aborts each render's cache signal with an Error created in a callback
// Node.js runs from its immediate queue, whose receiver is that Immediate.
// Node.js leaves processed Immediates linked to their neighbours in the
// queue, each carrying the AsyncLocalStorage store of the request that
// scheduled it (and Next.js keeps the whole request there): so one render's
// abort reason reached the requests rendered alongside it, theirs the next
// ones, and under steady load nothing a request allocated was ever freed —
// the heap grew ~50 KB a request until the load paused (a 192 MB heap ran
// out after ~1,000 settings pages).
//
// server.mjs installs this in production, before Next.js loads: every
// AbortController formats its reason's stack as it aborts, which replaces the
// recorded frames with their text (a few microseconds, once per abort).
const KEY = Symbol.for("tenantry.abortReasonsFormatted");

/** Makes every AbortController format its reason's stack when it aborts (once per process). */
export function formatAbortReasonStacks() {
  if (globalThis[KEY]) return;
  globalThis[KEY] = true;
  const abort = AbortController.prototype.abort;
  AbortController.prototype.abort = function (reason) {
    abort.call(this, reason);
    formatStack(this.signal.reason);
  };
  const abortSignal = AbortSignal.abort;
  AbortSignal.abort = function (reason) {
    const signal = abortSignal.call(this, reason);
    formatStack(signal.reason);
    return signal;
  };
}

function formatStack(reason) {
  if (reason === null || typeof reason !== "object") return;
  try {
    void reason.stack;
  } catch {
    // A reason whose stack cannot be read has none to release.
  }
}
