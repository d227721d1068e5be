"use client";

import { useEffect, useRef } from "react";

/**
 * The focus for what an action left on screen: each time `outcome` becomes
 * something new, the element the returned ref is on takes the focus (give it
 * tabIndex={-1} when it is not a control). After an action the button that
 * ran it may be gone — its row removed or replaced, a form replaced by the
 * next step — and the focus with it, to the page; the outcome is where the
 * keyboard and a screen reader go next.
 */
export function useFocusOn<E extends HTMLElement>(outcome: unknown) {
  const ref = useRef<E>(null);
  useEffect(() => {
    if (outcome) ref.current?.focus();
  }, [outcome]);
  return ref;
}
