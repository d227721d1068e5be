import { exportNotInPlan } from "@/lib/billing/advice";
import type { Role } from "@/lib/tenancy";

// Why an export clicked on the audit page did not start: the export route
// sends the page back with the reason (and Retry-After) in its query, and the
// page says it. Only these reasons are shown, each as its own sentence.

export const EXPORT_REFUSED_PARAM = "export_refused";
export const EXPORT_RETRY_PARAM = "retry";

export type ExportRefusal = "workspace" | "role" | "filters" | "plan" | "limit" | "busy-user" | "busy-workspace" | "busy-process" | "failed";

const REASONS: Record<Exclude<ExportRefusal, "plan">, string> = {
  workspace: "the page it was clicked on was for another workspace, and you have since switched to this one. Export again to get this workspace's log.",
  role: "your role in this workspace does not allow exporting the audit log.",
  filters: "the database does not accept these filters. Change them and try again.",
  limit: "you have started too many audit log exports recently.",
  "busy-user": "you already have an export running.",
  "busy-workspace": "this workspace already has as many exports running as it allows at once.",
  "busy-process": "the server is already running as many exports as it allows at once.",
  failed: "something went wrong on our side.",
};

function wait(seconds: number): string {
  if (seconds < 90) return `${seconds} ${seconds === 1 ? "second" : "seconds"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/** The page's sentence for `?export_refused=…&retry=…` shown to `role` (the plan's says whom they ask), or null for anything else. */
export function exportRefusalMessage(reason: string | undefined, retry: string | undefined, role: Role | null): string | null {
  if (!reason || (reason !== "plan" && !Object.hasOwn(REASONS, reason))) return null;
  const seconds = retry && /^\d{1,6}$/.test(retry) ? Number(retry) : 0;
  const sentence =
    reason === "plan" ? `The export did not start. ${exportNotInPlan(role)}` : `The export did not start: ${REASONS[reason as Exclude<ExportRefusal, "plan">]}`;
  return seconds > 0 ? `${sentence} Try again in ${wait(seconds)}.` : reason === "failed" ? `${sentence} Try again in a moment.` : sentence;
}
