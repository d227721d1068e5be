"use client";

import { useActionState, useEffect, useState, type ReactNode, type RefObject } from "react";
import {
  cancelTwoFactorAction,
  confirmTwoFactorAction,
  disableTwoFactorAction,
  regenerateRecoveryCodesAction,
  signOutOthersAction,
  signOutSessionAction,
  startTwoFactorAction,
  updateNameAction,
} from "@/app/app/profile/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { CodeField } from "@/components/profile/code-field";
import { LocalTime } from "@/components/local-time";
import { SubmitButton } from "@/components/submit-button";
import { useFocusOn } from "@/components/use-focus-on";
import { Alert, Field, Input } from "@/components/ui";
import type { ActionResult, ActionState } from "@/lib/tenancy/client";
import { DISPLAY_NAME_MAX } from "@/lib/validation";
import { FormError } from "@/components/form-error";

/** A form's refusal (hidden while the next submission is pending) and its success message. */
function outcome<T>(state: ActionState<T>, pending: boolean) {
  const failed = !pending && state && !state.ok ? state : null;
  return { failed, fieldError: failed?.fieldErrors, success: !pending && state?.ok ? (state.message ?? null) : null };
}

export function NameForm({ name }: { name: string }) {
  const [state, action, pending] = useActionState(updateNameAction, null);
  const [value, setValue] = useState(name);
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    if (state?.ok) setValue(state.data.name ?? "");
  }
  const { failed, fieldError, success } = outcome(state, pending);
  // "Saved" holds for the name saved: not once the field says something else.
  const saved = success && state?.ok && value === (state.data.name ?? "") ? success : null;
  return (
    <form action={action} className="space-y-3" noValidate data-testid="name-form">
      <Field label="Display name" htmlFor="profile-name" error={fieldError?.name} hint="Shown to the members of your workspaces. Leave empty to show your email only.">
        <Input
          id="profile-name"
          name="name"
          maxLength={DISPLAY_NAME_MAX}
          autoComplete="name"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          invalid={Boolean(fieldError?.name)}
          aria-describedby={fieldError?.name ? "profile-name-error" : undefined}
        />
      </Field>
      {failed && !fieldError?.name ? <FormError refusal={failed} /> : null}
      {saved ? <Alert variant="success">{saved}</Alert> : null}
      <SubmitButton pendingLabel="Saving…">Save name</SubmitButton>
    </form>
  );
}

/**
 * A notice of what an action did speaks of the latest action only: once a
 * form is sent from the page (the next action, wherever it is), `forget(null)`
 * takes it away — that action's outcome, if it has one, replaces it.
 */
function useForgetOnNextAction(notice: unknown, forget: (value: null) => void) {
  useEffect(() => {
    if (!notice) return;
    const onSubmit = () => forget(null);
    document.addEventListener("submit", onSubmit, true);
    return () => document.removeEventListener("submit", onSubmit, true);
  }, [notice, forget]);
}

interface SessionRow {
  id: string;
  device: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
  awaitingSecondFactor: boolean;
}

/**
 * What the latest session action did, said of the list it acted on: `before`,
 * the list on screen when it ran, and `after`, the one its answer brought.
 */
interface SessionsNotice {
  shown: { text: string; variant: "success" | "error" };
  before: SessionRow[];
  after: SessionRow[] | null;
}

export function SessionsList({ sessions }: { sessions: SessionRow[] }) {
  const others = sessions.filter((s) => !s.current).length;
  const [notice, setNotice] = useState<SessionsNotice | null>(null);
  // The notice speaks of the latest action only. A list after the one its answer brought (another
  // action's answer, a navigation to this page, a refresh: each brings a list of its own) is no longer
  // the one it was about…
  if (notice && sessions !== notice.before && sessions !== notice.after) {
    setNotice(notice.after === null ? { ...notice, after: sessions } : null);
  }
  // …and neither is it after this list's next sign-out, refused or not, or any other action.
  useForgetOnNextAction(notice, setNotice);
  const done = (result: ActionResult<unknown>) => {
    if (result.ok && result.message) setNotice({ shown: { text: result.message, variant: "success" }, before: sessions, after: null });
  };
  // A sign-out refused because the session had ended: the list renders without it, and its dialog goes
  // with its row; the refusal is said here instead.
  const refused = (refusal: string | { error: string }) =>
    setNotice({ shown: { text: typeof refusal === "string" ? refusal : refusal.error, variant: "error" }, before: sessions, after: null });
  const messageFocus = useFocusOn<HTMLDivElement>(notice?.shown);
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-3 text-sm" data-testid="session-row">
            <div className="min-w-0">
              <p className="font-medium">
                {s.device ?? "Unknown device"}
                {s.current ? <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800">This device</span> : null}
                {s.awaitingSecondFactor ? (
                  <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">Waiting for a two-factor code</span>
                ) : null}
              </p>
              <p className="text-xs text-zinc-500">
                Last seen <LocalTime iso={s.lastSeenAt} /> · signed in <LocalTime iso={s.createdAt} dateOnly />
              </p>
            </div>
            {s.current ? null : (
              <ConfirmAction
                action={signOutSessionAction}
                fields={{ sessionId: s.id }}
                trigger="Sign out"
                title="Sign out this session?"
                description={<>{s.device ?? "That device"} will need a new sign-in link to come back.</>}
                confirmLabel="Sign out"
                pendingLabel="Signing out…"
                onDone={done}
                onRefused={refused}
                testId={`sign-out-session-${s.id}`}
              />
            )}
          </li>
        ))}
      </ul>
      {notice ? (
        // The signed-out session's row goes, and the focus on its button (or in its dialog): both go to this.
        <div ref={messageFocus} tabIndex={-1} className="outline-none">
          <Alert variant={notice.shown.variant}>{notice.shown.text}</Alert>
        </div>
      ) : null}
      {others > 0 ? (
        <ConfirmAction
          action={signOutOthersAction}
          fields={{}}
          trigger="Sign out other sessions"
          title="Sign out every other session?"
          description={<>{others === 1 ? "Your other session" : `All ${others} other sessions`} will be signed out. This one stays signed in.</>}
          confirmLabel="Sign out others"
          pendingLabel="Signing out…"
          onDone={done}
          testId="sign-out-others"
        />
      ) : (
        <p className="text-sm text-zinc-500">You are signed in on this device only.</p>
      )}
    </div>
  );
}

interface TwoFactorView {
  enabled: boolean;
  enrolment: { secret: string; uri: string; qrDataUrl: string; key: string } | null;
  recoveryCodesLeft: number;
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Alert variant="warning">
      <p className="font-medium">Save these recovery codes now: they are shown only once.</p>
      <p className="mt-1">Each one signs you in once if you lose your authenticator app.</p>
      <ul className="mt-3 grid grid-cols-2 gap-1 font-mono text-sm" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
    </Alert>
  );
}

const CODE_OR_RECOVERY = "The 6-digit code from your app, or a recovery code.";

export function TwoFactorSection({ state }: { state: TwoFactorView }) {
  const [confirmState, confirm, confirming] = useActionState(confirmTwoFactorAction, null);
  const [startState, start] = useActionState(startTwoFactorAction, null);
  const [cancelState, cancel] = useActionState(cancelTwoFactorAction, null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [seen, setSeen] = useState(confirmState);
  if (confirmState !== seen) {
    setSeen(confirmState);
    if (confirmState?.ok) setCodes(confirmState.data.recoveryCodes);
  }
  const confirmOutcome = outcome(confirmState, confirming);
  // Turned off: said above the section, with the focus (its dialog's button is gone with the rest of
  // what "on" showed), until the next action.
  const [turnedOff, setTurnedOff] = useState<{ text: string } | null>(null);
  const turnedOffFocus = useFocusOn<HTMLDivElement>(turnedOff);
  useForgetOnNextAction(turnedOff, setTurnedOff);
  // Each step replaces the form whose button was pressed: the focus goes to the next step, the code
  // field once setup starts, the recovery codes once two-factor is on, what the section says once they
  // are saved, the button that starts setup once it is cancelled.
  useEffect(() => {
    if (startState?.ok) document.getElementById("enrol-code")?.focus();
  }, [startState]);
  useEffect(() => {
    if (cancelState?.ok) document.getElementById("two-factor-start")?.focus();
  }, [cancelState]);
  const codesFocus = useFocusOn<HTMLDivElement>(codes);
  const [codesSaved, setCodesSaved] = useState<object | null>(null);
  const statusFocus = useFocusOn<HTMLParagraphElement>(codesSaved);

  let body: ReactNode;
  if (codes) {
    body = (
      <div ref={codesFocus} tabIndex={-1} className="space-y-3 outline-none">
        <Alert variant="success">Two-factor authentication is on. Your next sign-in will ask for a code.</Alert>
        <RecoveryCodes codes={codes} />
        <button
          type="button"
          className="text-sm underline"
          onClick={() => {
            setCodes(null);
            setCodesSaved({});
          }}
        >
          I have saved them
        </button>
      </div>
    );
  } else if (state.enabled) {
    body = (
      <EnabledTwoFactor
        recoveryCodesLeft={state.recoveryCodesLeft}
        statusRef={statusFocus}
        onCodesSaved={() => setCodesSaved({})}
        onTurnedOff={(text) => setTurnedOff({ text })}
      />
    );
  } else if (state.enrolment) {
    body = (
      <div className="space-y-4" data-testid="two-factor-enrolment">
        <p className="text-sm text-zinc-600">
          Scan this QR code with an authenticator app (1Password, Google Authenticator, Authy…), or enter the key by hand. Then enter the code it shows.
        </p>
        <div className="flex flex-wrap items-start gap-4">
          {/* eslint-disable-next-line @next/next/no-img-element -- a data URL rendered on the server */}
          <img src={state.enrolment.qrDataUrl} alt="QR code for your authenticator app" width={224} height={224} className="rounded border border-zinc-200" />
          <div className="min-w-0 space-y-1 text-sm">
            <p className="text-zinc-500">Key</p>
            <code className="block font-mono break-all" data-testid="two-factor-secret">
              {state.enrolment.secret.replace(/(.{4})/g, "$1 ").trim()}
            </code>
          </div>
        </div>
        <form action={confirm} className="space-y-3" noValidate>
          <input type="hidden" name="enrolment" value={state.enrolment.key} />
          <CodeField id="enrol-code" refusal={confirmOutcome.failed} hint="The 6-digit code your app shows now." />
          {confirmOutcome.failed && !confirmOutcome.fieldError?.code ? <FormError refusal={confirmOutcome.failed} /> : null}
          <div className="flex flex-wrap gap-2">
            <SubmitButton pendingLabel="Checking…">Turn on two-factor</SubmitButton>
          </div>
        </form>
        <form action={cancel}>
          {cancelState && !cancelState.ok ? <FormError refusal={cancelState} /> : null}
          <button type="submit" className="text-sm text-zinc-600 underline">
            Cancel setup
          </button>
        </form>
      </div>
    );
  } else {
    body = (
      <form action={start} className="space-y-3">
        <p className="text-sm text-zinc-600">
          Off. With two-factor on, signing in asks for a code from an authenticator app after the sign-in link, so a link alone is not enough.
        </p>
        {startState && !startState.ok ? <FormError refusal={startState} /> : null}
        <SubmitButton id="two-factor-start" pendingLabel="Preparing…">
          Set up two-factor
        </SubmitButton>
      </form>
    );
  }
  return (
    <div className="space-y-4">
      {turnedOff ? (
        <div ref={turnedOffFocus} tabIndex={-1} className="outline-none">
          <Alert variant="success">{turnedOff.text}</Alert>
        </div>
      ) : null}
      {body}
    </div>
  );
}

function EnabledTwoFactor({
  recoveryCodesLeft,
  statusRef,
  onCodesSaved,
  onTurnedOff,
}: {
  recoveryCodesLeft: number;
  statusRef: RefObject<HTMLParagraphElement | null>;
  onCodesSaved: () => void;
  onTurnedOff: (message: string) => void;
}) {
  const [codes, setCodes] = useState<string[] | null>(null);
  // New codes are shown as the first ones are: with the focus, until they are saved.
  const codesFocus = useFocusOn<HTMLDivElement>(codes);
  return (
    <div className="space-y-3">
      <p ref={statusRef} tabIndex={-1} className="text-sm outline-none" data-testid="two-factor-status">
        <span className="font-medium text-emerald-700">On.</span> Signing in asks for a code from your authenticator app.{" "}
        {recoveryCodesLeft === 1 ? "1 recovery code left." : `${recoveryCodesLeft} recovery codes left.`}
      </p>
      {codes ? (
        <div ref={codesFocus} tabIndex={-1} className="space-y-3 outline-none">
          <RecoveryCodes codes={codes} />
          <button
            type="button"
            className="text-sm underline"
            onClick={() => {
              setCodes(null);
              onCodesSaved();
            }}
          >
            I have saved them
          </button>
        </div>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <ConfirmAction
          action={regenerateRecoveryCodesAction}
          fields={{}}
          trigger="New recovery codes"
          title="Replace your recovery codes?"
          description="Enter a current code. Every old recovery code stops working."
          confirmLabel="Replace codes"
          variant="primary"
          pendingLabel="Checking…"
          onDone={(r) => r.ok && setCodes(r.data.recoveryCodes)}
          testId="regenerate-recovery-codes"
        >
          {(refusal) => <CodeField id="regenerate-code" refusal={refusal} hint={CODE_OR_RECOVERY} />}
        </ConfirmAction>
        <ConfirmAction
          action={disableTwoFactorAction}
          fields={{}}
          trigger="Turn off two-factor"
          title="Turn off two-factor authentication?"
          description="A sign-in link alone will be enough to sign in. Enter a current code or a recovery code to confirm."
          confirmLabel="Turn off"
          pendingLabel="Checking…"
          onDone={(r) => r.ok && onTurnedOff(r.message ?? "Two-factor authentication is off.")}
          testId="disable-two-factor"
        >
          {(refusal) => <CodeField id="disable-code" refusal={refusal} hint={CODE_OR_RECOVERY} />}
        </ConfirmAction>
      </div>
    </div>
  );
}
