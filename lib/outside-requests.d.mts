// Types of outside-requests.mjs (server.mjs loads it without a build step).
export function captureOutsideRequests(): void;
export function outsideRequests<R>(fn: () => R): R;
export function capturedOutsideRequests(): boolean;
