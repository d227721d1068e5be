"use client";

import { useEffect, useState, type ReactNode } from "react";
import { Field, Input } from "@/components/ui";

/** An answer refusing a code: its message, and the field's own when the code itself was wrong. */
export interface CodeRefusal {
  error: string;
  fieldErrors?: Record<string, string>;
}

/**
 * A two-factor code's field (posted as `code`), wherever one is asked: turning
 * two-factor on or off, new recovery codes, the sign-in's second step. A
 * refused code stays as typed, to be read and corrected: after each refusal
 * (`refusal`, a new one per answer) the field has the focus with its text
 * selected, so typing replaces it, and the error about the code sits beside it
 * and describes it. Controlled, as React empties a form's uncontrolled fields
 * after its action.
 */
export function CodeField({
  id,
  refusal,
  hint,
  autoFocus,
}: {
  id: string;
  refusal: CodeRefusal | null;
  hint: ReactNode;
  autoFocus?: boolean;
}) {
  const [code, setCode] = useState("");
  const error = refusal?.fieldErrors?.code;
  useEffect(() => {
    if (!refusal) return;
    const input = document.getElementById(id);
    if (!(input instanceof HTMLInputElement)) return;
    input.focus();
    input.select();
  }, [refusal, id]);
  return (
    <Field label="Authentication code" htmlFor={id} error={error} hint={hint}>
      <Input
        id={id}
        name="code"
        autoComplete="one-time-code"
        autoFocus={autoFocus}
        maxLength={64}
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
        invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
      />
    </Field>
  );
}
