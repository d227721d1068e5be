// The viewer's time zone, remembered in a cookie the browser sets itself
// (components/local-time.tsx), so that times are rendered in it from the
// first byte instead of in UTC and then replaced after the page loads.
// Pure: used on the server and in the browser.
export const TIME_ZONE_COOKIE = "tz";

/** Whether the runtime knows `tz` (an IANA name such as Europe/Berlin). */
export function isKnownTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The cookie's zone when it is one, else UTC. */
export function viewerTimeZone(cookie: string | null | undefined): string {
  const tz = cookie ? decodeURIComponent(cookie) : "";
  return isKnownTimeZone(tz) ? tz : "UTC";
}
