"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { formatInstant, TIME_ZONE_COOKIE } from "@/lib/time-zone";

const TimeZoneContext = createContext("UTC");

/**
 * The viewer's time zone for every LocalTime below, as the server read it
 * from the cookie; the browser corrects the cookie (and re-renders) when it
 * is missing or its zone has changed — once, not on every page. A cookie
 * that already names the browser's zone, with the page still in another, is
 * a zone the server's time-zone data lacks (it shows UTC): nothing to
 * correct, and refreshing again would only get UTC again, for ever.
 */
export function TimeZoneProvider({ timeZone, children }: { timeZone: string; children: ReactNode }) {
  const router = useRouter();
  useEffect(() => {
    const actual = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!actual || actual === timeZone) return;
    const value = encodeURIComponent(actual);
    if (document.cookie.split("; ").includes(`${TIME_ZONE_COOKIE}=${value}`)) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${value}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  }, [timeZone, router]);
  return <TimeZoneContext.Provider value={timeZone}>{children}</TimeZoneContext.Provider>;
}

/**
 * A timestamp in the viewer's time zone, the same on the server and in the
 * browser (so nothing changes after hydration). The exact instant is in the
 * title.
 */
export function LocalTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const timeZone = useContext(TimeZoneContext);
  const text = formatInstant(new Date(iso), timeZone, dateOnly ? "date" : "dateTime");
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}
