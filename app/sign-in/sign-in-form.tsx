"use client";

import { useState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { Alert, Field, Input } from "@/components/ui";
import { requestMagicLink } from "./actions";
import { useFormAction } from "@/components/use-form-action";

export function SignInForm({ email, next }: { email?: string; next?: string }) {
  const [state, action] = useFormAction(requestMagicLink, null);
  // Controlled, so a refused address stays in the field to be corrected.
  const [value, setValue] = useState(email ?? "");
  const emailError = state && !state.ok ? state.fieldErrors?.email : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <Field label="Email address" htmlFor="email" error={emailError}>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="you@company.com"
          invalid={Boolean(emailError)}
          aria-describedby={emailError ? "email-error" : undefined}
        />
      </Field>
      {state && !state.ok && !emailError ? <Alert variant="error">{state.error}</Alert> : null}
      <SubmitButton className="w-full" pendingLabel="Sending link…">
        Email me a sign-in link
      </SubmitButton>
    </form>
  );
}
