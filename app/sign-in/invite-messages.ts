// What /sign-in?invite=<outcome> tells the visitor (seed 004's redirects, and ours).
export const INVITE_OUTCOMES = [
  "invalid",
  "not_found",
  "already_used",
  "no_longer_member",
  "replaced",
  "revoked",
  "declined",
  "expired",
  "workspace_deleted",
  "workspace_suspended",
  "email_mismatch",
] as const;
export type InviteOutcome = (typeof INVITE_OUTCOMES)[number];

/** What the outcome says to a visitor who is not signed in. */
export const INVITE_MESSAGES: Record<InviteOutcome, string> = {
  invalid: "That invitation link is not valid. Check that you opened the whole link from the email.",
  not_found: "We could not find that invitation. Check that you opened the whole link, or ask a workspace owner or admin for a new invitation.",
  already_used: "That invitation has already been used. If it was yours, sign in to reach the workspace.",
  no_longer_member: "That invitation was already used, and you are no longer a member of its workspace. Ask a workspace owner or admin for a new invitation.",
  replaced: "That invitation was replaced by a newer one. Use the link in the latest invitation email.",
  revoked: "That invitation was revoked. Ask a workspace owner or admin for a new one.",
  declined: "That invitation was declined, so it can no longer be used. To join after all, ask a workspace owner or admin for a new one.",
  expired: "That invitation has expired. Ask a workspace owner or admin to send a new one.",
  workspace_deleted: "The workspace this invitation is for has been deleted, so it can no longer be joined. Its owners can still restore it from their trash for a while.",
  workspace_suspended:
    "The workspace this invitation is for has been suspended by the platform, so it cannot be joined for now. The invitation is kept: open its link again once the suspension is lifted, before it expires.",
  email_mismatch: "That invitation was sent to a different email address. Sign in with the address it was sent to.",
};

/**
 * What the outcome says to a signed-in visitor, naming the invitation's
 * workspace where it is known: an invitation used by another account is not
 * theirs to reach by signing in, and one sent to another address needs them
 * to sign out first.
 */
export function signedInInviteMessage(outcome: InviteOutcome, workspace?: string | null): string {
  switch (outcome) {
    case "already_used":
      return "That invitation has already been used by another account. If you need to join, ask a workspace owner or admin for a new invitation.";
    case "no_longer_member":
      return workspace
        ? `That invitation was already used: you joined ${workspace} with it, and you are no longer a member. Ask a workspace owner or admin for a new invitation.`
        : INVITE_MESSAGES.no_longer_member;
    case "workspace_deleted":
      return workspace
        ? `${workspace} has been deleted, so its invitations can no longer be used. Its owners can still restore it from their trash for a while.`
        : INVITE_MESSAGES.workspace_deleted;
    case "declined":
      // Only its addressee hears this signed in (anyone else: email_mismatch).
      return "You declined this invitation, so it can no longer be used. If you want to join after all, ask a workspace owner or admin for a new one.";
    case "workspace_suspended":
      return workspace
        ? `${workspace} has been suspended by the platform, so it cannot be joined for now. The invitation is kept: open its link again once the suspension is lifted, before it expires.`
        : INVITE_MESSAGES.workspace_suspended;
    case "email_mismatch":
      return "That invitation was sent to a different email address. Sign out, then sign in with the address it was sent to.";
    default:
      return INVITE_MESSAGES[outcome];
  }
}

export function inviteMessage(value: string | undefined): string | null {
  return value && (INVITE_OUTCOMES as readonly string[]).includes(value) ? INVITE_MESSAGES[value as InviteOutcome] : null;
}

/** The outcomes whose message names the invitation's workspace, for which /invite passes its link along. */
export const NAMES_WORKSPACE: readonly InviteOutcome[] = ["no_longer_member", "workspace_deleted", "workspace_suspended"];
