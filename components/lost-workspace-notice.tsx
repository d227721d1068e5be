import Link from "next/link";
import { Fragment } from "react";
import { RenewSeenWorkspace } from "@/components/seen-workspace";
import { Alert } from "@/components/ui";
import { lostWorkspaceSentence, seenWorkspaceVerdict, type Membership, type SeenWorkspaceVerdict } from "@/lib/tenancy";

/**
 * On the page after one lost access to the workspace one was last shown:
 * "You no longer have access to Acme". The app cannot tell a removal from
 * a deletion any more (neither is readable to a non-member), so it names both;
 * for a workspace one was in as a delegate, the ways delegated access ends.
 * Where the page knows which workspaces the user can restore from their trash
 * (onboarding reads them; a workspace page does not), one of those is said
 * to be deleted and in the trash, with the way there.
 * Also keeps the receipt it is based on up to date (lib/tenancy/seen-workspace.ts).
 */
export async function LostWorkspaceNotice({
  userId,
  current,
  memberships,
  verdict,
  restorable,
  className,
}: {
  userId: string;
  /** The workspace the page shows; `via` names the ancestor when the user is in it as a delegate. */
  current: { id: string; name: string; via?: string | null } | null;
  memberships: readonly Membership[];
  /** The page's own seenWorkspaceVerdict for the same arguments, when it needed it first. */
  verdict?: SeenWorkspaceVerdict;
  /** The ids of the workspaces the user can restore from their trash, where the page read them. */
  restorable?: readonly string[];
  className?: string;
}) {
  const { lost, renew } = verdict ?? (await seenWorkspaceVerdict(userId, current, memberships));
  return (
    <>
      {renew ? <RenewSeenWorkspace /> : null}
      {lost ? (
        <Alert variant="warning" className={className}>
          <span data-testid="lost-workspace-notice">
            {restorable?.includes(lost.tenantId) ? (
              // Theirs to restore: no guess between a removal and a deletion.
              <>
                <strong>{lost.name}</strong> was deleted. It is in{" "}
                <Link href="/app/trash" className="underline">
                  your trash
                </Link>
                , where you can restore it.
              </>
            ) : (
              // Said as tenantAction says it of a form of that workspace: for a delegate, the ways delegated access ends.
              lostWorkspaceSentence(lost, (name) => <strong>{name}</strong>).map((part, i) => <Fragment key={i}>{part}</Fragment>)
            )}
            {current ? <> You are now in {current.name}.</> : null}
          </span>
        </Alert>
      ) : null}
    </>
  );
}
