// An abort reason created in an immediate callback keeps, until its stack is
// formatted, the Immediate it ran from — and with it the AsyncLocalStorage
// store of the request that scheduled it (lib/abort-reasons.mjs). The first
// test shows the retention with Node.js as it is; the second, that installed
// the formatting releases it. They run in this order in one process.
import { AsyncLocalStorage } from "node:async_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { formatAbortReasonStacks } from "./abort-reasons.mjs";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/**
 * A long-lived signal aborted, as React aborts a render's cache signal, from
 * an immediate scheduled by a request; whether the request's store is still
 * reachable afterwards.
 */
async function requestSurvivesAbort(abort: (controller: AbortController) => void): Promise<{ kept: boolean; controller: AbortController }> {
  const request = new AsyncLocalStorage<object>();
  const controller = new AbortController();
  const ref = await (async () => {
    const store = { request: "GET /app/settings", rendered: new Array(1000).fill("<tr>") };
    await request.run(store, () => new Promise<void>((done) => setImmediate(() => (abort(controller), done()))));
    return new WeakRef(store);
  })();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
  }
  return { kept: ref.deref() !== undefined, controller };
}

describe("abort reasons", () => {
  it("hold, unformatted, the request that scheduled the immediate they were created in (Node.js as it is)", async () => {
    const { kept, controller } = await requestSurvivesAbort((c) => c.abort(new Error("This render completed successfully.")));
    expect(controller.signal.aborted).toBe(true);
    expect(kept).toBe(true);
  });

  it("hold nothing of it once formatAbortReasonStacks is installed, with or without a reason given", async () => {
    formatAbortReasonStacks();
    const withReason = await requestSurvivesAbort((c) => c.abort(new Error("This render completed successfully.")));
    expect(withReason.kept).toBe(false);
    const withoutReason = await requestSurvivesAbort((c) => c.abort());
    expect(withoutReason.kept).toBe(false);
    // Aborting still works as before: the reason, its message and stack.
    const reason = withReason.controller.signal.reason as Error;
    expect(reason.message).toBe("This render completed successfully.");
    expect(reason.stack).toContain("This render completed successfully.");
    expect((withoutReason.controller.signal.reason as DOMException).name).toBe("AbortError");
    expect(AbortSignal.abort("why").reason).toBe("why");
  });
});
