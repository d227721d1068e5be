"use client";

import { useCallback, useEffect, useRef, useState, useTransition, type ReactNode } from "react";
import type { ActionResult, ActionState } from "@/lib/tenancy/client";
import { SubmitButton } from "./submit-button";
import { TenantField } from "./tenant-scope";
import { Button } from "./ui";
import { useFormAction } from "@/components/use-form-action";
import { FormError, type Refusal } from "@/components/form-error";
import { useRefusalReport, useReportedAction } from "@/components/permitted-only";

/**
 * A button that asks before it acts: it opens a modal dialog whose form posts
 * `fields` (and whatever `children` add) to a server action, shows progress
 * while it runs and the error if it is refused, and closes on success. The
 * dialog exists only while open, so a table with an action per row renders
 * one button per action, not one dialog.
 *
 * Inside a PermittedOnly, the dialog tells it of each answer as it returns:
 * a refusal because the user's role changed renders the page again without
 * the permission, and the dialog with it — the PermittedOnly then shows the
 * refusal where the dialog's button was. Closing the dialog takes its
 * refusal back.
 */
export function ConfirmAction<T>({
  action,
  fields,
  trigger,
  title,
  description,
  confirmLabel,
  cancelLabel = "Cancel",
  pendingLabel = "Working…",
  variant = "danger",
  triggerVariant = "secondary",
  children,
  onDone,
  onRefused,
  confirmDisabled = false,
  testId,
}: {
  action: (state: ActionState<T>, formData: FormData) => Promise<ActionResult<T>>;
  fields: Record<string, string>;
  trigger: string;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  /** The button that closes the dialog and does nothing; name it otherwise where "Cancel" would read as the action (cancelling a transfer). */
  cancelLabel?: string;
  pendingLabel?: string;
  variant?: "danger" | "primary";
  triggerVariant?: "secondary" | "ghost" | "danger";
  /**
   * The dialog's fields. A function is given the refusal on screen (null
   * before and while an attempt runs), to show beside its fields the errors
   * about them: the dialog then shows a refusal's message only when it names
   * no field.
   */
  children?: ReactNode | ((refusal: { error: string; fieldErrors?: Record<string, string> } | null) => ReactNode);
  onDone?: (result: ActionResult<T>) => void;
  /**
   * Told of a refusal the dialog cannot go on showing: after the refusal the
   * page re-rendered without this button (its row or the action is gone, say
   * when the user's role changed meanwhile).
   */
  onRefused?: (refusal: Refusal) => void;
  /**
   * The confirm button stays disabled while this holds: a name to type that
   * does not match yet, say. The action still checks what it is sent.
   */
  confirmDisabled?: boolean;
  testId?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);
  // A refusal still on screen when this button goes away is handed to whoever stays.
  const shownRefusal = useRef<Refusal | null>(null);
  const refusedRef = useRef(onRefused);
  useEffect(() => {
    refusedRef.current = onRefused;
  });
  useEffect(
    () => () => {
      if (shownRefusal.current) refusedRef.current?.(shownRefusal.current);
    },
    [],
  );
  // Reports the outcome as soon as the action returns: on success the row
  // this button sits in may be gone from the next render.
  const run = useCallback(
    async (previous: ActionState<T>, formData: FormData) => {
      const result = await action(previous, formData);
      // The refusal whole: its code too (a session that ended is shown with its "Sign in again").
      shownRefusal.current = result.ok ? null : { error: result.error, code: result.code };
      if (result.ok) {
        dialog.current?.close();
        onDone?.(result);
      }
      return result;
    },
    [action, onDone],
  );
  const [latest, formAction, pending] = useFormAction(useReportedAction(run), null);
  const report = useRefusalReport();
  // The outcome as it was when the dialog last opened: a refusal from before it was closed is not this opening's.
  const [openedWith, setOpenedWith] = useState<ActionState<T>>(null);
  const state = latest === openedWith ? null : latest;
  const refusal = state && !state.ok ? state : null;
  const [, startTransition] = useTransition();
  // The confirm button is disabled while the action runs, and a disabled button drops the focus to the
  // page behind the modal. After a refusal the focus comes back into the dialog: to its first field, to
  // correct it, or else to the confirm button, to try again.
  useEffect(() => {
    const box = dialog.current;
    if (!state || state.ok || pending || !box?.open) return;
    const focused = document.activeElement;
    if (focused && focused !== box && box.contains(focused)) return;
    const field = box.querySelector<HTMLElement>("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])");
    (field ?? box.querySelector<HTMLElement>("button[type=submit]"))?.focus();
  }, [state, pending]);

  return (
    <>
      <Button
        type="button"
        variant={triggerVariant}
        size="sm"
        onClick={() => {
          setOpenedWith(latest);
          setOpen(true);
        }}
        data-testid={testId}
      >
        {trigger}
      </Button>
      {open ? (
        <dialog
          ref={dialog}
          onClose={() => {
            shownRefusal.current = null;
            report(null);
            setOpen(false);
          }}
          aria-labelledby={`${testId ?? trigger}-title`}
          className="m-auto w-full max-w-md rounded-lg border border-zinc-200 p-0 shadow-xl backdrop:bg-zinc-900/40"
        >
          <form
            // Submitted by hand rather than through `action`: React empties a form's fields after its
            // action, and a refused dialog must keep what was chosen or typed beside the error.
            onSubmit={(event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              startTransition(() => formAction(data));
            }}
            aria-busy={pending || undefined}
            className="space-y-4 p-5"
          >
            <TenantField />
            {Object.entries(fields).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <h2 id={`${testId ?? trigger}-title`} className="text-lg font-semibold">
              {title}
            </h2>
            <div className="text-sm text-zinc-600">{description}</div>
            {typeof children === "function" ? children(refusal) : children}
            {refusal && !(typeof children === "function" && refusal.fieldErrors) ? <FormError refusal={refusal} /> : null}
            <div className="flex justify-end gap-2">
              <Button type="button" variant="secondary" onClick={() => dialog.current?.close()}>
                {cancelLabel}
              </Button>
              <SubmitButton variant={variant} pendingLabel={pendingLabel} pending={pending} disabled={confirmDisabled}>
                {confirmLabel}
              </SubmitButton>
            </div>
          </form>
        </dialog>
      ) : null}
    </>
  );
}
