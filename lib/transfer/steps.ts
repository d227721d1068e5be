// Ownership transfer's steps and timings (seed 001's table), shared by the
// domain code, the worker and the pages. Pure and client-safe.

/** The settings page that shows the transfer. */
export const TRANSFER_PAGE = "/app/settings/transfer";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const TRANSFER_TIMINGS = {
  /** A step that needs a fresh sign-in accepts a session signed in this recently. */
  reauthWindowMs: 10 * MINUTE,
  /** Step 2: the owner confirms from the emailed link within 24 h. */
  confirmWindowMs: 24 * HOUR,
  /** Step 3: the "irreversible" confirmation is sent 24 h after step 2… */
  finalDelayMs: 24 * HOUR,
  /** …and answered within 24 h. */
  finalWindowMs: 24 * HOUR,
  /** Step 4: the cooling period, during which admins and other owners are told. */
  coolingMs: 72 * HOUR,
  /** Step 5: the new owner accepts within 7 days of the cooling period's end. */
  acceptWindowMs: 7 * DAY,
} as const;

export const LIVE_TRANSFER_STATUSES = ["pending_confirmation", "confirmed", "awaiting_final", "cooling", "awaiting_acceptance"] as const;
export const ENDED_TRANSFER_STATUSES = ["completed", "cancelled", "expired"] as const;
export type LiveTransferStatus = (typeof LIVE_TRANSFER_STATUSES)[number];
export type TransferStatus = LiveTransferStatus | (typeof ENDED_TRANSFER_STATUSES)[number];

export function isLive(status: TransferStatus): status is LiveTransferStatus {
  return (LIVE_TRANSFER_STATUSES as readonly string[]).includes(status);
}

/**
 * The step number of seed 001's table each status stands at, and what it
 * waits for. `dueAt` is mostly a deadline (time left to act); while
 * `confirmed` it is when the worker sends the request for the final
 * confirmation (`dueIsSending`): nobody has anything to do until then.
 */
export const STEP_OF: Record<TransferStatus, { step: number; waitingFor: string; dueIsSending?: true }> = {
  pending_confirmation: { step: 2, waitingFor: "the owner to confirm from the emailed link" },
  confirmed: { step: 3, waitingFor: "the request for the final confirmation, emailed to the owner 24 hours after the first confirmation", dueIsSending: true },
  awaiting_final: { step: 3, waitingFor: "the owner's final confirmation (irreversible)" },
  cooling: { step: 4, waitingFor: "the end of the 72-hour cooling period" },
  awaiting_acceptance: { step: 5, waitingFor: "the new owner to accept" },
  completed: { step: 6, waitingFor: "nothing: ownership was transferred" },
  cancelled: { step: 0, waitingFor: "nothing: the transfer was cancelled" },
  expired: { step: 0, waitingFor: "nothing: a deadline passed" },
};

/** "2 days 3 hours", "41 minutes", "less than a minute": time left until `due` at `now`. */
export function timeLeft(due: Date, now: Date): string {
  const ms = due.getTime() - now.getTime();
  if (ms < MINUTE) return "less than a minute";
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (days > 0) return hours > 0 ? `${part(days, "day")} ${part(hours, "hour")}` : part(days, "day");
  if (hours > 0) return minutes > 0 ? `${part(hours, "hour")} ${part(minutes, "minute")}` : part(hours, "hour");
  return part(minutes, "minute");
}
