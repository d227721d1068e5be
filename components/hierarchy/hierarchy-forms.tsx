"use client";

import { useActionState, useState } from "react";
import { createChildWorkspaceAction, setDelegationAction } from "@/app/app/(workspace)/hierarchy/actions";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { Alert, Field, Input, Select } from "@/components/ui";
import { useSubmitByHand } from "@/components/use-form-action";
import { SLUG_MAX, TENANT_NAME_MAX, slugify } from "@/lib/validation";
import { FormError } from "@/components/form-error";

export function CreateChildForm({ parentName }: { parentName: string }) {
  const [state, action, pending] = useActionState(createChildWorkspaceAction, null);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    // Created: the form is ready for the next one; refused: what was typed stays.
    if (state?.ok) {
      setName("");
      setSlug("");
      setSlugEdited(false);
    }
  }
  const errors = !pending && state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const shownSlug = slugEdited ? slug : name.trim() ? slugify(name) : "";
  return (
    <form action={action} className="space-y-4" noValidate data-testid="create-child-form">
      <TenantField />
      <Field label="Name" htmlFor="child-name" error={errors.name} hint={`A workspace under ${parentName}, e.g. a customer's.`}>
        <Input id="child-name" name="name" required maxLength={TENANT_NAME_MAX + 20} value={name} onChange={(e) => setName(e.target.value)} invalid={Boolean(errors.name)} />
      </Field>
      <Field label="Slug" htmlFor="child-slug" error={errors.slug} hint="Lowercase letters, digits and hyphens; unique.">
        <Input
          id="child-slug"
          name="slug"
          value={shownSlug}
          maxLength={SLUG_MAX + 20}
          onChange={(e) => {
            setSlugEdited(true);
            setSlug(e.target.value);
          }}
          invalid={Boolean(errors.slug)}
          autoCapitalize="off"
          spellCheck={false}
        />
      </Field>
      {!pending && state && !state.ok && !errors.name && !errors.slug ? <FormError refusal={state} /> : null}
      {!pending && state?.ok ? (
        <Alert variant="success">
          <span data-testid="create-child-done">{state.message}</span>
        </Alert>
      ) : null}
      <SubmitButton pendingLabel="Creating…">Create child workspace</SubmitButton>
    </form>
  );
}

const CHOICES = [
  { value: "admin", label: "Admin (default): manage members and invitations, read the audit log" },
  { value: "auditor", label: "Auditor: read members and the audit log" },
  { value: "member", label: "Member: see the workspace" },
  { value: "none", label: "No delegated access" },
] as const;

export function DelegationForm({ current }: { current: string }) {
  const [state, action, pending] = useActionState(setDelegationAction, null);
  const submit = useSubmitByHand(action);
  // Controlled: the select shows the choice sent, kept after a refusal, and
  // follows the saved setting when the page brings a new one.
  const [choice, setChoice] = useState(current);
  const [seen, setSeen] = useState(current);
  if (current !== seen) {
    setSeen(current);
    setChoice(current);
  }
  return (
    <form
      // Submitted by hand: React resets a form after its action, and a reset
      // <select> shows the option it was first rendered with, not the one just saved.
      // (`action` stays for the button's pending state.)
      action={action}
      onSubmit={submit}
      className="space-y-3"
      data-testid="delegation-form"
    >
      <TenantField />
      <Field label="The parent workspaces' admins get" htmlFor="delegate-role" hint="Never owner. They enter from their own workspace's switcher; what they do is recorded here and in their workspace's log.">
        <Select id="delegate-role" name="delegateRole" value={choice} onChange={(e) => setChoice(e.target.value)} className="w-full">
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </Select>
      </Field>
      {!pending && state && !state.ok ? <FormError refusal={state} /> : null}
      {!pending && state?.ok ? (
        <Alert variant="success">
          <span data-testid="delegation-saved">{state.message}</span>
        </Alert>
      ) : null}
      <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
    </form>
  );
}
