"use client";

import { leaveWorkspaceAction } from "@/app/app/(workspace)/settings/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { Button } from "@/components/ui";

export function LeaveWorkspace({ workspaceName, lastOwner }: { workspaceName: string; lastOwner: boolean }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-4">
      <div className="text-sm">
        <p className="font-medium">Leave {workspaceName}</p>
        <p className="text-zinc-600">
          {lastOwner
            ? "You are this workspace's only owner: transfer ownership to someone else (General → Transfer ownership) before you leave."
            : "You lose access at once. Someone with the right role can invite you again."}
        </p>
      </div>
      {lastOwner ? (
        <Button type="button" variant="danger" size="sm" disabled title="Transfer ownership to someone else first">
          Leave workspace
        </Button>
      ) : (
      <ConfirmAction
        action={leaveWorkspaceAction}
        fields={{}}
        trigger="Leave workspace"
        triggerVariant="danger"
        title={`Leave ${workspaceName}?`}
        description="You will lose access to this workspace immediately."
        confirmLabel="Leave workspace"
        pendingLabel="Leaving…"
        testId="leave-workspace"
      />
      )}
    </div>
  );
}
