"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import {
  invitationIdSchema,
  inviteMember,
  inviteSchema,
  replacementNote,
  resendInvitation,
  revokeInvitation,
  type InviteResult,
} from "@/lib/invitations";
import { changeMemberRole, changeRoleSchema, leaveTenant, memberTargetSchema, removeMember } from "@/lib/members";
import { forgetSeenWorkspace, sealLeftWorkspace, TENANT_COOKIE, tenantAction } from "@/lib/tenancy";
import { LEFT_PARAM } from "@/components/members/left-workspace-notice";

const SETTINGS = "/app/settings";

/** `note` says what the invitation replaced, if anything. */
function invitedMessage(result: InviteResult, note: string | null = null) {
  const replaces = note ? ` ${note}` : "";
  return result.emailDispatched
    ? `Invitation sent to ${result.email}.${replaces} The link is valid for 7 days.`
    : `The invitation for ${result.email} was created, but the email could not be sent.${replaces} Copy the link below and send it yourself.`;
}

/**
 * A resend revokes the invitation's link and makes a new one: the message
 * says so whether or not the new link's email went out.
 */
function resentMessage(result: InviteResult) {
  return result.emailDispatched
    ? `A new invitation link was sent to ${result.email}. The link is valid for 7 days. The previous link no longer works.`
    : `A new invitation link for ${result.email} was made and the previous link no longer works, but the email could not be sent. Copy the new link below and send it yourself.`;
}

export const inviteMemberAction = tenantAction({ schema: inviteSchema, permission: "members.manage" }, async (input, ctx) => {
  const result = await inviteMember(ctx, input);
  revalidatePath(SETTINGS);
  return { ok: true, data: result, message: invitedMessage(result, replacementNote(result.replaced, result.role)) };
});

export const resendInvitationAction = tenantAction({ schema: invitationIdSchema, permission: "members.manage" }, async (input, ctx) => {
  const result = await resendInvitation(ctx, input.invitationId);
  revalidatePath(SETTINGS);
  return { ok: true, data: result, message: resentMessage(result) };
});

export const revokeInvitationAction = tenantAction({ schema: invitationIdSchema, permission: "members.manage" }, async (input, ctx) => {
  const { email } = await revokeInvitation(ctx, input.invitationId);
  revalidatePath(SETTINGS);
  return { ok: true, data: undefined, message: `The invitation for ${email} was revoked.` };
});

/**
 * Runs a change of membership and renders the page again whatever its
 * outcome: a refusal may come from roles that changed since the page was
 * shown (another owner demoted the caller meanwhile), and the page must then
 * show the caller's role and the members' roles as they are now.
 */
async function refreshingMembers<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    revalidatePath(SETTINGS);
  }
}

export const changeRoleAction = tenantAction({ schema: changeRoleSchema, permission: "members.manage" }, async (input, ctx) => {
  const change = await refreshingMembers(() => changeMemberRole(ctx, input.userId, input.role));
  return { ok: true, data: change, message: `Role changed from ${change.from} to ${change.to}.` };
});

export const removeMemberAction = tenantAction({ schema: memberTargetSchema, permission: "members.manage" }, async (input, ctx) => {
  const { email } = await refreshingMembers(() => removeMember(ctx, input.userId));
  return { ok: true, data: undefined, message: `${email} was removed from the workspace.` };
});

/**
 * Anyone may leave (except a workspace's last owner); they land in another
 * workspace or onboarding (app/app/page.tsx decides), which says "You left …".
 */
export const leaveWorkspaceAction = tenantAction({ schema: z.object({}), permission: "members.read" }, async (_input, ctx) => {
  await leaveTenant(ctx);
  (await cookies()).delete(TENANT_COOKIE);
  await forgetSeenWorkspace();
  const left = sealLeftWorkspace(ctx.userId, ctx.tenant.name);
  redirect(left ? `/app?${LEFT_PARAM}=${encodeURIComponent(left)}` : "/app");
});
