// The ownership transfer's registrations: its audit events (one per step,
// seed 001's "full audit trail recorded at every step") and who sees a
// transfer without being party to it. Starting one needs ownership.transfer,
// the workspace module's permission (lib/registry/core.ts).
import { defineModule, str, type AuditMetadata } from "@/lib/registry/define";

const to = (m: AuditMetadata) => str(m.to_email) || "the new owner";
const from = (m: AuditMetadata) => str(m.from_email) || "the owner";
const EXPIRED_STEP: Record<string, string> = {
  pending_confirmation: "the emailed confirmation was not used within 24 hours",
  awaiting_final: "the final confirmation was not given within 24 hours",
  awaiting_acceptance: "the new owner did not accept within 7 days",
};
/** What each step's email says (the notify row's `step`), about the transfer to `to`, from `from`. */
const NOTICE: Record<string, (to: string, from: string) => string> = {
  awaiting_final: (to) => `the request for the final confirmation of the transfer of ownership to ${to}`,
  cooling: (to) => `the notice that the transfer of ownership to ${to} is in its 72-hour cooling period`,
  awaiting_acceptance: (_to, from) => `the invitation to accept ownership from ${from}`,
  completed: (to) => `the news that ownership passed to ${to}`,
  cancelled: (to) => `the news that the transfer of ownership to ${to} was cancelled`,
  expired: (to) => `the news that the transfer of ownership to ${to} expired`,
};

/**
 * Who a notify row's emails went to: their addresses (`recipient_emails`);
 * for a row written before it named them, the party a step's email always
 * goes to, else how many there were.
 */
function noticeRecipients(m: AuditMetadata): string {
  const emails = Array.isArray(m.recipient_emails) ? m.recipient_emails.filter((e): e is string => typeof e === "string") : null;
  if (emails?.length) return emails.join(", ");
  if (m.step === "awaiting_final") return from(m);
  if (m.step === "awaiting_acceptance") return to(m);
  return `${str(m.recipients)} recipient${m.recipients === 1 ? "" : "s"}`;
}

function describeNotice(m: AuditMetadata): string {
  const notice = NOTICE[str(m.step)]?.(to(m), from(m)) ?? `a notice about the transfer of ownership to ${to(m)}`;
  if (m.recipients === 0) return `Queued no email (nobody to send it to): ${notice}`;
  return `Queued ${m.recipients === 1 ? "an email" : "emails"} to ${noticeRecipients(m)}: ${notice}`;
}

const CANCEL_REASON: Record<string, string> = {
  party_left: " (the new owner left the workspace or the owner is no longer an owner)",
  workspace_deleted: " (the workspace was deleted)",
};

export const transferModule = defineModule({
  name: "transfer",
  permissions: {
    /** Who sees a transfer in progress besides its two parties: those told of its cooling period. */
    "ownership.transfer.read": { roles: ["owner", "admin"], label: "See an ownership transfer in progress", href: "/app/settings/transfer" },
  },
  targetTypes: ["ownership_transfer"],
  auditEvents: {
    "ownership.transfer.start": {
      label: "Ownership transfer started",
      describe: (m) =>
        `Started transferring ownership to ${to(m)}, with a recent sign-in${m.email_dispatched === false ? " · confirmation email not sent" : "; a confirmation link was emailed"}`,
    },
    "ownership.transfer.resend": {
      label: "Transfer confirmation resent",
      describe: (m) => `Sent a new confirmation link for the transfer to ${to(m)} (the previous one stopped working)${m.email_dispatched === false ? " · email not sent" : ""}`,
    },
    "ownership.transfer.confirm": {
      label: "Ownership transfer confirmed",
      describe: (m) => `Confirmed the transfer of ownership to ${to(m)} from the emailed link`,
    },
    "ownership.transfer.final_request": {
      label: "Final confirmation requested",
      describe: (m) => `Asked ${from(m)} for the final, irreversible confirmation of the transfer to ${to(m)}`,
    },
    "ownership.transfer.final_confirm": {
      label: "Transfer confirmed as irreversible",
      describe: (m) => `Confirmed the transfer to ${to(m)} is irreversible: a 72-hour cooling period began`,
    },
    "ownership.transfer.notify": {
      label: "Transfer notices queued",
      describe: describeNotice,
    },
    "ownership.transfer.acceptance_open": {
      label: "Cooling period ended",
      describe: (m) => `The cooling period ended: ${to(m)} may now accept ownership`,
    },
    "ownership.transfer.accept": {
      label: "Ownership accepted",
      describe: (m) => `Accepted ownership from ${from(m)}, with a recent sign-in`,
    },
    "ownership.transfer.complete": {
      label: "Ownership transferred",
      describe: (m) => `Ownership passed from ${from(m)} to ${to(m)}: ${to(m)} is now an owner, ${from(m)} a member`,
    },
    "ownership.transfer.cancel": {
      label: "Ownership transfer cancelled",
      describe: (m) => `Cancelled the transfer of ownership to ${to(m)}${CANCEL_REASON[str(m.reason)] ?? ""}`,
    },
    "ownership.transfer.expire": {
      label: "Ownership transfer expired",
      describe: (m) => `The transfer of ownership to ${to(m)} expired: ${EXPIRED_STEP[str(m.step)] ?? "a deadline passed"}`,
    },
  },
});
