import { describe, expect, it } from "vitest";
import { viewerTimeZone } from "./time-zone";

// The root layout reads the viewer's zone from the `tz` cookie on every page,
// the sign-in page included. Next.js has already percent-decoded the value
// once; whatever is left is the client's to choose.
describe("viewerTimeZone with a cookie that is not percent-encoded text", () => {
  it("falls back to UTC instead of throwing (a thrown URIError fails every page)", () => {
    expect(viewerTimeZone("%")).toBe("UTC");
    expect(viewerTimeZone("Europe%2")).toBe("UTC");
    expect(viewerTimeZone("%E0%A4%A")).toBe("UTC");
  });

  it("still reads a zone, encoded or not", () => {
    expect(viewerTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(viewerTimeZone("America%2FArgentina%2FBuenos_Aires")).toBe("America/Argentina/Buenos_Aires");
  });
});
