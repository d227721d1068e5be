"use client";

import { useEffect, useState, type ReactNode } from "react";
import {
  acceptTransferAction,
  cancelTransferAction,
  finalConfirmTransferAction,
  resendTransferConfirmationAction,
  signInAgainAction,
  startTransferAction,
} from "@/app/app/(workspace)/settings/transfer/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { Alert, Field, Input, Select } from "@/components/ui";
import { useFocusOn } from "@/components/use-focus-on";
import { useFormAction, useSubmitByHand } from "@/components/use-form-action";
import type { ActionResult, ActionState } from "@/lib/tenancy/client";
import { timeLeft } from "@/lib/transfer/steps";
import { FormError } from "@/components/form-error";

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

/** A form whose answer (error or message) shows under it; the last answer is hidden while the next is pending. */
function ActionForm({ action, children, testId }: { action: Action; children: (state: ActionState) => ReactNode; testId: string }) {
  const [state, formAction] = useFormAction(action, null);
  // Submitted by hand: React would reset the form after its action, and a refused start (a wrong
  // code) would show "Choose a member…" while the choice it keeps is still sent.
  const submit = useSubmitByHand(formAction);
  return (
    <form action={formAction} onSubmit={submit} className="space-y-3" data-testid={testId}>
      <TenantField />
      {children(state)}
      {state && !state.ok ? <FormError refusal={state} /> : null}
      {state?.ok && state.message ? <Alert variant="success">{state.message}</Alert> : null}
    </form>
  );
}

function CodeField({ error }: { error?: string }) {
  return (
    <Field label="Authenticator code" htmlFor="transfer-code" error={error}>
      <Input id="transfer-code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={64} className="w-40" invalid={Boolean(error)} />
    </Field>
  );
}

/**
 * What the step just taken did (the page's ?step=…). The button that took it
 * is gone — the start form replaced by the transfer, the transfer by how it
 * ended — so the focus goes here rather than to the page.
 */
export function StepNotice({ step, variant, children }: { step: string; variant: "success" | "warning"; children: ReactNode }) {
  const ref = useFocusOn<HTMLDivElement>(step);
  return (
    <Alert variant={variant} ref={ref} tabIndex={-1} className="outline-none" data-testid="transfer-notice">
      {children}
    </Alert>
  );
}

/** Asks for a fresh magic link, which lands back on the transfer page. */
export function SignInAgain({ label = "Email me a sign-in link" }: { label?: string }) {
  return (
    <ActionForm action={signInAgainAction} testId="transfer-reauth">
      {() => (
        <SubmitButton variant="secondary" size="sm" pendingLabel="Sending…">
          {label}
        </SubmitButton>
      )}
    </ActionForm>
  );
}

/**
 * A step that needs a fresh sign-in: the step's controls while the sign-in
 * counts, with the time left counting down, then — when it runs out on the
 * page, or the page renders again after a step refused for it — the way to a
 * fresh one. `msLeft` is the time the window had left when the page was
 * rendered (the server's clock; the countdown goes by the browser's from there).
 */
export function FreshSignIn({ msLeft, children }: { msLeft: number; children: ReactNode }) {
  const [elapsed, setElapsed] = useState(0);
  const [counted, setCounted] = useState(msLeft);
  if (counted !== msLeft) {
    // Rendered again (after a refusal, say): count from the new time left.
    setCounted(msLeft);
    setElapsed(0);
  }
  const left = msLeft - elapsed;
  useEffect(() => {
    if (msLeft <= 0) return;
    const from = Date.now();
    const tick = setInterval(() => {
      const since = Date.now() - from;
      setElapsed(since);
      if (since >= msLeft) clearInterval(tick);
    }, 1000);
    return () => clearInterval(tick);
  }, [msLeft]);
  if (left > 0) {
    return (
      <div className="space-y-3">
        <p className="text-xs text-zinc-500" data-testid="transfer-fresh">
          You signed in recently: this step is open for {timeLeft(new Date(left), new Date(0))} more.
        </p>
        {children}
      </div>
    );
  }
  return (
    <div className="space-y-2" data-testid="transfer-needs-reauth">
      <p className="text-sm text-zinc-600">
        This step needs a fresh sign-in. We will email you a sign-in link; open it, and you come back here with 10 minutes to continue.
      </p>
      <SignInAgain />
    </div>
  );
}

export interface Candidate {
  id: string;
  label: string;
}

/** Step 1's form (shown only to an owner who signed in within the last 10 minutes). */
export function StartTransferForm({ candidates, needsCode }: { candidates: Candidate[]; needsCode: boolean }) {
  const [chosen, setChosen] = useState("");
  return (
    <ActionForm action={startTransferAction} testId="transfer-start">
      {(state) => (
        <>
          <Field label="New owner" htmlFor="transfer-to" error={state && !state.ok ? state.fieldErrors?.toUserId : undefined}>
            <Select id="transfer-to" name="toUserId" value={chosen} onChange={(e) => setChosen(e.target.value)} className="w-full max-w-md">
              <option value="">Choose a member…</option>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </Select>
          </Field>
          {needsCode ? <CodeField error={state && !state.ok ? state.fieldErrors?.code : undefined} /> : null}
          <SubmitButton pendingLabel="Starting…" disabled={!chosen}>
            Start the transfer
          </SubmitButton>
        </>
      )}
    </ActionForm>
  );
}

/** Step 2's link again (the previous one stops working). */
export function ResendConfirmation({ transferId }: { transferId: string }) {
  return (
    <ActionForm action={resendTransferConfirmationAction} testId="transfer-resend">
      {() => (
        <>
          <input type="hidden" name="transferId" value={transferId} />
          <SubmitButton variant="secondary" size="sm" pendingLabel="Sending…">
            Send the link again
          </SubmitButton>
        </>
      )}
    </ActionForm>
  );
}

/** Step 3's answer, behind a dialog that says what cannot be undone. */
export function FinalConfirm({ transferId, workspaceName, toName }: { transferId: string; workspaceName: string; toName: string }) {
  return (
    <ConfirmAction
      action={finalConfirmTransferAction}
      fields={{ transferId }}
      trigger="Confirm: this is irreversible"
      triggerVariant="danger"
      title="Are you sure? This is irreversible."
      description={
        <>
          After a 72-hour cooling period and {toName}&apos;s acceptance, {toName} becomes an owner of <strong>{workspaceName}</strong> and you a
          member. Only a new owner can give you a role back. Until {toName} accepts, the transfer can still be cancelled on this page.
        </>
      }
      confirmLabel="Yes, transfer ownership"
      pendingLabel="Confirming…"
      testId="transfer-final"
    />
  );
}

/** Steps 5 and 6, for the new owner. */
export function AcceptTransfer({ transferId, needsCode, workspaceName }: { transferId: string; needsCode: boolean; workspaceName: string }) {
  return (
    <ActionForm action={acceptTransferAction} testId="transfer-accept">
      {(state) => (
        <>
          <input type="hidden" name="transferId" value={transferId} />
          {needsCode ? <CodeField error={state && !state.ok ? state.fieldErrors?.code : undefined} /> : null}
          <SubmitButton pendingLabel="Accepting…">Accept ownership of {workspaceName}</SubmitButton>
        </>
      )}
    </ActionForm>
  );
}

/**
 * Ends the transfer (seed 001's cancel-transfer, at any step): for the new
 * owner it is declining the offer, and says so; for the owner and any other
 * owner, cancelling it.
 */
export function CancelTransfer({ transferId, asNewOwner = false, fromName }: { transferId: string; asNewOwner?: boolean; fromName: string }) {
  if (asNewOwner) {
    return (
      <ConfirmAction
        action={cancelTransferAction}
        fields={{ transferId }}
        trigger="Decline ownership"
        title="Decline ownership?"
        description={`The transfer ends and nobody's role changes; ${fromName} is told you declined. To transfer ownership later, an owner starts again from the beginning.`}
        confirmLabel="Decline ownership"
        cancelLabel="Keep the offer"
        pendingLabel="Declining…"
        testId="transfer-cancel"
      />
    );
  }
  return (
    <ConfirmAction
      action={cancelTransferAction}
      fields={{ transferId }}
      trigger="Cancel the transfer"
      title="Cancel this transfer?"
      description="Nobody's role changes. To transfer ownership later, an owner starts again from the beginning."
      confirmLabel="Cancel the transfer"
      cancelLabel="Keep the transfer"
      pendingLabel="Cancelling…"
      testId="transfer-cancel"
    />
  );
}
