"use client";

import { useState } from "react";
import { inviteMemberAction, resendInvitationAction, revokeInvitationAction } from "@/app/app/(workspace)/settings/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { CopyLink } from "@/components/copy-link";
import { LocalTime } from "@/components/local-time";
import { ScrollTable } from "@/components/scroll-table";
import { SubmitButton } from "@/components/submit-button";
import { TenantField } from "@/components/tenant-scope";
import { Alert, Button, RoleBadge } from "@/components/ui";
import { useFocusOn } from "@/components/use-focus-on";
import { invitationListKey, useListNotice } from "./use-list-notice";
import { useUrlState } from "./use-url-state";
import { useFormAction } from "@/components/use-form-action";
import { FormError } from "@/components/form-error";

const RESEND_FORM = "resend-invitation";

export interface InvitationView {
  id: string;
  email: string;
  role: string;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  /** False when its email could not be sent (the invitation records it, as its audit row does). */
  emailDispatched: boolean;
}

/** An invitation its addressee declined (listed for 30 days, unless the address was invited again since). */
export interface DeclinedInvitationView extends InvitationView {
  declinedAt: string;
}

/**
 * The Expires column of a declined invitation: that it was declined, and
 * when, in place of when it would have expired.
 */
export function InvitationDeclined({ declinedAt }: Pick<DeclinedInvitationView, "declinedAt">) {
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2" data-testid="invitation-declined">
      <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200 ring-inset">Declined</span>
      <LocalTime iso={declinedAt} dateOnly />
    </span>
  );
}

/**
 * The Sent column: when it was made, and whether its email went out. One
 * whose email could not be sent says so ("Not delivered") after a reload
 * as the form said it when it was made; Resend sends it again.
 */
export function InvitationSent({ createdAt, emailDispatched }: Pick<InvitationView, "createdAt" | "emailDispatched">) {
  return (
    <>
      <LocalTime iso={createdAt} dateOnly />
      {emailDispatched ? null : (
        <span className="mt-1 block text-xs font-medium text-amber-700" data-testid="invitation-not-delivered">
          Not delivered: the email could not be sent
        </span>
      )}
    </>
  );
}

/**
 * The pending invitations, a page at a time, and below them the ones declined
 * lately (`declined`, the most recent first; `declinedTotal` of them): those
 * take no seat and are not counted as pending; whoever may invite can invite
 * the address again (the same path as a new invitation), which lists the new
 * invitation in its place.
 */
export function InvitationsTable({
  invitations,
  declined = [],
  declinedTotal = declined.length,
  canManage,
  seatsFull = false,
  total,
  page,
  pageSize,
}: {
  invitations: InvitationView[];
  declined?: DeclinedInvitationView[];
  declinedTotal?: number;
  canManage: boolean;
  /** Every seat of the plan is taken: a declined address cannot be invited again until one is freed. */
  seatsFull?: boolean;
  total: number;
  page: number;
  pageSize: number;
}) {
  const { update, pending } = useUrlState();
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const listKey = invitationListKey({ page, total, ids: invitations.map((inv) => inv.id) });
  const listed = (id: string | null) => invitations.some((inv) => inv.id === id);
  // A revocation's notice; the row is gone once the list reflects it.
  const [revokedNotice, setRevoked] = useState<{ text: string; invitationId: string } | null>(null);
  const revoked = useListNotice(revokedNotice, listKey, (n) => !listed(n.invitationId));
  // Held here, not per row: a resend replaces the row, and its outcome (a
  // link to copy when the email failed) must outlive it.
  const [resendState, resend, resending] = useFormAction(resendInvitationAction, null);
  // Which row's Resend was pressed: the one to say "Sending…".
  const [resendingId, setResendingId] = useState<string | null>(null);
  const resent = useListNotice(resendState, listKey, (r) => !r.ok || !listed(resendingId));
  // The revoked row took the focus with it, and a resent one is replaced by its new row: it moves to the notice.
  const noticeRef = useFocusOn<HTMLDivElement>(revokedNotice);
  const resentRef = useFocusOn<HTMLDivElement>(resendState);
  // An invitation sent again to a declined address: said until the lists show the new one in its place.
  const [reinvitedNotice, setReinvited] = useState<{ text: string; link: string | null; invitationId: string } | null>(null);
  const bothKey = `${listKey};${declined.map((inv) => inv.id).join(",")}`;
  const reinvited = useListNotice(reinvitedNotice, bothKey, (n) => !declined.some((inv) => inv.id === n.invitationId));
  const reinvitedRef = useFocusOn<HTMLDivElement>(reinvitedNotice);
  return (
    <div className="space-y-3">
      {revoked ? (
        <div ref={noticeRef} tabIndex={-1} className="outline-none">
          <Alert variant="success">{revoked.text}</Alert>
        </div>
      ) : null}
      {resent ? (
        <div ref={resentRef} tabIndex={-1} className="outline-none">
          {!resent.ok ? <FormError refusal={resent} /> : null}
          {resent.ok && resent.data.emailDispatched ? <Alert variant="success">{resent.message}</Alert> : null}
          {resent.ok && !resent.data.emailDispatched && resent.data.link ? (
            <Alert variant="warning" className="space-y-2">
              <p>{resent.message}</p>
              <CopyLink link={resent.data.link} />
            </Alert>
          ) : null}
        </div>
      ) : null}
      {reinvited ? (
        <div ref={reinvitedRef} tabIndex={-1} className="outline-none">
          {reinvited.link ? (
            <Alert variant="warning" className="space-y-2">
              <p>{reinvited.text}</p>
              <CopyLink link={reinvited.link} />
            </Alert>
          ) : (
            <Alert variant="success">{reinvited.text}</Alert>
          )}
        </div>
      ) : null}
      {invitations.length === 0 ? (
        <p className="text-sm text-zinc-500">{total > 0 ? "No pending invitations on this page." : "No pending invitations."}</p>
      ) : null}
      {invitations.length > 0 && canManage ? (
        // One form for every row's Resend: each row's button submits it with
        // its invitation's id (the button's name and value), so a page of
        // invitations carries one set of React's hidden action fields, not
        // one per row.
        <form id={RESEND_FORM} action={resend} hidden>
          <TenantField />
        </form>
      ) : null}
      {invitations.length > 0 || declined.length > 0 ? (
      <ScrollTable label="Invitations" className="rounded-lg border border-zinc-200 bg-white">
        <table className="data-table" data-testid="invitations-table">
          <thead>
            <tr>
              <th className="th">Email</th>
              <th className="th">Role</th>
              <th className="th">Invited by</th>
              {/* When it was made; its email may not have gone out (InvitationSent). */}
              <th className="th">Invited</th>
              <th className="th">Expires</th>
              {canManage ? <th className="px-4 py-2"><span className="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {invitations.map((inv) => (
              <tr key={inv.id} data-testid="invitation-row" data-email={inv.email}>
                <td className="td">{inv.email}</td>
                <td className="td"><RoleBadge role={inv.role} /></td>
                <td className="td">{inv.invitedBy ?? "—"}</td>
                <td className="td"><InvitationSent createdAt={inv.createdAt} emailDispatched={inv.emailDispatched} /></td>
                <td className="td">
                  {inv.expired ? <span className="font-medium text-amber-700">Expired</span> : <LocalTime iso={inv.expiresAt} dateOnly />}
                </td>
                {canManage ? (
                  <td className="td">
                    <div className="flex items-start justify-end gap-2">
                      <SubmitButton
                        form={RESEND_FORM}
                        name="invitationId"
                        value={inv.id}
                        onClick={() => setResendingId(inv.id)}
                        variant="secondary"
                        size="sm"
                        // Every row's Resend waits while one is sent; the pressed one says so.
                        pending={resending && resendingId === inv.id}
                        disabled={resending}
                        pendingLabel="Sending…"
                      >
                        Resend
                      </SubmitButton>
                      <ConfirmAction
                        action={revokeInvitationAction}
                        fields={{ invitationId: inv.id }}
                        trigger="Revoke"
                        triggerVariant="ghost"
                        title="Revoke this invitation?"
                        description={<>The link sent to <strong>{inv.email}</strong> stops working at once.</>}
                        confirmLabel="Revoke invitation"
                        pendingLabel="Revoking…"
                        testId={`revoke-${inv.email}`}
                        onDone={(r) => r.ok && setRevoked({ text: r.message ?? "Invitation revoked.", invitationId: inv.id })}
                      />
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
            {declined.map((inv) => (
              <tr key={inv.id} data-testid="invitation-row" data-email={inv.email} data-status="declined" className="bg-zinc-50 text-zinc-500">
                <td className="td">{inv.email}</td>
                <td className="td"><RoleBadge role={inv.role} /></td>
                <td className="td">{inv.invitedBy ?? "—"}</td>
                <td className="td"><LocalTime iso={inv.createdAt} dateOnly /></td>
                <td className="td"><InvitationDeclined declinedAt={inv.declinedAt} /></td>
                {canManage && seatsFull ? (
                  <td className="td text-right text-xs" data-testid={`reinvite-no-seat-${inv.email}`}>
                    No seat free to invite again
                  </td>
                ) : canManage ? (
                  <td className="td">
                    <div className="flex items-start justify-end gap-2">
                      <ConfirmAction
                        action={inviteMemberAction}
                        fields={{ email: inv.email, role: inv.role }}
                        trigger="Invite again"
                        triggerVariant="secondary"
                        variant="primary"
                        title="Invite again?"
                        description={
                          <>
                            <strong>{inv.email}</strong> declined an invitation to join as {inv.role === "admin" || inv.role === "auditor" ? "an" : "a"} {inv.role}. A new
                            invitation with that role is emailed to them, and takes a seat while it is pending.
                          </>
                        }
                        confirmLabel="Send invitation"
                        pendingLabel="Sending…"
                        testId={`reinvite-${inv.email}`}
                        onDone={(r) =>
                          r.ok &&
                          setReinvited({
                            text: r.message ?? `Invitation sent to ${inv.email}.`,
                            link: r.data.emailDispatched ? null : r.data.link,
                            invitationId: inv.id,
                          })
                        }
                      />
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
      ) : null}
      {total > pageSize || page > 1 ? (
        <nav className="flex items-center justify-between text-sm text-zinc-600" aria-label="Invitation pages" aria-busy={pending || undefined}>
          <span data-testid="invitations-summary">
            {total} pending invitation{total === 1 ? "" : "s"} · page {Math.min(page, pageCount)} of {pageCount}
          </span>
          <div className="flex gap-2">
            <Button type="button" variant="secondary" size="sm" disabled={page <= 1 || pending} onClick={() => update({ ipage: page > 2 ? String(page - 1) : null })}>
              ← Previous
            </Button>
            <Button type="button" variant="secondary" size="sm" disabled={page >= pageCount || pending} onClick={() => update({ ipage: String(page + 1) })}>
              Next →
            </Button>
          </div>
        </nav>
      ) : null}
      {declinedTotal > declined.length ? (
        <p className="text-sm text-zinc-500" data-testid="declined-summary">
          The {declined.length} most recently declined of {declinedTotal} declined in the last 30 days are listed.
        </p>
      ) : null}
    </div>
  );
}
