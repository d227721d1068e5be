import { describe, expect, it } from "vitest";
import { safeNextPath } from "./urls";

describe("safeNextPath", () => {
  it("keeps a path on this site as it is", () => {
    expect(safeNextPath("/app/audit?action=member.invite&q=a%20b#top")).toBe("/app/audit?action=member.invite&q=a%20b#top");
    expect(safeNextPath("/invite/abc_DEF-123")).toBe("/invite/abc_DEF-123");
  });

  it.each([
    [undefined, "/app/dashboard"],
    ["", "/app/dashboard"],
    ["app/dashboard", "/app/dashboard"],
    ["//evil.example/x", "/app/dashboard"],
    ["/\\evil.example", "/app/dashboard"],
    ["https://evil.example/", "/app/dashboard"],
    ["javascript:alert(1)", "/app/dashboard"],
    ["/app\u0000", "/app/dashboard"],
    ["/app\r\nSet-Cookie: x=1", "/app/dashboard"],
    ["/app\u007f", "/app/dashboard"],
    // A lone surrogate has no UTF-8 form to percent-encode.
    ["/app/\ud800", "/app/dashboard"],
    ["/app/\udc00x", "/app/dashboard"],
  ])("sends %j to the fallback", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
    expect(safeNextPath(next, "")).toBe("");
  });

  it("percent-encodes, as UTF-8, every character a Location header cannot carry as it is", () => {
    expect(safeNextPath("/app/日本")).toBe("/app/%E6%97%A5%E6%9C%AC");
    expect(safeNextPath("/été?q=ça va")).toBe("/%C3%A9t%C3%A9?q=%C3%A7a%20va");
    expect(safeNextPath("/app/😀\u202e")).toBe("/app/%F0%9F%98%80%E2%80%AE");
    for (const next of ["/app/日本", "/été", "/Ā😀", "/%E6%97%A5", "/a b"]) {
      const safe = safeNextPath(next);
      expect(safe, next).toMatch(/^\/[\x21-\x7e]*$/);
      // What the browser decodes is what was asked for.
      expect(decodeURIComponent(safe)).toBe(decodeURIComponent(next.replace(/[^\x21-\x7e]+/gu, encodeURIComponent)));
      expect(() => new Headers({ location: safe })).not.toThrow();
    }
  });
});
