"use client";

import type { ComponentProps } from "react";
import { useFormStatus } from "react-dom";
import { Button } from "./ui";

/**
 * A submit button that disables itself and says so while its form is being
 * sent. A form submitted by hand (not through its `action`) says when it is
 * pending with `pending`.
 */
export function SubmitButton({ children, pendingLabel, pending: sending, ...props }: ComponentProps<typeof Button> & { pendingLabel?: string; pending?: boolean }) {
  const status = useFormStatus();
  const pending = sending ?? status.pending;
  return (
    <Button type="submit" {...props} disabled={pending || props.disabled} aria-busy={pending || undefined}>
      {pending ? (pendingLabel ?? "Working…") : children}
    </Button>
  );
}
