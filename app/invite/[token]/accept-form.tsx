"use client";

import { acceptInvitationLinkAction } from "@/app/app/actions";
import { SubmitButton } from "@/components/submit-button";
import { Alert } from "@/components/ui";
import { useFormAction } from "@/components/use-form-action";

export function AcceptInvitationForm({ token, workspaceName }: { token: string; workspaceName: string }) {
  const [state, action] = useFormAction(acceptInvitationLinkAction, null);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="token" value={token} />
      {state && !state.ok ? <Alert variant="error">{state.error}</Alert> : null}
      <SubmitButton className="w-full" pendingLabel="Joining…">
        Join {workspaceName}
      </SubmitButton>
    </form>
  );
}
