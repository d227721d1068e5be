"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * A timestamp in the viewer's own time zone. The server cannot know it, so
 * the server render shows UTC and the browser replaces it after hydration.
 */
export function LocalTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const onClient = useSyncExternalStore(subscribe, () => true, () => false);
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = dateOnly
    ? { dateStyle: "medium" }
    : { dateStyle: "medium", timeStyle: "medium" };
  const text = onClient
    ? new Intl.DateTimeFormat(undefined, options).format(date)
    : `${new Intl.DateTimeFormat("en", { ...options, timeZone: "UTC" }).format(date)} UTC`;
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}
