"use client";

import { useActionState, useState } from "react";
import { createProjectAction, deleteProjectAction, updateProjectAction } from "@/app/app/(workspace)/projects/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { Alert, Button, Field, Input } from "@/components/ui";

// The projects page's interactive parts; the page itself is a server component.

export function CreateProjectForm() {
  const [state, action] = useActionState(createProjectAction, null);
  // Controlled, so a refused name stays in the field to be corrected (React resets uncontrolled fields after a form action).
  const [name, setName] = useState("");
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    if (state?.ok) setName("");
  }
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <div className="space-y-2">
      <form action={action} className="flex flex-wrap items-start gap-3" noValidate data-testid="create-projects-form">
        <TenantField />
        <div className="min-w-0 flex-1 basis-64">
          <Field label="New project" htmlFor="new-projects-name" error={errors.name}>
            <Input id="new-projects-name" name="name" required maxLength={200} invalid={Boolean(errors.name)} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
        </div>
        <div className="pt-7">
          <SubmitButton pendingLabel="Creating…">Create</SubmitButton>
        </div>
      </form>
      {state?.ok ? <Alert variant="success">{state.message}</Alert> : null}
      {state && !state.ok && !errors.name ? <Alert variant="error">{state.error}</Alert> : null}
    </div>
  );
}

/** Rename in place, and delete after a confirmation. */
export function ProjectRowActions({ id, name }: { id: string; name: string }) {
  const [editing, setEditing] = useState(false);
  const [state, action] = useActionState(async (previous: Parameters<typeof updateProjectAction>[0], formData: FormData) => {
    const result = await updateProjectAction(previous, formData);
    if (result.ok) setEditing(false);
    return result;
  }, null);
  const [draft, setDraft] = useState(name);
  if (editing) {
    return (
      <form action={action} className="flex flex-wrap items-start justify-end gap-2" noValidate>
        <TenantField />
        <input type="hidden" name="id" value={id} />
        <div className="min-w-40 flex-1">
          <Input name="name" aria-label="Name" required maxLength={200} value={draft} onChange={(e) => setDraft(e.target.value)} invalid={Boolean(state && !state.ok)} autoFocus />
          {state && !state.ok ? <p className="mt-1 text-sm text-red-600">{state.error}</p> : null}
        </div>
        <SubmitButton size="sm" pendingLabel="Saving…">
          Save
        </SubmitButton>
        <Button type="button" variant="ghost" size="sm" onClick={() => setEditing(false)}>
          Cancel
        </Button>
      </form>
    );
  }
  return (
    <div className="flex items-start justify-end gap-2">
      <Button
        type="button"
        variant="secondary"
        size="sm"
        onClick={() => {
          setDraft(name);
          setEditing(true);
        }}
      >
        Edit
      </Button>
      <ConfirmAction
        action={deleteProjectAction}
        fields={{ id }}
        trigger="Delete"
        triggerVariant="ghost"
        title="Delete this project?"
        description={
          <>
            <strong>{name}</strong> is deleted for everyone in the workspace. This cannot be undone.
          </>
        }
        confirmLabel="Delete project"
        pendingLabel="Deleting…"
        testId={`delete-${name}`}
      />
    </div>
  );
}
