// The viewer's time zone, remembered in a cookie the browser sets itself
// (components/local-time.tsx), so that times are rendered in it from the
// first byte instead of in UTC and then replaced after the page loads.
// Pure: used on the server and in the browser.
export const TIME_ZONE_COOKIE = "tz";

/**
 * How many names isKnownTimeZone remembers its answer for. The root layout
 * checks the viewer's cookie on every page, and the check creates a
 * formatter (~100 µs and more than the rest of the layout); a process sees a
 * few hundred real zones at most. The names come from cookies and URLs, so
 * past this many (made-up or oddly cased ones) they are checked each time
 * and not remembered.
 */
export const TIME_ZONE_CHECKS_REMEMBERED = 1_000;
const checkedTimeZones = new Map<string, boolean>();

/** Whether the runtime knows `tz` (an IANA name such as Europe/Berlin). */
export function isKnownTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  const remembered = checkedTimeZones.get(tz);
  if (remembered !== undefined) return remembered;
  let known: boolean;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    known = true;
  } catch {
    known = false;
  }
  if (checkedTimeZones.size < TIME_ZONE_CHECKS_REMEMBERED) checkedTimeZones.set(tz, known);
  return known;
}

/** The cookie's zone when it is one, else UTC (a value that is not percent-encoded text included). */
export function viewerTimeZone(cookie: string | null | undefined): string {
  let tz = "";
  try {
    tz = cookie ? decodeURIComponent(cookie) : "";
  } catch {
    return "UTC";
  }
  return isKnownTimeZone(tz) ? tz : "UTC";
}

// A formatter is costly to create (~100 µs, and memory the allocator keeps)
// and cheap to reuse: one per style and zone, for the whole process or page.
const STYLES = {
  date: { dateStyle: "medium" },
  dateTime: { dateStyle: "medium", timeStyle: "medium" },
  time: { timeStyle: "medium" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
export type TimeStyle = keyof typeof STYLES;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant as the viewer reads it: the same text on the server and in the browser. */
export function formatInstant(date: Date, timeZone: string, style: TimeStyle = "dateTime"): string {
  const key = `${style}:${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en", { ...STYLES[style], timeZone });
    formatters.set(key, format);
  }
  return format.format(date);
}
