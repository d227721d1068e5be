"use client";

import { useActionState } from "react";
import { CodeField } from "@/components/profile/code-field";
import { SubmitButton } from "@/components/submit-button";
import { Alert } from "@/components/ui";
import { verifySignInCodeAction } from "./actions";

export function TwoFactorSignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(verifySignInCodeAction, null);
  const failed = !pending && state && !state.ok ? state : null;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next} />
      <CodeField id="code" refusal={failed} autoFocus hint="The 6-digit code from your app, or one of your recovery codes (xxxx-xxxx-xxxx)." />
      {failed && !failed.fieldErrors?.code ? <Alert variant="error">{failed.error}</Alert> : null}
      <SubmitButton className="w-full" pendingLabel="Checking…">
        Verify
      </SubmitButton>
    </form>
  );
}
