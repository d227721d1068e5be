"use client";

import { useActionState, useState, type ReactNode } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/app/(workspace)/settings/api-keys/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { useListNotice } from "@/components/members/use-list-notice";
import { useFocusOn } from "@/components/use-focus-on";
import { LocalTime } from "@/components/local-time";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { Alert, Button, Field, Input, Select } from "@/components/ui";
import { useSubmitByHand } from "@/components/use-form-action";
import { FormError } from "@/components/form-error";

/** The id of a key's row in the list (ApiKeysTable): where the focus goes once the new key is put away. */
const apiKeyRowId = (keyId: string) => `api-key-${keyId}`;

/**
 * The new key, once: a read-only field with a Copy button. Rendered keyed by
 * the key's id (CreateApiKeyForm), so that "Copied" belongs to this key: a
 * key created next, before this one is put away, starts at "Copy".
 */
function NewKey({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3" data-testid="new-api-key">
      <p className="text-sm font-medium">Copy this key now. It is shown only once; we keep only a fingerprint of it.</p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <Input
          readOnly
          value={secret}
          aria-label="New API key"
          className="font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
          data-testid="new-api-key-value"
        />
        <Button
          type="button"
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(secret).catch(() => {});
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      <Button type="button" variant="ghost" size="sm" onClick={onDismiss}>
        I have copied it
      </Button>
    </div>
  );
}

/**
 * `unavailable`: why no key can be created now (the plan includes none, or
 * its keys are all in use), said instead of the form. The key just created
 * stays shown above it: it is shown only once.
 */
export function CreateApiKeyForm({ minDate, maxDate, unavailable = null }: { minDate: string; maxDate: string; unavailable?: ReactNode }) {
  const [state, action, pending] = useActionState(createApiKeyAction, null);
  const submit = useSubmitByHand(action);
  const [values, setValues] = useState({ name: "", scope: "read", expiry: "30", expiresOn: "" });
  const [shown, setShown] = useState<{ key: string; id: string } | null>(null);
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    if (state?.ok) {
      setShown({ key: state.data.key, id: state.data.id });
      setValues({ name: "", scope: "read", expiry: "30", expiresOn: "" });
    }
  }
  const failed = !pending && state && !state.ok ? state : null;
  const errors: Record<string, string | undefined> = failed?.fieldErrors ?? {};
  const general = failed && !["name", "scope", "expiry", "expiresOn"].some((f) => errors[f]) ? failed : null;
  return (
    <div className="space-y-4">
      {shown ? (
        <NewKey
          key={shown.id}
          secret={shown.key}
          onDismiss={() => {
            // The button goes with the key, and the focus would go to the page: it goes on from the key in
            // the list (its row, with its Revoke), or the form's name field for another when it is not listed.
            (document.getElementById(apiKeyRowId(shown.id)) ?? document.getElementById("api-key-name"))?.focus();
            setShown(null);
          }}
        />
      ) : null}
      {unavailable ?? (
        <form
          // Submitted by hand: React resets a form after its action, and a reset
          // <select> shows its first option while the state (and the next submission) keeps the choice.
          // (`action` stays for the button's pending state.)
          action={action}
          onSubmit={submit}
          className="grid gap-4 sm:grid-cols-2"
          noValidate
          data-testid="create-api-key-form"
        >
          <TenantField />
          <Field label="Name" htmlFor="api-key-name" error={errors.name} hint="What uses it, e.g. “CI deploys”.">
            <Input
              id="api-key-name"
              name="name"
              required
              maxLength={120}
              value={values.name}
              onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))}
              invalid={Boolean(errors.name)}
            />
          </Field>
          <Field label="Access" htmlFor="api-key-scope" error={errors.scope}>
            <Select id="api-key-scope" name="scope" value={values.scope} onChange={(e) => setValues((v) => ({ ...v, scope: e.target.value }))}>
              <option value="read">Read only</option>
              <option value="read_write">Read and write</option>
            </Select>
          </Field>
          <Field label="Expires" htmlFor="api-key-expiry" error={errors.expiry}>
            <Select id="api-key-expiry" name="expiry" value={values.expiry} onChange={(e) => setValues((v) => ({ ...v, expiry: e.target.value }))}>
              <option value="7">In 7 days</option>
              <option value="30">In 30 days</option>
              <option value="90">In 90 days</option>
              <option value="365">In a year</option>
              <option value="date">On a date…</option>
            </Select>
          </Field>
          {values.expiry === "date" ? (
            <Field label="Expiry date" htmlFor="api-key-expires-on" error={errors.expiresOn} hint="At the end of that day (UTC), at most a year away.">
              <Input
                id="api-key-expires-on"
                name="expiresOn"
                type="date"
                min={minDate}
                max={maxDate}
                value={values.expiresOn}
                onChange={(e) => setValues((v) => ({ ...v, expiresOn: e.target.value }))}
                invalid={Boolean(errors.expiresOn)}
              />
            </Field>
          ) : null}
          <div className="sm:col-span-2 space-y-3">
            <FormError refusal={general} />
            <SubmitButton pendingLabel="Creating…">Create key</SubmitButton>
          </div>
        </form>
      )}
    </div>
  );
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scope: "read" | "read_write";
  owner: string;
  ownerId: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  status: "active" | "expired" | "revoked";
}

export function ApiKeysTable({ keys, showOwner, viewerId }: { keys: ApiKeyView[]; showOwner: boolean; viewerId: string }) {
  // A revocation takes the row's Revoke button, and the focus on it, away: both go to the notice that says it is done.
  // It goes once the list changes again (a key created or revoked here or elsewhere).
  const [latest, setRevoked] = useState<{ text: string; keyId: string } | null>(null);
  const listKey = keys.map((k) => `${k.id}=${k.status}`).join(",");
  const revoked = useListNotice(latest, listKey, (n) => keys.find((k) => k.id === n.keyId)?.status !== "active");
  const noticeRef = useFocusOn<HTMLDivElement>(latest);
  if (!keys.length) return <p className="text-sm text-zinc-500">No API keys yet.</p>;
  return (
    <div className="space-y-3">
      {revoked ? (
        <div ref={noticeRef} tabIndex={-1} className="outline-none">
          <Alert variant="success">
            <span data-testid="api-key-notice">{revoked.text}</span>
          </Alert>
        </div>
      ) : null}
      <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white" data-testid="api-keys">
        {keys.map((k) => (
          <li
            key={k.id}
            id={apiKeyRowId(k.id)}
            // Focused once the key just created is put away (CreateApiKeyForm).
            tabIndex={-1}
            className="flex flex-col gap-2 p-4 outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-zinc-400 sm:flex-row sm:items-center sm:justify-between"
            data-testid="api-key-row"
          >
            <div className="min-w-0 space-y-1 text-sm">
              <p className="font-medium">
                {k.name} <span className="font-mono text-xs text-zinc-500">{k.prefix}…</span>
              </p>
              <p className="text-xs text-zinc-600">
                {k.scope === "read" ? "Read only" : "Read and write"} ·{" "}
                {k.status === "revoked" ? (
                  "Revoked"
                ) : k.status === "expired" ? (
                  <>Expired</>
                ) : (
                  <>
                    Expires <LocalTime iso={k.expiresAt} dateOnly />
                  </>
                )}{" "}
                · {k.lastUsedAt ? (
                  <>
                    Last used <LocalTime iso={k.lastUsedAt} />
                    {k.lastUsedIp ? ` from ${k.lastUsedIp}` : ""}
                  </>
                ) : (
                  "Never used"
                )}
              </p>
              {showOwner && k.ownerId !== viewerId ? <p className="truncate text-xs text-zinc-500">Belongs to {k.owner}</p> : null}
            </div>
            {k.status === "revoked" ? null : (
              <ConfirmAction
                action={revokeApiKeyAction}
                fields={{ keyId: k.id }}
                trigger="Revoke"
                title={`Revoke “${k.name}”?`}
                description="Anything using this key is refused from its next request. This cannot be undone."
                confirmLabel="Revoke key"
                pendingLabel="Revoking…"
                testId={`revoke-${k.prefix}`}
                onDone={(r) => r.ok && setRevoked({ text: r.message ?? `The key “${k.name}” was revoked.`, keyId: k.id })}
              />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
