"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { inviteMemberAction } from "@/app/app/(workspace)/settings/actions";
import { CopyLink } from "@/components/copy-link";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { Alert, Field, Input, Select } from "@/components/ui";
import { useFocusOn } from "@/components/use-focus-on";
import { useFormAction, useSubmitByHand } from "@/components/use-form-action";
import { invitationListKey, useListNotice } from "./use-list-notice";
import { FormError } from "@/components/form-error";
import { useReportedAction, useShownRefusal } from "@/components/permitted-only";

/**
 * `invitations`: the pending invitations the page shows (their table's page,
 * total and ids). What the form says of an invitation sent holds while that
 * list is as the invitation left it: the invitation revoked or resent,
 * another page of them, and it goes, as the table's own notices do. So does
 * a refusal that names no field.
 *
 * `unavailable`: why no one can be invited now (every seat the plan allows
 * is taken), said instead of the form. What the form said of the invitation
 * just sent stays below it (its link to copy, when the email could not be
 * sent): that invitation may have taken the last seat.
 */
export function InviteForm({ invitations, unavailable = null }: { invitations: { page: number; total: number; ids: string[] }; unavailable?: ReactNode }) {
  const [state, action] = useFormAction(useReportedAction(inviteMemberAction), null);
  const listKey = invitationListKey(invitations);
  // The list reflects the invitation once it lists it or, on a later page (where it is not listed), once
  // it has changed since the form was sent.
  const [submittedList, setSubmittedList] = useState<string | null>(null);
  const sent = useListNotice(
    state?.ok ? state : null,
    listKey,
    (s) => invitations.ids.includes(s.data.invitationId) || (submittedList !== null && submittedList !== listKey),
  );
  const submitByHand = useSubmitByHand(action);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    setSubmittedList(listKey);
    submitByHand(event);
  };
  // Controlled, so a refused address stays in the field to be corrected and
  // the role shown is the role sent.
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("member");
  const [seen, setSeen] = useState(state);
  if (state !== seen) {
    setSeen(state);
    // An empty form after each invitation that went through.
    if (state?.ok) setEmail("");
  }
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  // A refusal not about a field (the plan's seats are all taken, say) holds
  // while the invitations are as they were when it came: once the list
  // changes (an invitation revoked frees a seat) it may no longer be true, and goes.
  const refused = useListNotice(state && !state.ok && !errors.email && !errors.role ? state : null, listKey, () => true);
  // Kept in the form's place if the page renders without it: a refusal because the role was lowered meanwhile.
  useShownRefusal(refused);
  // The form's result takes the focus, as the table's notices do: sent, not
  // delivered (its link to copy) or refused. A refusal of a field leaves it to
  // the field, which the Send button's return focuses.
  const result = sent ?? refused;
  const resultRef = useFocusOn<HTMLDivElement>(result);
  return (
    <div className="space-y-3">
      {unavailable ?? (
        <form
          // Submitted by hand: React resets a form after its action, and a reset
          // <select> shows its first option (Member) while the state keeps the role chosen.
          // (`action` stays for the button's pending state.)
          action={action}
          onSubmit={submit}
          className="flex flex-wrap items-start gap-3"
          noValidate
          data-testid="invite-form"
        >
          <TenantField />
          <div className="min-w-64 flex-1">
            <Field label="Email address" htmlFor="invite-email" error={errors.email}>
              <Input
                id="invite-email"
                name="email"
                type="email"
                placeholder="colleague@company.com"
                invalid={Boolean(errors.email)}
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </Field>
          </div>
          <Field label="Role" htmlFor="invite-role" error={errors.role}>
            <Select id="invite-role" name="role" value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="member">Member</option>
              <option value="auditor">Auditor</option>
              <option value="admin">Admin</option>
            </Select>
          </Field>
          <div className="pt-6">
            <SubmitButton pendingLabel="Sending…">Send invitation</SubmitButton>
          </div>
        </form>
      )}
      {result ? (
        <div ref={resultRef} tabIndex={-1} className="outline-none" data-testid="invite-result">
          {sent?.data.emailDispatched ? <Alert variant="success">{sent.message}</Alert> : null}
          {sent && !sent.data.emailDispatched && sent.data.link ? (
            <Alert variant="warning" className="space-y-2">
              <p>{sent.message}</p>
              <CopyLink link={sent.data.link} />
            </Alert>
          ) : null}
          <FormError refusal={refused} />
        </div>
      ) : null}
    </div>
  );
}
