"use client";

import { createContext, use, useActionState, useEffect, useRef, useState, type ReactNode } from "react";
import { archiveProjectAction, createProjectAction, deleteProjectAction, updateProjectAction } from "@/app/app/(workspace)/projects/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { SubmitButton } from "@/components/submit-button";
import { useFocusOn } from "@/components/use-focus-on";
import { TenantField } from "@/components/tenant-scope";
import { useListNotice } from "@/components/members/use-list-notice";
import { Alert, Button, Field, Input } from "@/components/ui";
import { FormError } from "@/components/form-error";
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
/** A refusal that belongs to no field (the role, another workspace, a project gone, the session ended). */
const formError = <T,>(state: ActionState<T>) => (state && !state.ok && !state.fieldErrors?.name && !state.fieldErrors?.description ? state : null);

/** What an action on a row said, and the row: the list shows it done once the row is gone, or at `version` (its updatedAt) or later. */
type RowNotice = { text: string; id: string; version: number | null };
const RowNotices = createContext<(notice: RowNotice) => void>(() => {});

/**
 * The list's notice for what was done to a row (an edit, an archive, an
 * unarchive, a delete), held as "Created …" is: once a later action changes
 * the list, it goes. `list.versions` are the rows' updatedAt, as `list.ids`.
 * The focus moves to the notice: the button that ran the action may be gone
 * with its row, and the focus with it.
 */
export function ProjectsNotice({ list, children }: { list: { key: string; ids: string[]; versions: number[] }; children: ReactNode }) {
  const [latest, setLatest] = useState<RowNotice | null>(null);
  const notice = useListNotice(latest, list.key, (n) => {
    const at = list.ids.indexOf(n.id);
    return at < 0 || (n.version !== null && list.versions[at]! >= n.version);
  });
  const ref = useFocusOn<HTMLDivElement>(latest);
  return (
    <RowNotices value={setLatest}>
      {notice ? (
        <Alert variant="success" ref={ref} tabIndex={-1} className="wrap-anywhere outline-none" data-testid="projects-notice">
          {notice.text}
        </Alert>
      ) : null}
      {children}
    </RowNotices>
  );
}

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
      {created ? (
        <Alert variant="success" className="wrap-anywhere">
          {created.message}
        </Alert>
      ) : null}
      <FormError refusal={formError(state)} />
      <SubmitButton pendingLabel="Creating…">Create project</SubmitButton>
    </form>
  );
}

/** What an edit or an archive returns: the project's updatedAt after it. */
type Saved = { version: number };

/** Edit in a dialog that exists only while open (one button per row otherwise). */
function EditProject({ id, name, description }: { id: string; name: string; description: string | null }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [draftName, setDraftName] = useState(name);
  const [draftDescription, setDraftDescription] = useState(description ?? "");
  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);
  const notify = use(RowNotices);
  const [latest, action] = useActionState(async (previous: ActionState<Saved>, formData: FormData) => {
    const result = await updateProjectAction(previous, formData);
    if (result.ok) {
      dialog.current?.close();
      notify({ text: result.message ?? "Saved.", id, version: result.data.version });
    }
    return result;
  }, null);
  // The outcome as it was when the dialog last opened: a refusal from before it was closed is not this opening's.
  const [openedWith, setOpenedWith] = useState<ActionState<Saved>>(null);
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
            <FormError refusal={formError(state)} />
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
  const notify = use(RowNotices);
  const [archiveState, archive] = useActionState(async (previous: ActionState<Saved>, formData: FormData) => {
    const result = await archiveProjectAction(previous, formData);
    if (result.ok) notify({ text: result.message ?? (archived ? "Unarchived." : "Archived."), id, version: result.data.version });
    return result;
  }, null);
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
              <strong className="wrap-anywhere">{name}</strong> is deleted for everyone in the workspace. This cannot be undone{archived ? "" : " — archive it instead to keep it"}.
            </>
          }
          confirmLabel="Delete project"
          onDone={(result) => result.ok && notify({ text: result.message ?? "Deleted.", id, version: null })}
          pendingLabel="Deleting…"
          testId={`delete-${id}`}
        />
      </div>
      <FormError refusal={archiveState && !archiveState.ok ? archiveState : null} />
    </div>
  );
}
