import { RenewSeenWorkspace } from "@/components/seen-workspace";
import { Alert } from "@/components/ui";
import { seenWorkspaceVerdict, type Membership } from "@/lib/tenancy";

/**
 * On the page after one lost access to the workspace one was last shown:
 * "You no longer have access to Acme". The app cannot tell a removal from
 * a deletion any more (neither is readable to a non-member), so it names both;
 * for a workspace one was in as a delegate, the ways delegated access ends.
 * Also keeps the receipt it is based on up to date (lib/tenancy/seen-workspace.ts).
 */
export async function LostWorkspaceNotice({
  userId,
  current,
  memberships,
  className,
}: {
  userId: string;
  /** The workspace the page shows; `via` names the ancestor when the user is in it as a delegate. */
  current: { id: string; name: string; via?: string | null } | null;
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
            {lost.via ? (
              // In it as a delegate: no one removed them; the access their role in the ancestor gave ended.
              <>
                You can no longer enter <strong>{lost.name}</strong> as a delegate of <strong>{lost.via}</strong>: delegated access was turned off, your role in{" "}
                {lost.via} changed, or {lost.name} was deleted.
              </>
            ) : (
              <>
                You no longer have access to <strong>{lost.name}</strong>: you were removed from it, or it was deleted.
              </>
            )}
            {current ? <> You are now in {current.name}.</> : null}
          </span>
        </Alert>
      ) : null}
    </>
  );
}
