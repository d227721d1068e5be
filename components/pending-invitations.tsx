"use client";

import { acceptInvitationAction } from "@/app/app/actions";
import { LocalTime } from "@/components/local-time";
import { SubmitButton } from "@/components/submit-button";
import { Card, RoleBadge } from "@/components/ui";
import { useFormAction } from "@/components/use-form-action";
import { FormError } from "@/components/form-error";

export interface PendingInvitationView {
  id: string;
  tenantName: string;
  role: string;
  invitedBy: string | null;
  expiresAt: string;
}

/**
 * The invitations addressed to the signed-in user, each with Accept, in a
 * card under `heading`; nothing when there are none. An acceptance refused
 * (revoked, replaced, expired meanwhile) says why, and the page is drawn
 * again without the row: the card stays to say it even when that was the
 * last one.
 */
export function PendingInvitations({ heading, invitations, className }: { heading: string; invitations: PendingInvitationView[]; className?: string }) {
  const [state, action] = useFormAction(acceptInvitationAction, null);
  const refused = state && !state.ok ? state : null;
  if (invitations.length === 0 && !refused) return null;
  return (
    <section aria-label={heading} data-testid="invitations-for-you" className={className}>
      <Card className="p-6">
      <h2 className="mb-1 text-sm font-semibold">{heading}</h2>
      <div className="space-y-3">
        <FormError refusal={refused} data-testid="invitation-refusal" />
        {invitations.length > 0 ? (
          <ul className="divide-y divide-zinc-100" data-testid="pending-invitations">
            {invitations.map((inv) => (
              <li key={inv.id} className="flex items-center justify-between gap-3 py-3">
                <div className="min-w-0 text-sm">
                  <p className="truncate font-medium">{inv.tenantName}</p>
                  <p className="text-zinc-600">
                    <RoleBadge role={inv.role} /> {inv.invitedBy ? <>from {inv.invitedBy} · </> : null}expires <LocalTime iso={inv.expiresAt} dateOnly />
                  </p>
                </div>
                <form action={action}>
                  <input type="hidden" name="invitationId" value={inv.id} />
                  <SubmitButton size="sm" pendingLabel="Joining…">
                    Accept
                  </SubmitButton>
                </form>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      </Card>
    </section>
  );
}
