"use client";

import { useActionState } from "react";
import { confirmTransferAction } from "@/app/app/(workspace)/settings/transfer/actions";
import { switchWorkspace } from "@/app/app/actions";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { FormError } from "@/components/form-error";

/** Step 2: the emailed link's page. A button, not the link itself, confirms (a mail scanner opening the link changes nothing). */
export function ConfirmTransferForm({ transferId, token }: { transferId: string; token: string }) {
  const [state, formAction, pending] = useActionState(confirmTransferAction, null);
  return (
    <form action={formAction} className="space-y-3" data-testid="transfer-confirm">
      <TenantField />
      <input type="hidden" name="transferId" value={transferId} />
      <input type="hidden" name="token" value={token} />
      <SubmitButton pendingLabel="Confirming…">Confirm the transfer</SubmitButton>
      {!pending && state && !state.ok ? <FormError refusal={state} /> : null}
    </form>
  );
}

/** The link names another of the user's workspaces: switch to it and come back to the link. */
export function SwitchForTransfer({ tenantId, tenantName, returnTo }: { tenantId: string; tenantName: string; returnTo: string }) {
  const [state, formAction, pending] = useActionState(switchWorkspace, null);
  return (
    <form action={formAction} className="space-y-3">
      <p className="text-sm text-zinc-600">This link confirms a transfer of {tenantName}. Switch to it to continue.</p>
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="returnTo" value={returnTo} />
      <SubmitButton pendingLabel="Switching…">Switch to {tenantName}</SubmitButton>
      {!pending && state && !state.ok ? <FormError refusal={state} /> : null}
    </form>
  );
}
