import { afterEach, describe, expect, it, vi } from "vitest";
import { TIME_ZONE_CHECKS_REMEMBERED, formatInstant, isKnownTimeZone, viewerTimeZone } from "./time-zone";

describe("isKnownTimeZone", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("knows IANA names in any case and nothing else", () => {
    expect(isKnownTimeZone("Europe/Berlin")).toBe(true);
    expect(isKnownTimeZone("europe/BERLIN")).toBe(true);
    expect(isKnownTimeZone("UTC")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isKnownTimeZone("")).toBe(false);
    expect(isKnownTimeZone(`Europe/${"x".repeat(64)}`)).toBe(false);
    // Asked again, the same answers (now remembered).
    expect(isKnownTimeZone("Europe/Berlin")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
  });

  it("creates a formatter for a name only the first time it is asked about", () => {
    const created = vi.spyOn(Intl, "DateTimeFormat");
    expect(isKnownTimeZone("Pacific/Chatham")).toBe(true);
    expect(isKnownTimeZone("Atlantis/Capital")).toBe(false);
    expect(created).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 5; i++) {
      expect(isKnownTimeZone("Pacific/Chatham")).toBe(true);
      expect(isKnownTimeZone("Atlantis/Capital")).toBe(false);
    }
    expect(created).toHaveBeenCalledTimes(2);
    // What the root layout does with the viewer's cookie on every page.
    expect(viewerTimeZone("Pacific%2FChatham")).toBe("Pacific/Chatham");
    expect(created).toHaveBeenCalledTimes(2);
  });

  it("remembers a bounded number of names: past it, names are checked each time, still correctly", () => {
    // Made-up names, as a client could send in a cookie or a URL.
    for (let i = 0; i < TIME_ZONE_CHECKS_REMEMBERED + 10; i++) expect(isKnownTimeZone(`Nowhere/Town_${i}`)).toBe(false);
    const created = vi.spyOn(Intl, "DateTimeFormat");
    expect(isKnownTimeZone("Nowhere/Town_Unseen")).toBe(false);
    expect(isKnownTimeZone("Nowhere/Town_Unseen")).toBe(false);
    expect(isKnownTimeZone("America/Bogota")).toBe(true);
    expect(isKnownTimeZone("America/Bogota")).toBe(true);
    expect(created).toHaveBeenCalledTimes(4);
    // Names remembered before the bound was reached still are.
    expect(isKnownTimeZone("Pacific/Chatham")).toBe(true);
    expect(created).toHaveBeenCalledTimes(4);
  });
});

describe("formatInstant", () => {
  it("formats an instant in the viewer's zone", () => {
    const instant = new Date("2026-03-01T23:30:00Z");
    expect(formatInstant(instant, "UTC", "date")).toBe("Mar 1, 2026");
    expect(formatInstant(instant, "Asia/Tokyo", "date")).toBe("Mar 2, 2026");
    expect(formatInstant(instant, "Asia/Tokyo", "time")).toBe("8:30:00 AM");
  });
});
