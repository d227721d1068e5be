"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

// A formatter is costly to create (~100 µs, and memory the allocator keeps)
// and cheap to reuse: one per style, for the whole process or page.
const STYLES = {
  date: { dateStyle: "medium" },
  dateTime: { dateStyle: "medium", timeStyle: "medium" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
type Style = keyof typeof STYLES;
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(style: Style, where: "server" | "viewer"): Intl.DateTimeFormat {
  const key = `${where}:${style}`;
  let format = formatters.get(key);
  if (!format) {
    format =
      where === "viewer"
        ? new Intl.DateTimeFormat(undefined, STYLES[style])
        : new Intl.DateTimeFormat("en", { ...STYLES[style], timeZone: "UTC" });
    formatters.set(key, format);
  }
  return format;
}

/**
 * A timestamp in the viewer's own time zone. The server cannot know it, so
 * the server render shows UTC and the browser replaces it after hydration.
 */
export function LocalTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const onClient = useSyncExternalStore(subscribe, () => true, () => false);
  const date = new Date(iso);
  const style: Style = dateOnly ? "date" : "dateTime";
  const text = onClient ? formatter(style, "viewer").format(date) : `${formatter(style, "server").format(date)} UTC`;
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}
