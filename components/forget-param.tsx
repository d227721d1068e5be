"use client";

import { useEffect } from "react";

/**
 * Takes a one-time query parameter (a notice's, such as `restored`) out of
 * the address once its page has shown it, keeping the rest: a reload or a
 * bookmark does not say again what happened once.
 */
export function ForgetParam({ name }: { name: string }) {
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has(name)) return;
    url.searchParams.delete(name);
    window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
  }, [name]);
  return null;
}
