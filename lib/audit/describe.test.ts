import { describe, expect, it } from "vitest";
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
