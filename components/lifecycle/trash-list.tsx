"use client";

import { useState } from "react";
import { purgeWorkspaceAction, restoreWorkspaceAction } from "@/app/app/trash/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { LocalTime } from "@/components/local-time";
import { Alert, Field, Input } from "@/components/ui";
import { useFocusOn } from "@/components/use-focus-on";

export interface TrashedView {
  id: string;
  name: string;
  slug: string;
  deletedAt: string;
  deletedBy: string | null;
  daysLeft: number;
  beingPurged: boolean;
}

function PurgeNow({ workspace, onDone }: { workspace: TrashedView; onDone: (message: string) => void }) {
  const [typed, setTyped] = useState("");
  return (
    <ConfirmAction
      action={purgeWorkspaceAction}
      fields={{ tenantId: workspace.id }}
      trigger="Purge now"
      triggerVariant="ghost"
      title={`Purge ${workspace.name} for good?`}
      description={
        <>
          Everything in it is removed and cannot be restored. Type <strong>{workspace.name}</strong> to confirm.
        </>
      }
      confirmLabel="Purge for good"
      pendingLabel="Purging…"
      confirmDisabled={typed.trim() !== workspace.name}
      testId={`purge-${workspace.slug}`}
      onDone={(r) => r.ok && onDone(r.message ?? "Purging.")}
    >
      <Field label="Workspace name" htmlFor={`purge-${workspace.id}`}>
        <Input id={`purge-${workspace.id}`} name="confirmName" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      </Field>
    </ConfirmAction>
  );
}

export function TrashList({ workspaces }: { workspaces: TrashedView[] }) {
  // A new object each time, so that a second purge's notice takes the focus too.
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  // The notice takes the focus: the Purge now button that led to it goes away with its row's actions.
  const noticeRef = useFocusOn<HTMLDivElement>(notice);
  return (
    <div className="space-y-3">
      {notice ? (
        <div ref={noticeRef} tabIndex={-1} className="outline-none" data-testid="trash-notice">
          <Alert variant="success">{notice.text}</Alert>
        </div>
      ) : null}
      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white" data-testid="trash">
        {workspaces.map((w) => (
          <li key={w.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3" data-testid="trash-row" data-slug={w.slug}>
            <div className="text-sm">
              <p className="font-medium">{w.name}</p>
              <p className="muted">
                Deleted <LocalTime iso={w.deletedAt} dateOnly />
                {w.deletedBy ? ` by ${w.deletedBy}` : ""} ·{" "}
                {w.beingPurged ? "being purged" : `purged in ${w.daysLeft} day${w.daysLeft === 1 ? "" : "s"}`}
              </p>
            </div>
            {w.beingPurged ? null : (
              <div className="flex gap-2">
                <ConfirmAction
                  action={restoreWorkspaceAction}
                  fields={{ tenantId: w.id }}
                  trigger="Restore"
                  triggerVariant="secondary"
                  variant="primary"
                  title={`Restore ${w.name}?`}
                  description="Its members get their access back, with everything it held when it was deleted."
                  confirmLabel="Restore workspace"
                  pendingLabel="Restoring…"
                  testId={`restore-${w.slug}`}
                />
                <PurgeNow workspace={w} onDone={(text) => setNotice({ text })} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
