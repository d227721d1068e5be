import { describe, expect, it } from "vitest";
import { crossOriginAction } from "./action-origin";

const action = (headers: Record<string, string>, method = "POST") =>
  crossOriginAction(method, new Headers({ host: "app.example:3000", "next-action": "7f00", "content-type": "text/plain;charset=UTF-8", ...headers }));

describe("crossOriginAction", () => {
  it("lets through an action posted from the page's own origin, or without an Origin (as Next.js does)", () => {
    expect(action({ origin: "http://app.example:3000" })).toBeNull();
    expect(action({ origin: "https://app.example:3000" })).toBeNull();
    expect(action({})).toBeNull();
  });

  it.each(["https://evil.example", "http://app.example:3001", "http://app.example", "http://sub.app.example:3000", "null", "not a url", ""])(
    "refuses an action from Origin %j",
    (origin) => {
      expect(action({ origin })).toEqual(expect.any(String));
    },
  );

  it("compares with the first X-Forwarded-Host when there is one, as Next.js does", () => {
    expect(action({ origin: "https://public.example", "x-forwarded-host": "public.example, proxy.internal" })).toBeNull();
    expect(action({ origin: "http://app.example:3000", "x-forwarded-host": "public.example" })).toEqual(expect.any(String));
  });

  it("treats a multipart form post without Next-Action as a possible action (a form posted before hydration)", () => {
    const headers = new Headers({ host: "app.example:3000", origin: "https://evil.example", "content-type": "multipart/form-data; boundary=x" });
    expect(crossOriginAction("POST", headers)).toEqual(expect.any(String));
  });

  it("leaves alone what cannot be an action: GETs, and posts that are neither multipart nor carry Next-Action", () => {
    expect(action({ origin: "https://evil.example" }, "GET")).toBeNull();
    const form = new Headers({ host: "app.example:3000", origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" });
    expect(crossOriginAction("POST", form)).toBeNull();
  });
});
