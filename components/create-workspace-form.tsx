"use client";

import { useState } from "react";
import { createWorkspace } from "@/app/app/actions";
import { SubmitButton } from "@/components/submit-button";
import { Field, Input } from "@/components/ui";
import { SLUG_MAX, TENANT_NAME_MAX, slugify } from "@/lib/validation";
import { useFormAction } from "@/components/use-form-action";
import { FormError } from "@/components/form-error";

export function CreateWorkspaceForm() {
  const [state, action] = useFormAction(createWorkspace, null);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const shownSlug = slugEdited ? slug : name.trim() ? slugify(name) : "";

  return (
    <form action={action} className="space-y-4" noValidate>
      <Field label="Workspace name" htmlFor="name" error={errors.name} hint="Shown throughout the app, e.g. “Acme Production”.">
        <Input
          id="name"
          name="name"
          required
          maxLength={TENANT_NAME_MAX + 20}
          value={name}
          onChange={(e) => setName(e.target.value)}
          invalid={Boolean(errors.name)}
          placeholder="Acme Production"
        />
      </Field>
      <Field
        label="Slug"
        htmlFor="slug"
        error={errors.slug}
        hint="A short, unique identifier: lowercase letters, digits and hyphens."
      >
        <Input
          id="slug"
          name="slug"
          value={shownSlug}
          maxLength={SLUG_MAX + 20}
          onChange={(e) => {
            setSlugEdited(true);
            setSlug(e.target.value);
          }}
          invalid={Boolean(errors.slug)}
          placeholder="acme-production"
          autoCapitalize="off"
          spellCheck={false}
        />
      </Field>
      {state && !state.ok && !errors.name && !errors.slug ? <FormError refusal={state} /> : null}
      <SubmitButton pendingLabel="Creating…">Create workspace</SubmitButton>
    </form>
  );
}
