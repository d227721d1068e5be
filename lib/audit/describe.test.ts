import { describe, expect, it } from "vitest";
import { formatBytes } from "@/lib/branding";
import { describeAuditEvent } from "./describe";

describe("describeAuditEvent: exports", () => {
  it("describes an export's start with its format and the filters it used", () => {
    expect(describeAuditEvent("audit.export", { format: "csv", filters: {} })).toBe("Started an export as CSV");
    expect(describeAuditEvent("audit.export", { format: "jsonl", filters: { actions: ["member.remove"], from: "2026-11-01", tz: "UTC" } })).toBe(
      "Started an export as JSONL (filtered by actions, from, tz)",
    );
  });

  it("describes each way an export ends, counting events in the singular and the plural", () => {
    const end = (reason: string, rows: number) => describeAuditEvent("audit.export.finish", { format: "csv", rows, complete: reason === "finished", reason });
    expect(end("finished", 1)).toBe("Export finished: 1 event sent as CSV");
    expect(end("finished", 0)).toBe("Export finished: 0 events sent as CSV");
    expect(end("finished", 12345)).toBe("Export finished: 12,345 events sent as CSV");
    expect(end("cancelled", 2)).toBe("Export cancelled by the download: 2 events sent as CSV");
    expect(end("idle_timeout", 1)).toBe("Export ended because the download stopped reading: 1 event sent as CSV");
    expect(end("error", 0)).toBe("Export failed: 0 events sent as CSV");
  });

  it("still describes the single row an export was recorded as before its end had a row of its own", () => {
    expect(describeAuditEvent("audit.export", { format: "csv", filters: {}, rows: 1, complete: true })).toBe("Exported 1 event as CSV");
    expect(describeAuditEvent("audit.export", { format: "jsonl", filters: { q: "x" }, rows: 1500, complete: false })).toBe(
      "Exported 1,500 events as JSONL (filtered by q) — cancelled before the end",
    );
  });
});

describe("describeAuditEvent: general settings", () => {
  it("describes a rename and a slug change with what they were and became", () => {
    expect(describeAuditEvent("tenant.rename", { from: "Acme", to: "Acme Production" })).toBe("Renamed the workspace from “Acme” to “Acme Production”");
    expect(describeAuditEvent("tenant.slug.change", { from: "acme", to: "acme-prod" })).toBe("Changed the workspace's slug from acme to acme-prod");
  });

  it("describes each branding change, and both at once", () => {
    const logo = { change: "set", width: 256, height: 128, bytes: 20_480 };
    expect(describeAuditEvent("tenant.branding.change", { logo })).toBe("Set the logo to a new image (256 × 128 px, 20 KB)");
    expect(describeAuditEvent("tenant.branding.change", { logo: { ...logo, change: "replaced" } })).toBe(
      "Replaced the logo with a new image (256 × 128 px, 20 KB)",
    );
    // A small logo's size reads as the General page shows it (formatBytes), not rounded up to "1 KB".
    expect(describeAuditEvent("tenant.branding.change", { logo: { ...logo, change: "removed", bytes: 157 } })).toBe(
      "Removed the logo (256 × 128 px, 157 bytes)",
    );
    for (const bytes of [157, 1_000, 20_480, 1_572_864]) {
      expect(describeAuditEvent("tenant.branding.change", { logo: { ...logo, bytes } })).toBe(`Set the logo to a new image (256 × 128 px, ${formatBytes(bytes)})`);
    }
    expect(describeAuditEvent("tenant.branding.change", { accent: { from: null, to: "#4f46e5" } })).toBe(
      "Changed the accent colour from none to #4f46e5",
    );
    expect(describeAuditEvent("tenant.branding.change", { logo, accent: { from: "#4f46e5", to: null } })).toBe(
      "Set the logo to a new image (256 × 128 px, 20 KB) and changed the accent colour from #4f46e5 to none",
    );
  });

  it("describes a change of the notes by their lengths alone", () => {
    expect(describeAuditEvent("tenant.notes.change", { from_length: 0, to_length: 1 })).toBe("Wrote the workspace's notes (1 character)");
    expect(describeAuditEvent("tenant.notes.change", { from_length: 1200, to_length: 80 })).toBe(
      "Changed the workspace's notes (1,200 characters → 80 characters)",
    );
    expect(describeAuditEvent("tenant.notes.change", { from_length: 80, to_length: 0 })).toBe("Cleared the workspace's notes");
  });
});

describe("describeAuditEvent: invitations", () => {
  it("describes a declined invitation as what it was for, the address it was sent to beside it", () => {
    expect(describeAuditEvent("member.invite.decline", { email: "ivy@example.com", role: "admin" })).toBe("Declined the invitation to join as an admin (sent to ivy@example.com)");
  });
});
