"use client";

import { useEffect, useRef } from "react";
import { savePlanAction } from "@/app/admin/actions";
import { SubmitButton } from "@/components/submit-button";
import { Alert, Card, Field, Input } from "@/components/ui";
import { useFormAction, useSubmitByHand } from "@/components/use-form-action";
import type { PlanRow } from "@/lib/platform/admin";


const LIMITS = [
  ["seats", "Seats (members + pending invitations)"],
  ["apiKeys", "API keys"],
  ["childWorkspaces", "Child workspaces"],
  ["auditRetentionDays", "Audit retention (days)"],
] as const;

/** One plan's limits (empty = unlimited); without `plan`, a new plan. */
export function PlanForm({ plan }: { plan?: PlanRow }) {
  const [state, action] = useFormAction(savePlanAction, null);
  // Submitted by hand: React would empty the form after its action, throwing away what a refusal
  // asks to correct. The new-plan form is emptied once its plan exists (it is listed above it then).
  const submit = useSubmitByHand(action);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok && !plan) form.current?.reset();
  }, [state, plan]);
  const errors: Record<string, string | undefined> = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  // A field's error shows beside it; the alert is for what belongs to no field shown here.
  const shown = [...(plan ? [] : ["id"]), "name", ...LIMITS.map(([name]) => name)];
  const general = state && !state.ok && !shown.some((f) => errors[f]) ? state.error : null;
  // Element ids: a saved plan's under "plan-", the new one's apart from them, whatever a plan's id is (even "new").
  const key = plan ? `plan-${plan.id}` : "new-plan";
  return (
    <Card className="p-5">
      <h2 id={`${key}-heading`} className="mb-3 text-lg font-semibold">
        {plan ? plan.name : "New plan"}
      </h2>
      <form ref={form} action={action} onSubmit={submit} className="space-y-3" aria-labelledby={`${key}-heading`} data-testid={key}>
        {plan ? <input type="hidden" name="id" value={plan.id} /> : null}
        <input type="hidden" name="mode" value={plan ? "update" : "create"} />
        <div className="grid gap-3 sm:grid-cols-2">
          {plan ? null : (
            <Field label="Id" htmlFor={`${key}-id`} error={errors.id} hint="Lowercase, e.g. “team”. Cannot be changed later.">
              <Input id={`${key}-id`} name="id" invalid={Boolean(errors.id)} required maxLength={32} autoCapitalize="off" spellCheck={false} />
            </Field>
          )}
          <Field label="Name" htmlFor={`${key}-name`} error={errors.name}>
            <Input id={`${key}-name`} name="name" invalid={Boolean(errors.name)} defaultValue={plan?.name ?? ""} required maxLength={60} />
          </Field>
          {LIMITS.map(([name, label]) => (
            <Field key={name} label={label} htmlFor={`${key}-${name}`} error={errors[name]} hint="Empty: unlimited.">
              <Input id={`${key}-${name}`} name={name} invalid={Boolean(errors[name])} inputMode="numeric" defaultValue={plan?.[name] ?? ""} />
            </Field>
          ))}
        </div>
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" name="exportAllowed" defaultChecked={plan?.exportAllowed ?? true} /> Audit log export allowed
          </label>
          <label className="flex items-center gap-2">
            {/* Remounted when the plan stops (or starts) being the default, so that it shows what is so now: another plan made the
                default meanwhile must not be taken back by saving this one. */}
            <input key={String(plan?.isDefault ?? false)} type="checkbox" name="isDefault" defaultChecked={plan?.isDefault ?? false} disabled={plan?.isDefault} />{" "}
            New workspaces start on it
          </label>
          {plan?.isDefault ? <input type="hidden" name="isDefault" value="on" /> : null}
        </div>
        {state?.ok ? <Alert variant="success">{state.message}</Alert> : null}
        {general ? <Alert variant="error">{general}</Alert> : null}
        <SubmitButton pendingLabel="Saving…">{plan ? "Save plan" : "Create plan"}</SubmitButton>
      </form>
    </Card>
  );
}
