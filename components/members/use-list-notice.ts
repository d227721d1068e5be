"use client";

import { useEffect, useState } from "react";

/**
 * A notice about an action on a list (the members, the pending invitations),
 * for as long as the list is as that action left it: it goes once a later
 * action changes the list shown (a member's role changed or someone removed,
 * an invitation sent, resent or revoked — here or, seen on the next render,
 * by someone else — a search, another sort or page). `listKey` names the list
 * shown: its page and what it shows of each row. `settled` says when the list
 * shown already reflects the action (its refresh may come a render later);
 * until then the notice stays whatever the list. Whatever the list, it goes
 * with the next form sent from the page: notices never pile up beside later ones.
 */
export function useListNotice<T>(notice: T | null, listKey: string, settled: (notice: T) => boolean): T | null {
  const [held, setHeld] = useState<{ notice: T | null; list: string | null; past: boolean }>({ notice: null, list: null, past: false });
  let current = held;
  if (held.notice !== notice) {
    current = { notice, list: null, past: false };
    setHeld(current);
  }
  if (current.notice !== null && current.list === null && settled(current.notice)) {
    current = { ...current, list: listKey };
    setHeld(current);
  }
  // It speaks of the latest action on the page only: once a form is sent from
  // the page (this list's next action or any other, refused or not), that
  // action's outcome replaces it, wherever it is said, or none does.
  const shown = current.notice;
  useEffect(() => {
    if (shown === null) return;
    const onSubmit = () => setHeld((h) => (h.notice === shown ? { ...h, past: true } : h));
    document.addEventListener("submit", onSubmit, true);
    return () => document.removeEventListener("submit", onSubmit, true);
  }, [shown]);
  if (current.past) return null;
  return current.list === null || current.list === listKey ? current.notice : null;
}

/** The pending invitations shown, as their table and the invite form name them for useListNotice. */
export function invitationListKey(list: { page: number; total: number; ids: readonly string[] }): string {
  return `${list.page}/${list.total}:${list.ids.join(",")}`;
}
