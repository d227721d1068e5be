"use client";

import { useCallback, useState } from "react";
import { acceptInvitationAction, declineInvitationAction } from "@/app/app/actions";
import { ConfirmAction } from "@/components/confirm-action";
import { LocalTime } from "@/components/local-time";
import { SubmitButton } from "@/components/submit-button";
import { Alert, Card, RoleBadge } from "@/components/ui";
import { useFocusOn } from "@/components/use-focus-on";
import { useFormAction } from "@/components/use-form-action";
import { FormError, type Refusal } from "@/components/form-error";
import type { ActionState } from "@/lib/tenancy/client";

export interface PendingInvitationView {
  id: string;
  tenantName: string;
  role: string;
  invitedBy: string | null;
  expiresAt: string;
}

/** What the list last said: an invitation declined, or an Accept or Decline refused. */
type Notice = { declined: string; invitationId: string } | { refused: Refusal };

/**
 * The invitations addressed to the signed-in user, each with Accept and
 * Decline (which asks first), in a card under `heading`; nothing when there
 * are none. A declined invitation's row goes and a notice says so; an
 * acceptance or a decline refused (revoked, replaced, expired meanwhile) says
 * why, and the page is drawn again without the row. The card stays to say it
 * even when that was the last one, and the notice takes the focus.
 */
export function PendingInvitations({ heading, invitations, className }: { heading: string; invitations: PendingInvitationView[]; className?: string }) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const accept = useCallback(async (previous: ActionState, formData: FormData) => {
    const result = await acceptInvitationAction(previous, formData);
    if (!result.ok) setNotice({ refused: result });
    return result;
  }, []);
  const [, action] = useFormAction(accept, null);
  // The declined row took the focus with it (its Decline button): it goes to the notice.
  const noticeRef = useFocusOn<HTMLDivElement>(notice);
  const declinedId = notice && "declined" in notice ? notice.invitationId : null;
  const listed = invitations.filter((inv) => inv.id !== declinedId);
  if (listed.length === 0 && !notice) return null;
  return (
    <section aria-label={heading} data-testid="invitations-for-you" className={className}>
      <Card className="p-6">
      <h2 className="mb-1 text-sm font-semibold">{heading}</h2>
      <div className="space-y-3">
        {notice ? (
          <div ref={noticeRef} tabIndex={-1} className="outline-none" data-testid="invitation-notice">
            {"declined" in notice ? (
              <Alert variant="success">{notice.declined}</Alert>
            ) : (
              <FormError refusal={notice.refused} data-testid="invitation-refusal" />
            )}
          </div>
        ) : null}
        {listed.length > 0 ? (
          <ul className="divide-y divide-zinc-100" data-testid="pending-invitations">
            {listed.map((inv) => (
              <li key={inv.id} className="flex items-center justify-between gap-3 py-3">
                <div className="min-w-0 text-sm">
                  <p className="truncate font-medium">{inv.tenantName}</p>
                  <p className="text-zinc-600">
                    <RoleBadge role={inv.role} /> {inv.invitedBy ? <>from {inv.invitedBy} · </> : null}expires <LocalTime iso={inv.expiresAt} dateOnly />
                  </p>
                </div>
                <div className="flex shrink-0 items-center gap-2">
                  <ConfirmAction
                    action={declineInvitationAction}
                    fields={{ invitationId: inv.id }}
                    trigger="Decline"
                    triggerVariant="ghost"
                    title={`Decline the invitation to ${inv.tenantName}?`}
                    description={
                      <>
                        You will not join <strong>{inv.tenantName}</strong>, and the invitation&apos;s link stops working. Whoever sent it is told by
                        email, and the workspace&apos;s members page and audit log show that you declined it. To join later, you will need a new
                        invitation.
                      </>
                    }
                    confirmLabel="Decline invitation"
                    pendingLabel="Declining…"
                    testId={`decline-${inv.id}`}
                    onDone={(r) => r.ok && setNotice({ declined: r.message ?? `You declined the invitation to ${inv.tenantName}.`, invitationId: inv.id })}
                    onRefused={(refusal) => setNotice({ refused: refusal })}
                  />
                  <form action={action}>
                    <input type="hidden" name="invitationId" value={inv.id} />
                    <SubmitButton size="sm" pendingLabel="Joining…">
                      Accept
                    </SubmitButton>
                  </form>
                </div>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      </Card>
    </section>
  );
}
