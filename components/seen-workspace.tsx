"use client";

import { useEffect } from "react";

/**
 * Renews the receipt of the workspace this page shows (POST
 * /app/workspace-seen), once, after the page has loaded. A fetch rather than
 * a server action: an action that sets a cookie re-renders the page, and the
 * notice the page shows would vanish as it appears.
 */
export function RenewSeenWorkspace() {
  useEffect(() => {
    void fetch("/app/workspace-seen", { method: "POST", credentials: "same-origin" }).catch(() => {
      // Only the next page's notice depends on it; nothing to tell the user.
    });
  }, []);
  return null;
}
