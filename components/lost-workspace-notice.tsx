import { RenewSeenWorkspace } from "@/components/seen-workspace";
import { Alert } from "@/components/ui";
import { seenWorkspaceVerdict, type Membership } from "@/lib/tenancy";

/**
 * On the page after one lost access to the workspace one was last shown:
 * "You no longer have access to Acme". The app cannot tell a removal from
 * a deletion any more (neither is readable to a non-member), so it names both.
 * Also keeps the receipt it is based on up to date (lib/tenancy/seen-workspace.ts).
 */
export async function LostWorkspaceNotice({
  userId,
  current,
  memberships,
  className,
}: {
  userId: string;
  current: { id: string; name: string } | null;
  memberships: readonly Membership[];
  className?: string;
}) {
  const { lost, renew } = await seenWorkspaceVerdict(userId, current, memberships);
  return (
    <>
      {renew ? <RenewSeenWorkspace /> : null}
      {lost ? (
        <Alert variant="warning" className={className}>
          <span data-testid="lost-workspace-notice">
            You no longer have access to <strong>{lost.name}</strong>: you were removed from it, or it was deleted.
            {current ? <> You are now in {current.name}.</> : null}
          </span>
        </Alert>
      ) : null}
    </>
  );
}
