"use client";

import { useState } from "react";
import { deleteWorkspaceAction } from "@/app/app/(workspace)/settings/general/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { Field, Input } from "@/components/ui";

/** The danger zone's delete: the owner types the workspace's name to confirm. */
export function DeleteWorkspace({ workspaceName, purgeAfterDays }: { workspaceName: string; purgeAfterDays: number }) {
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
            Type <strong>{workspaceName}</strong> to confirm.
          </>
        }
        confirmLabel="Delete workspace"
        pendingLabel="Deleting…"
        testId="delete-workspace"
      >
        <Field label="Workspace name" htmlFor="confirm-name">
          <Input id="confirm-name" name="confirmName" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </Field>
      </ConfirmAction>
    </div>
  );
}
