"use client";

import { useActionState, useState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { Alert, Field, Input } from "@/components/ui";
import { verifySignInCodeAction } from "./actions";

export function TwoFactorSignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(verifySignInCodeAction, null);
  // Controlled, so a refused code stays to be corrected.
  const [code, setCode] = useState("");
  const failed = !pending && state && !state.ok ? state : null;
  const fieldError = failed?.fieldErrors?.code;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next} />
      <Field
        label="Authentication code"
        htmlFor="code"
        error={fieldError}
        hint="The 6-digit code from your app, or one of your recovery codes (xxxx-xxxx-xxxx)."
      >
        <Input
          id="code"
          name="code"
          autoComplete="one-time-code"
          autoFocus
          required
          maxLength={64}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          invalid={Boolean(fieldError)}
          aria-describedby={fieldError ? "code-error" : undefined}
        />
      </Field>
      {failed && !fieldError ? <Alert variant="error">{failed.error}</Alert> : null}
      <SubmitButton className="w-full" pendingLabel="Checking…">
        Verify
      </SubmitButton>
    </form>
  );
}
