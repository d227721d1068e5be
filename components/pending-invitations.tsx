"use client";

import { acceptInvitationAction } from "@/app/app/actions";
import { LocalTime } from "@/components/local-time";
import { SubmitButton } from "@/components/submit-button";
import { RoleBadge } from "@/components/ui";
import { useFormAction } from "@/components/use-form-action";
import { FormError } from "@/components/form-error";

export interface PendingInvitationView {
  id: string;
  tenantName: string;
  role: string;
  invitedBy: string | null;
  expiresAt: string;
}

export function PendingInvitations({ invitations }: { invitations: PendingInvitationView[] }) {
  const [state, action] = useFormAction(acceptInvitationAction, null);
  return (
    <div className="space-y-3">
      {state && !state.ok ? <FormError refusal={state} /> : null}
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
    </div>
  );
}
