"use client";

import { useEffect, useRef, type ComponentProps } from "react";
import { useFormStatus } from "react-dom";
import { Button } from "./ui";

/**
 * A submit button that disables itself and says so while its form is being
 * sent. A form submitted by hand (not through its `action`) says when it is
 * pending with `pending`.
 *
 * Disabling the focused button drops the focus to the page. When the form has
 * its answer and the focus is still nowhere (a dialog that moved it, or the
 * user, has had their turn), it comes back to the form: to the first field
 * the answer marked invalid, to correct it, or else to this button.
 */
export function SubmitButton({ children, pendingLabel, pending: sending, ...props }: ComponentProps<typeof Button> & { pendingLabel?: string; pending?: boolean }) {
  const status = useFormStatus();
  const pending = sending ?? status.pending;
  const button = useRef<HTMLButtonElement>(null);
  const wasPending = useRef(false);
  useEffect(() => {
    const returned = wasPending.current && !pending;
    wasPending.current = pending;
    if (!returned) return;
    queueMicrotask(() => {
      const self = button.current;
      const focused = document.activeElement;
      if (!self?.isConnected || (focused && focused !== document.body)) return;
      (self.form?.querySelector<HTMLElement>('[aria-invalid="true"]:not([disabled])') ?? self).focus();
    });
  }, [pending]);
  return (
    <Button ref={button} type="submit" {...props} disabled={pending || props.disabled} aria-busy={pending || undefined}>
      {pending ? (pendingLabel ?? "Working…") : children}
    </Button>
  );
}
