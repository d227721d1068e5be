// What /sign-in?invite=<outcome> tells the visitor (seed 004's redirects).
export const INVITE_OUTCOMES = ["invalid", "not_found", "already_used", "replaced", "revoked", "expired", "email_mismatch"] as const;
export type InviteOutcome = (typeof INVITE_OUTCOMES)[number];

export const INVITE_MESSAGES: Record<InviteOutcome, string> = {
  invalid: "That invitation link is not valid. Check that you opened the whole link from the email.",
  not_found: "We could not find that invitation. It may have been replaced by a newer one — check for a later email.",
  already_used: "That invitation has already been used. If it was yours, sign in to reach the workspace.",
  replaced: "That invitation was replaced by a newer one. Use the link in the latest invitation email.",
  revoked: "That invitation was revoked. Ask a workspace owner or admin for a new one.",
  expired: "That invitation has expired. Ask a workspace owner or admin to send a new one.",
  email_mismatch: "That invitation was sent to a different email address. Sign in with the address it was sent to.",
};

export function inviteMessage(value: string | undefined): string | null {
  return value && (INVITE_OUTCOMES as readonly string[]).includes(value) ? INVITE_MESSAGES[value as InviteOutcome] : null;
}
