"use client";

import { useState } from "react";
import { deleteWorkspaceAction } from "@/app/app/(workspace)/settings/general/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { Alert, Field, Input } from "@/components/ui";

/**
 * The danger zone's delete: the owner types the workspace's name to confirm
 * (the button waits for it; the action checks it again). An ownership
 * transfer in progress is named first: deleting cancels it.
 */
export function DeleteWorkspace({
  workspaceName,
  purgeAfterDays,
  transferTo = null,
}: {
  workspaceName: string;
  purgeAfterDays: number;
  transferTo?: { name: string | null; email: string } | null;
}) {
  const [typed, setTyped] = useState("");
  return (
    <div className="flex flex-wrap items-center justify-between gap-4">
      <div className="text-sm">
        <p className="font-medium">Delete {workspaceName}</p>
        <p className="text-zinc-600">
          Every member loses access at once. It stays in your trash for {purgeAfterDays === 1 ? "1 day" : `${purgeAfterDays} days`}, where an owner can restore it; then it is purged
          for good.
        </p>
      </div>
      <ConfirmAction
        action={deleteWorkspaceAction}
        fields={{}}
        trigger="Delete workspace"
        triggerVariant="danger"
        title={`Delete ${workspaceName}?`}
        description={
          <>
            {transferTo ? (
              <Alert variant="warning" className="mb-3" data-testid="delete-cancels-transfer">
                Deleting it cancels the transfer of ownership to {transferTo.name ? `${transferTo.name} (${transferTo.email})` : transferTo.email} now in progress.
                Restoring the workspace does not resume it.
              </Alert>
            ) : null}
            Type <strong>{workspaceName}</strong> to confirm.
          </>
        }
        confirmLabel="Delete workspace"
        pendingLabel="Deleting…"
        confirmDisabled={typed.trim() !== workspaceName}
        testId="delete-workspace"
      >
        <Field label="Workspace name" htmlFor="confirm-name">
          <Input id="confirm-name" name="confirmName" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </Field>
      </ConfirmAction>
    </div>
  );
}
