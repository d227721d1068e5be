// Types of abort-reasons.mjs (server.mjs loads it without a build step).

/** Makes every AbortController format its reason's stack when it aborts (once per process). */
export function formatAbortReasonStacks(): void;
