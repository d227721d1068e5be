"use client";

import { createWorkspaceForAction } from "@/app/admin/actions";
import { SubmitButton } from "@/components/submit-button";
import { Alert, Field, Input, Select } from "@/components/ui";
import { useFormAction, useSubmitByHand } from "@/components/use-form-action";
import { EMAIL_MAX, SLUG_MAX, TENANT_NAME_MAX } from "@/lib/validation";

export function CreateWorkspaceForForm({ plans }: { plans: Array<{ id: string; name: string; isDefault: boolean }> }) {
  const [state, action] = useFormAction(createWorkspaceForAction, null);
  // Submitted by hand: React would empty the form after its action, throwing away what a refusal asks to correct.
  const submit = useSubmitByHand(action);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <form action={action} onSubmit={submit} className="space-y-4" noValidate>
      <Field label="Workspace name" htmlFor="name" error={errors.name}>
        <Input id="name" name="name" required maxLength={TENANT_NAME_MAX + 20} invalid={Boolean(errors.name)} placeholder="Acme Production" />
      </Field>
      <Field label="Slug" htmlFor="slug" error={errors.slug} hint="Leave empty to derive it from the name.">
        <Input id="slug" name="slug" maxLength={SLUG_MAX + 20} invalid={Boolean(errors.slug)} autoCapitalize="off" spellCheck={false} />
      </Field>
      <Field
        label="First owner's email"
        htmlFor="ownerEmail"
        error={errors.ownerEmail}
        hint="Their account becomes the owner; an address with no account gets one, and signs in with a link sent to it."
      >
        <Input id="ownerEmail" name="ownerEmail" type="email" required maxLength={EMAIL_MAX} invalid={Boolean(errors.ownerEmail)} autoComplete="off" />
      </Field>
      <Field label="Plan" htmlFor="plan" error={errors.plan}>
        <Select id="plan" name="plan" defaultValue={plans.find((p) => p.isDefault)?.id ?? ""}>
          {plans.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.isDefault ? " (default)" : ""}
            </option>
          ))}
        </Select>
      </Field>
      {state && !state.ok && !errors.name && !errors.slug && !errors.ownerEmail && !errors.plan ? <Alert variant="error">{state.error}</Alert> : null}
      <SubmitButton pendingLabel="Creating…">Create workspace</SubmitButton>
    </form>
  );
}
