"use client";

import { useActionState, useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import {
  removeLogoAction,
  renameWorkspaceAction,
  updateBrandingAction,
  updateNotesAction,
} from "@/app/app/(workspace)/settings/general/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { Alert, Field, Input } from "@/components/ui";
import { useFocusOn } from "@/components/use-focus-on";
import { useSubmitByHand } from "@/components/use-form-action";
import {
  accentProblem,
  contrastWithWhite,
  formatBytes,
  formatContrast,
  LOGO_ACCEPT,
  LOGO_MAX_BYTES,
  LOGO_MAX_SIDE,
  logoFileProblem,
  NOTES_MAX,
} from "@/lib/branding";
import type { ActionState } from "@/lib/tenancy/client";
import { SLUG_MAX, TENANT_NAME_MAX } from "@/lib/validation";
import { FormError, type Refusal } from "@/components/form-error";

/**
 * A form's outcome under it: field errors beside their fields (gone as soon
 * as the next submission is pending), anything else as an alert, and the
 * success message.
 */
function useOutcome<T>(state: ActionState<T>, pending: boolean, fields: readonly string[]) {
  const failed = !pending && state && !state.ok ? state : null;
  const errors: Record<string, string | undefined> = failed?.fieldErrors ?? {};
  const general = failed && !fields.some((f) => errors[f]) ? failed : null;
  const success = !pending && state?.ok ? (state.message ?? null) : null;
  return { errors, general, success };
}

function Outcome({ general, success, testId }: { general: Refusal | null; success: string | null; testId: string }): ReactNode {
  if (general) return <FormError refusal={general} />;
  if (success) {
    return (
      <Alert variant="success">
        <span data-testid={`${testId}-saved`}>{success}</span>
      </Alert>
    );
  }
  return null;
}

export function NameSlugForm({ name, slug }: { name: string; slug: string }) {
  const [state, action, pending] = useActionState(renameWorkspaceAction, null);
  // Controlled, so what was typed stays to be corrected when it is refused
  // (React resets uncontrolled fields after every form action).
  const [values, setValues] = useState({ name, slug });
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    // What was saved, as saved (trimmed, lowercased).
    if (state?.ok) setValues({ name: state.data.name, slug: state.data.slug });
  }
  const { errors, general, success } = useOutcome(state, pending, ["name", "slug"]);
  return (
    <form action={action} className="space-y-4" noValidate data-testid="name-slug-form">
      <TenantField />
      <Field label="Workspace name" htmlFor="settings-name" error={errors.name} hint="Shown in the sidebar, the switcher and emails.">
        <Input
          id="settings-name"
          name="name"
          required
          maxLength={TENANT_NAME_MAX + 20}
          value={values.name}
          onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))}
          invalid={Boolean(errors.name)}
          aria-describedby={errors.name ? "settings-name-error" : undefined}
        />
      </Field>
      <Field
        label="Slug"
        htmlFor="settings-slug"
        error={errors.slug}
        hint="A short, unique identifier: lowercase letters, digits and hyphens. It names the workspace in export file names; no link contains it."
      >
        <Input
          id="settings-slug"
          name="slug"
          required
          maxLength={SLUG_MAX + 20}
          value={values.slug}
          onChange={(e) => setValues((v) => ({ ...v, slug: e.target.value }))}
          invalid={Boolean(errors.slug)}
          aria-describedby={errors.slug ? "settings-slug-error" : undefined}
          autoCapitalize="off"
          spellCheck={false}
          className="font-mono"
        />
      </Field>
      <Outcome general={general} success={success} testId="name-slug" />
      <SubmitButton pendingLabel="Saving…">Save name and slug</SubmitButton>
    </form>
  );
}

/** The colour as one types it: a swatch with sample text, its contrast, or why it is refused. */
function AccentPreview({ value }: { value: string }) {
  const hex = value.trim().toLowerCase();
  if (!hex) return <span>No accent colour: the sidebar keeps its plain look.</span>;
  const problem = accentProblem(hex);
  if (problem && !/^#[0-9a-f]{6}$/.test(hex)) return <span>{problem}</span>;
  return (
    <span className="flex items-center gap-2">
      <span className="inline-flex h-6 items-center rounded px-2 text-xs font-semibold text-white" style={{ backgroundColor: hex }} aria-hidden>
        Aa
      </span>
      <span>
        Contrast with white text: {formatContrast(contrastWithWhite(hex))}
        {problem ? " — too low, it needs at least 4.5:1." : "."}
      </span>
    </span>
  );
}

export function BrandingForm({ accent, hasLogo }: { accent: string | null; hasLogo: boolean }) {
  const [state, action, pending] = useActionState(updateBrandingAction, null);
  // Removing the logo asks first (it cannot be undone); its answer stays shown once the button is gone.
  const [removedMessage, setRemovedMessage] = useState<string | null>(null);
  const removedFocus = useFocusOn<HTMLDivElement>(removedMessage);
  const submitByHand = useSubmitByHand(action);
  const fileInput = useRef<HTMLInputElement>(null);
  // A file input cannot be controlled, and React empties a form's fields
  // after its action: the form is submitted by hand instead, so a refused
  // colour does not throw away the chosen logo. The file is cleared once saved.
  useEffect(() => {
    if (state?.ok && fileInput.current) fileInput.current.value = "";
  }, [state]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    setRemovedMessage(null);
    submitByHand(event);
  };
  const [colour, setColour] = useState(accent ?? "");
  // The browser knows the file's size before sending it: a file over the
  // limit is refused here rather than sent (the server checks again).
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const outcome = useOutcome(state, pending, ["logo", "accent"]);
  const logoError = fileProblem ?? outcome.errors.logo;
  const pickerValue = /^#[0-9a-f]{6}$/i.test(colour.trim()) ? colour.trim().toLowerCase() : "#000000";
  return (
    <div className="space-y-4">
      <form action={action} onSubmit={submit} className="space-y-4" noValidate data-testid="branding-form" aria-busy={pending || undefined}>
        <TenantField />
        <Field
          label="Logo"
          htmlFor="settings-logo"
          error={logoError}
          hint={`PNG, JPEG or WebP, at most ${formatBytes(LOGO_MAX_BYTES)} and 25 megapixels. It is resized to fit ${LOGO_MAX_SIDE} × ${LOGO_MAX_SIDE} pixels and saved as a new PNG. SVG is not accepted.`}
        >
          <input
            ref={fileInput}
            id="settings-logo"
            name="logo"
            type="file"
            accept={LOGO_ACCEPT}
            aria-invalid={Boolean(logoError) || undefined}
            aria-describedby={logoError ? "settings-logo-error" : undefined}
            onChange={(e) => {
              const file = e.target.files?.[0];
              setFileProblem(file ? logoFileProblem(file) : null);
            }}
            className="block w-full text-sm text-zinc-700 file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-zinc-50"
          />
        </Field>
        <Field label="Accent colour" htmlFor="settings-accent" error={outcome.errors.accent} hint={<AccentPreview value={colour} />}>
          <div className="flex items-center gap-2">
            <input
              type="color"
              aria-label="Pick the accent colour"
              value={pickerValue}
              onChange={(e) => setColour(e.target.value)}
              className="h-10 w-12 shrink-0 cursor-pointer rounded-md border border-zinc-300 bg-white p-1"
            />
            <Input
              id="settings-accent"
              name="accent"
              value={colour}
              onChange={(e) => setColour(e.target.value)}
              placeholder="#4f46e5"
              maxLength={32}
              invalid={Boolean(outcome.errors.accent)}
              aria-describedby={outcome.errors.accent ? "settings-accent-error" : undefined}
              autoCapitalize="off"
              spellCheck={false}
              className="max-w-48 font-mono"
            />
          </div>
        </Field>
        <Outcome general={outcome.general} success={outcome.success} testId="branding" />
        {/* Submitted by hand (above), so its progress comes from the action's state rather than useFormStatus;
            the focus, which disabling it while saving drops, comes back to it or to the field refused. */}
        <SubmitButton pending={pending} pendingLabel="Saving…" disabled={Boolean(fileProblem)}>
          Save branding
        </SubmitButton>
      </form>
      {hasLogo ? (
        <div className="space-y-2 border-t border-zinc-100 pt-4" data-testid="remove-logo-form">
          <ConfirmAction
            action={removeLogoAction}
            fields={{}}
            trigger="Remove logo"
            title="Remove the logo?"
            description="The sidebar and the switcher show the workspace's initial instead. The image is not kept: to have it back, upload it again."
            confirmLabel="Remove logo"
            pendingLabel="Removing…"
            onDone={(result) => setRemovedMessage(result.ok ? (result.message ?? null) : null)}
            testId="remove-logo"
          />
        </div>
      ) : null}
      {removedMessage && !pending ? (
        // The Remove logo button goes with the logo, and the focus on it: both go to what it did.
        <div ref={removedFocus} tabIndex={-1} className="outline-none">
          <Outcome general={null} success={removedMessage} testId="remove-logo" />
        </div>
      ) : null}
    </div>
  );
}

export function NotesForm({ notes }: { notes: string }) {
  const [state, action, pending] = useActionState(updateNotesAction, null);
  const [text, setText] = useState(notes);
  const { errors, general, success } = useOutcome(state, pending, ["notes"]);
  const length = text.replace(/\r\n?/g, "\n").trim().length;
  return (
    <form action={action} className="space-y-4" noValidate data-testid="notes-form">
      <TenantField />
      <Field
        label="Notes"
        htmlFor="settings-notes"
        error={errors.notes}
        hint={`${length.toLocaleString("en")} of ${NOTES_MAX.toLocaleString("en")} characters. Owners and admins read them; auditors and members do not.`}
      >
        <textarea
          id="settings-notes"
          name="notes"
          rows={5}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={Boolean(errors.notes) || undefined}
          aria-describedby={errors.notes ? "settings-notes-error" : undefined}
          className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs focus:border-zinc-900 focus:outline-none aria-invalid:border-red-500"
        />
      </Field>
      <Outcome general={general} success={success} testId="notes" />
      <SubmitButton pendingLabel="Saving…">Save notes</SubmitButton>
    </form>
  );
}
