// The ownership transfer's audit sentences: who an email went to, what step
// it was about, and what a step's sign-in was.
import { describe, expect, it } from "vitest";
import { describeAuditEvent } from "@/lib/audit/describe";

const parties = { from_email: "owner@ex.com", to_email: "admin@ex.com" };

describe("the transfer's notify row", () => {
  it("names who was emailed and what about, in words, not a status name", () => {
    const notify = (step: string, recipient_emails: string[]) =>
      describeAuditEvent("ownership.transfer.notify", { ...parties, step, recipients: recipient_emails.length, recipient_emails });
    expect(notify("awaiting_final", ["owner@ex.com"])).toBe(
      "Queued an email to owner@ex.com: the request for the final confirmation of the transfer of ownership to admin@ex.com",
    );
    expect(notify("cooling", ["admin@ex.com", "co@ex.com"])).toBe(
      "Queued emails to admin@ex.com, co@ex.com: the notice that the transfer of ownership to admin@ex.com is in its 72-hour cooling period",
    );
    expect(notify("awaiting_acceptance", ["admin@ex.com"])).toBe("Queued an email to admin@ex.com: the invitation to accept ownership from owner@ex.com");
    expect(notify("cancelled", ["owner@ex.com"])).toBe("Queued an email to owner@ex.com: the news that the transfer of ownership to admin@ex.com was cancelled");
    expect(notify("expired", [])).toBe("Queued no email (nobody to send it to): the news that the transfer of ownership to admin@ex.com expired");
    for (const step of ["awaiting_final", "cooling", "awaiting_acceptance", "completed", "cancelled", "expired"]) {
      expect(notify(step, ["x@ex.com"])).not.toContain(`(${step})`);
      expect(notify(step, ["x@ex.com"])).not.toMatch(/awaiting_/);
    }
  });

  it("names the recipient of a row written before the addresses were kept, where the step tells who it was", () => {
    expect(describeAuditEvent("ownership.transfer.notify", { ...parties, step: "awaiting_final", recipients: 1 })).toBe(
      "Queued an email to owner@ex.com: the request for the final confirmation of the transfer of ownership to admin@ex.com",
    );
    expect(describeAuditEvent("ownership.transfer.notify", { ...parties, step: "cooling", recipients: 3 })).toBe(
      "Queued emails to 3 recipients: the notice that the transfer of ownership to admin@ex.com is in its 72-hour cooling period",
    );
  });
});

describe("the transfer's signed steps", () => {
  it("say the sign-in was recent, not that it was a second one", () => {
    const start = describeAuditEvent("ownership.transfer.start", { ...parties, email_dispatched: true });
    expect(start).toBe("Started transferring ownership to admin@ex.com, with a recent sign-in; a confirmation link was emailed");
    expect(describeAuditEvent("ownership.transfer.accept", parties)).toBe("Accepted ownership from owner@ex.com, with a recent sign-in");
    expect(start).not.toContain("again");
  });
});
