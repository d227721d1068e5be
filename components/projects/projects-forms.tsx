"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { archiveProjectAction, createProjectAction, deleteProjectAction, updateProjectAction } from "@/app/app/(workspace)/projects/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { useListNotice } from "@/components/members/use-list-notice";
import { Alert, Button, Field, Input } from "@/components/ui";
import type { ActionState } from "@/lib/tenancy/client";

// The projects page's interactive parts; the page itself is a server component.

const DESCRIPTION_MAX = 2000;
const TEXTAREA =
  "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs focus:border-zinc-900 focus:outline-none aria-invalid:border-red-500";

/** Name and description, controlled: what was typed stays when the action refuses it (React resets uncontrolled fields after a form action). */
function ProjectFields({
  idPrefix,
  name,
  description,
  onName,
  onDescription,
  errors,
}: {
  idPrefix: string;
  name: string;
  description: string;
  onName: (v: string) => void;
  onDescription: (v: string) => void;
  errors: Record<string, string>;
}) {
  return (
    <>
      <Field label="Name" htmlFor={`${idPrefix}-name`} error={errors.name}>
        <Input id={`${idPrefix}-name`} name="name" required maxLength={200} invalid={Boolean(errors.name)} value={name} onChange={(e) => onName(e.target.value)} />
      </Field>
      <Field label="Description (optional)" htmlFor={`${idPrefix}-description`} error={errors.description}>
        <textarea
          id={`${idPrefix}-description`}
          name="description"
          rows={3}
          maxLength={DESCRIPTION_MAX}
          value={description}
          onChange={(e) => onDescription(e.target.value)}
          aria-invalid={Boolean(errors.description) || undefined}
          className={TEXTAREA}
        />
      </Field>
    </>
  );
}

const fieldErrors = <T,>(state: ActionState<T>) => (state && !state.ok ? (state.fieldErrors ?? {}) : {});
/** A refusal that belongs to no field (the role, another workspace, a project gone). */
const formError = <T,>(state: ActionState<T>) => (state && !state.ok && !state.fieldErrors?.name && !state.fieldErrors?.description ? state.error : null);

/**
 * `list`: the projects the page shows (`key` names them as shown: which, in
 * what state). "Created …" holds while that list is as the creation left it:
 * once a later action changes it (an edit, an archive, a delete, another
 * search or page), it goes, as the members page's notices do.
 */
export function CreateProjectForm({ list }: { list: { key: string; ids: string[] } }) {
  const [state, action] = useActionState(createProjectAction, null);
  const created = useListNotice(state?.ok ? state : null, list.key, (s) => list.ids.includes(s.data.id));
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    if (state?.ok) {
      setName("");
      setDescription("");
    }
  }
  return (
    <form action={action} className="max-w-xl space-y-3 rounded-lg border border-zinc-200 bg-white p-4" noValidate data-testid="create-projects-form">
      <h2 className="text-sm font-semibold">New project</h2>
      <TenantField />
      <ProjectFields idPrefix="new-project" name={name} description={description} onName={setName} onDescription={setDescription} errors={fieldErrors(state)} />
      {created ? <Alert variant="success">{created.message}</Alert> : null}
      {formError(state) ? <Alert variant="error">{formError(state)}</Alert> : null}
      <SubmitButton pendingLabel="Creating…">Create project</SubmitButton>
    </form>
  );
}

/** Edit in a dialog that exists only while open (one button per row otherwise). */
function EditProject({ id, name, description }: { id: string; name: string; description: string | null }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [draftName, setDraftName] = useState(name);
  const [draftDescription, setDraftDescription] = useState(description ?? "");
  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);
  const [latest, action] = useActionState(async (previous: ActionState, formData: FormData) => {
    const result = await updateProjectAction(previous, formData);
    if (result.ok) dialog.current?.close();
    return result;
  }, null);
  // The outcome as it was when the dialog last opened: a refusal from before it was closed is not this opening's.
  const [openedWith, setOpenedWith] = useState<ActionState>(null);
  const state = latest === openedWith ? null : latest;
  return (
    <>
      <Button
        type="button"
        variant="secondary"
        size="sm"
        data-testid={`edit-${id}`}
        onClick={() => {
          setDraftName(name);
          setDraftDescription(description ?? "");
          setOpenedWith(latest);
          setOpen(true);
        }}
      >
        Edit
      </Button>
      {open ? (
        <dialog
          ref={dialog}
          onClose={() => setOpen(false)}
          aria-labelledby={`edit-${id}-title`}
          className="m-auto w-full max-w-md rounded-lg border border-zinc-200 p-0 shadow-xl backdrop:bg-zinc-900/40"
        >
          <form action={action} className="space-y-4 p-5" noValidate>
            <TenantField />
            <input type="hidden" name="id" value={id} />
            <h2 id={`edit-${id}-title`} className="text-lg font-semibold">
              Edit project
            </h2>
            <ProjectFields
              idPrefix={`edit-${id}`}
              name={draftName}
              description={draftDescription}
              onName={setDraftName}
              onDescription={setDraftDescription}
              errors={fieldErrors(state)}
            />
            {formError(state) ? <Alert variant="error">{formError(state)}</Alert> : null}
            <div className="flex justify-end gap-2">
              <Button type="button" variant="secondary" onClick={() => dialog.current?.close()}>
                Cancel
              </Button>
              <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
            </div>
          </form>
        </dialog>
      ) : null}
    </>
  );
}

/** Archiving is undone with one click, so it asks nothing; deleting asks first. */
export function ProjectRowActions({ id, name, description, archived }: { id: string; name: string; description: string | null; archived: boolean }) {
  const [archiveState, archive] = useActionState(archiveProjectAction, null);
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-start justify-end gap-2">
        <EditProject id={id} name={name} description={description} />
        <form action={archive}>
          <TenantField />
          <input type="hidden" name="id" value={id} />
          <input type="hidden" name="archived" value={archived ? "false" : "true"} />
          <SubmitButton variant="secondary" size="sm" pendingLabel={archived ? "Unarchiving…" : "Archiving…"} data-testid={`${archived ? "unarchive" : "archive"}-${id}`}>
            {archived ? "Unarchive" : "Archive"}
          </SubmitButton>
        </form>
        <ConfirmAction
          action={deleteProjectAction}
          fields={{ id }}
          trigger="Delete"
          triggerVariant="ghost"
          title="Delete this project?"
          description={
            <>
              <strong>{name}</strong> is deleted for everyone in the workspace. This cannot be undone{archived ? "" : " — archive it instead to keep it"}.
            </>
          }
          confirmLabel="Delete project"
          pendingLabel="Deleting…"
          testId={`delete-${id}`}
        />
      </div>
      {archiveState && !archiveState.ok ? <Alert variant="error">{archiveState.error}</Alert> : null}
    </div>
  );
}
