"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { TIME_ZONE_COOKIE } from "@/lib/time-zone";

const TimeZoneContext = createContext("UTC");

// A formatter is costly to create (~100 µs, and memory the allocator keeps)
// and cheap to reuse: one per style and zone, for the whole process or page.
const STYLES = {
  date: { dateStyle: "medium" },
  dateTime: { dateStyle: "medium", timeStyle: "medium" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
type Style = keyof typeof STYLES;
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(style: Style, timeZone: string): Intl.DateTimeFormat {
  const key = `${style}:${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en", { ...STYLES[style], timeZone });
    formatters.set(key, format);
  }
  return format;
}

/**
 * The viewer's time zone for every LocalTime below, as the server read it
 * from the cookie; the browser corrects the cookie (and re-renders) when it
 * is missing or its zone has changed — once, not on every page.
 */
export function TimeZoneProvider({ timeZone, children }: { timeZone: string; children: ReactNode }) {
  const router = useRouter();
  useEffect(() => {
    const actual = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!actual || actual === timeZone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(actual)}; path=/; max-age=31536000; samesite=lax`;
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
  const text = formatter(dateOnly ? "date" : "dateTime", timeZone).format(new Date(iso));
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}
