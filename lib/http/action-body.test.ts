import { describe, expect, it } from "vitest";
import { ACTION_BODY_LIMIT_BYTES, ACTION_BODY_TOO_LARGE, oversizedAction } from "./action-body";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("oversizedAction", () => {
  it("refuses a server-action POST that declares more than the limit", () => {
    const over = String(ACTION_BODY_LIMIT_BYTES + 1);
    expect(oversizedAction("POST", headers({ "next-action": "abc", "content-length": over }))).toBe(ACTION_BODY_TOO_LARGE);
    expect(oversizedAction("POST", headers({ "content-type": "multipart/form-data; boundary=x", "content-length": over }))).toBe(ACTION_BODY_TOO_LARGE);
  });

  it("lets through what is within the limit, declares no length, or is no action", () => {
    const at = String(ACTION_BODY_LIMIT_BYTES);
    expect(oversizedAction("POST", headers({ "next-action": "abc", "content-length": at }))).toBeNull();
    expect(oversizedAction("POST", headers({ "next-action": "abc" }))).toBeNull();
    expect(oversizedAction("POST", headers({ "next-action": "abc", "content-length": "lots" }))).toBeNull();
    expect(oversizedAction("POST", headers({ "content-type": "application/json", "content-length": "99999999" }))).toBeNull();
    expect(oversizedAction("GET", headers({ "next-action": "abc", "content-length": "99999999" }))).toBeNull();
  });
});
