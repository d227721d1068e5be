"use client";

import { useState } from "react";
import {
  blockWorkspaceAction,
  deleteWorkspaceAction,
  purgeWorkspaceAction,
  renameWorkspaceAction,
  restoreWorkspaceAction,
  setWorkspacePlanAction,
} from "@/app/admin/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { SubmitButton } from "@/components/submit-button";
import { Alert, Card, Field, Input, Select } from "@/components/ui";
import { useFocusOn } from "@/components/use-focus-on";
import { useFormAction, useSubmitByHand } from "@/components/use-form-action";
import { TENANT_NAME_MAX } from "@/lib/validation";

interface Props {
  tenant: { id: string; name: string; status: "active" | "blocked" | "deleted"; planId: string; purgeRequested: boolean };
  plans: Array<{ id: string; name: string }>;
}

function Outcome({ state }: { state: { ok: boolean; error?: string; message?: string } | null }) {
  if (!state) return null;
  return state.ok ? <Alert variant="success">{state.message}</Alert> : <Alert variant="error">{state.error}</Alert>;
}

/** The name typed to confirm; its dialog's button waits for it to match (the action checks it again). */
function TypedName({ id, name, typed, onType }: { id: string; name: string; typed: string; onType: (typed: string) => void }) {
  return (
    <Field label={`Type “${name}” to confirm`} htmlFor={id}>
      <Input id={id} name="confirmName" autoComplete="off" value={typed} onChange={(e) => onType(e.target.value)} />
    </Field>
  );
}

/** What a platform administrator changes about a workspace: each posts to an action the database checks again. */
export function WorkspaceAdminActions({ tenant, plans }: Props) {
  const [renamed, rename] = useFormAction(renameWorkspaceAction, null);
  const [planned, changePlan] = useFormAction(setWorkspacePlanAction, null);
  // Submitted by hand: React would empty the forms after their action, throwing away a refused
  // name and showing the plan picker's first choice rather than the plan just set.
  const submitRename = useSubmitByHand(rename);
  const submitPlan = useSubmitByHand(changePlan);
  // A new object each time, so that the next action's notice takes the focus too.
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  // The notice takes the focus: the button that led to it (Suspend, Delete, Purge now…) goes away with the status it changed.
  const noticeRef = useFocusOn<HTMLDivElement>(notice);
  const done = (r: { ok: boolean; message?: string }) => r.ok && setNotice({ text: r.message ?? "Done." });
  const [deleteTyped, setDeleteTyped] = useState("");
  const [purgeTyped, setPurgeTyped] = useState("");

  return (
    <Card className="space-y-6 p-5">
      <h2 className="text-lg font-semibold">Manage</h2>
      {notice ? (
        <div ref={noticeRef} tabIndex={-1} className="outline-none" data-testid="admin-notice">
          <Alert variant="success">{notice.text}</Alert>
        </div>
      ) : null}
      {tenant.status !== "deleted" ? (
        <>
          <form action={rename} onSubmit={submitRename} className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="tenantId" value={tenant.id} />
            <div className="min-w-56 flex-1">
              <Field label="Name" htmlFor="rename">
                <Input id="rename" name="name" defaultValue={tenant.name} maxLength={TENANT_NAME_MAX + 20} required />
              </Field>
            </div>
            <SubmitButton variant="secondary" pendingLabel="Renaming…">
              Rename
            </SubmitButton>
          </form>
          <Outcome state={renamed} />
          <form action={changePlan} onSubmit={submitPlan} className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="tenantId" value={tenant.id} />
            <div>
              <Field label="Plan" htmlFor="plan" hint="A plan below current usage keeps what exists and refuses growth.">
                <Select id="plan" name="plan" defaultValue={tenant.planId}>
                  {plans.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
            <SubmitButton variant="secondary" pendingLabel="Changing…">
              Change plan
            </SubmitButton>
          </form>
          <Outcome state={planned} />
        </>
      ) : null}
      <div className="flex flex-wrap gap-2">
        {tenant.status === "active" ? (
          <ConfirmAction
            action={blockWorkspaceAction}
            fields={{ tenantId: tenant.id, blocked: "true" }}
            trigger="Suspend"
            triggerVariant="danger"
            title={`Suspend ${tenant.name}?`}
            description="Every member loses access at their next request — pages, actions, exports — until the suspension is lifted. The reason is written in its audit log."
            confirmLabel="Suspend workspace"
            pendingLabel="Suspending…"
            testId="admin-block"
            onDone={done}
          >
            <Field label="Reason (optional, shown in the workspace's audit log)" htmlFor="block-reason">
              <Input id="block-reason" name="reason" maxLength={500} />
            </Field>
          </ConfirmAction>
        ) : null}
        {tenant.status === "blocked" ? (
          <ConfirmAction
            action={blockWorkspaceAction}
            fields={{ tenantId: tenant.id, blocked: "false" }}
            trigger="Lift suspension"
            variant="primary"
            title={`Lift the suspension of ${tenant.name}?`}
            description="Its members get their access back at their next request."
            confirmLabel="Lift suspension"
            pendingLabel="Lifting…"
            testId="admin-unblock"
            onDone={done}
          />
        ) : null}
        {tenant.status === "active" ? (
          <ConfirmAction
            action={deleteWorkspaceAction}
            fields={{ tenantId: tenant.id }}
            trigger="Delete"
            triggerVariant="danger"
            title={`Delete ${tenant.name}?`}
            description="It goes to its owners' trash: members lose access at once; it can be restored until it is purged."
            confirmLabel="Delete workspace"
            pendingLabel="Deleting…"
            testId="admin-delete"
            confirmDisabled={deleteTyped.trim() !== tenant.name}
            onDone={done}
          >
            <TypedName id="delete-confirm" name={tenant.name} typed={deleteTyped} onType={setDeleteTyped} />
          </ConfirmAction>
        ) : null}
        {tenant.status === "deleted" && !tenant.purgeRequested ? (
          <>
            <ConfirmAction
              action={restoreWorkspaceAction}
              fields={{ tenantId: tenant.id }}
              trigger="Restore"
              variant="primary"
              title={`Restore ${tenant.name}?`}
              description="Its members get their access back, with everything it held when it was deleted."
              confirmLabel="Restore workspace"
              pendingLabel="Restoring…"
              testId="admin-restore"
              onDone={done}
            />
            <ConfirmAction
              action={purgeWorkspaceAction}
              fields={{ tenantId: tenant.id }}
              trigger="Purge now"
              triggerVariant="danger"
              title={`Purge ${tenant.name} for good?`}
              description="Everything in it is removed and cannot be restored."
              confirmLabel="Purge for good"
              pendingLabel="Purging…"
              testId="admin-purge"
              confirmDisabled={purgeTyped.trim() !== tenant.name}
              onDone={done}
            >
              <TypedName id="purge-confirm" name={tenant.name} typed={purgeTyped} onType={setPurgeTyped} />
            </ConfirmAction>
          </>
        ) : null}
        {tenant.purgeRequested ? <p className="text-sm text-zinc-600">Being purged.</p> : null}
      </div>
    </Card>
  );
}
