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
        `Started transferring ownership to ${to(m)} after signing in again${m.email_dispatched === false ? " · confirmation email not sent" : "; a confirmation link was emailed"}`,
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
      describe: (m) => `Queued ${str(m.recipients)} email notice${m.recipients === 1 ? "" : "s"} about the transfer to ${to(m)} (${str(m.step)})`,
    },
    "ownership.transfer.acceptance_open": {
      label: "Cooling period ended",
      describe: (m) => `The cooling period ended: ${to(m)} may now accept ownership`,
    },
    "ownership.transfer.accept": {
      label: "Ownership accepted",
      describe: (m) => `Accepted ownership from ${from(m)} after signing in again`,
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
