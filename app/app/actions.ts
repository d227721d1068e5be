"use server";

import { refresh } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signOut } from "@/lib/auth";
import { signedInInviteMessage } from "@/app/sign-in/invite-messages";
import { switcherEntry } from "@/components/switcher-list";
import type { SwitcherWorkspace } from "@/components/workspace-switcher";
import { descendantSearchSchema, searchDescendants } from "@/lib/hierarchy/workspaces";
import { DomainError, RELOAD_THE_PAGE } from "@/lib/errors";
import { formAction, lostWorkspaceSentence, seenWorkspace, TENANT_COOKIE, tenantCookieOptions, userAction, withUser } from "@/lib/tenancy";
import { acceptInvitationById, acceptInvitationByToken, declineInvitation } from "@/lib/invitations";
import { createTenant, switchTenant } from "@/lib/tenants";
import { safeNextPath } from "@/lib/urls";
import { createTenantSchema, uuidSchema } from "@/lib/validation";

const switchSchema = z.object({
  tenantId: uuidSchema("That workspace does not exist."),
  remember: z.literal("on").optional(),
  returnTo: z.string().max(2048).optional(),
});

/**
 * Re-verifies membership, sets the active-tenant cookie, and reloads the page
 * on the new workspace. A workspace a stale page still lists, gone from the
 * user's workspaces since (they were removed, or it was deleted or purged),
 * is said as a form of it says it (lostWorkspaceSentence): by its name when
 * the browser's receipt of the last workspace shown names it.
 */
export const switchWorkspace = userAction({ schema: switchSchema }, async (input, actor) => {
  try {
    await switchTenant(actor, input.tenantId, { remember: input.remember === "on" });
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== "not_member") throw error;
    const seen = await seenWorkspace(actor.user.id);
    const lost = seen?.tenantId === input.tenantId ? seen : { tenantId: input.tenantId, name: "that workspace" };
    return { ok: false, error: `${lostWorkspaceSentence(lost, (name) => name).join("")} ${RELOAD_THE_PAGE}` };
  }
  (await cookies()).set(TENANT_COOKIE, input.tenantId, tenantCookieOptions());
  const returnTo = safeNextPath(input.returnTo);
  redirect(returnTo.startsWith("/app/") ? returnTo : "/app/dashboard");
});

/** Creates a workspace, makes the caller its owner and opens it. */
export const createWorkspace = userAction({ schema: createTenantSchema }, async (input, actor) => {
  const created = await createTenant(actor, input);
  (await cookies()).set(TENANT_COOKIE, created.id, tenantCookieOptions());
  redirect("/app/dashboard");
});

/** Accepts, from onboarding, an invitation addressed to the signed-in user's email. */
export const acceptInvitationAction = userAction(
  { schema: z.object({ invitationId: uuidSchema("That invitation does not exist.") }) },
  async (input, actor) => {
    const outcome = await acceptInvitationById(actor, input.invitationId);
    if (!outcome.ok) {
      // The list it was accepted from is out of date: the page is drawn again, without it.
      refresh();
      return { ok: false, error: signedInInviteMessage(outcome.reason, outcome.tenantName) };
    }
    (await cookies()).set(TENANT_COOKIE, outcome.tenantId, tenantCookieOptions());
    redirect("/app/dashboard");
  },
);

/**
 * Declines, from onboarding's or the dashboard's list, an invitation addressed
 * to the signed-in user's email. Either way the list is out of date (the
 * declined row, or one that could not be declined any more): the page is
 * drawn again without it.
 */
export const declineInvitationAction = userAction(
  { schema: z.object({ invitationId: uuidSchema("That invitation does not exist.") }) },
  async (input, actor) => {
    const outcome = await declineInvitation(actor, input.invitationId);
    refresh();
    if (!outcome.ok) return { ok: false, error: signedInInviteMessage(outcome.reason, outcome.tenantName) };
    return { ok: true, data: undefined, message: `You declined the invitation to ${outcome.tenantName}.` };
  },
);

/** Accepts, after the user confirmed on /invite/<token>, the invitation the link's token names. */
export const acceptInvitationLinkAction = userAction({ schema: z.object({ token: z.string().max(128) }) }, async (input, actor) => {
  // Within the limit on tokens that match nothing, by the actor's address (lib/invitations.ts).
  const outcome = await acceptInvitationByToken(actor, input.token);
  if (!outcome.ok) redirect(`/sign-in?invite=${outcome.reason}`);
  (await cookies()).set(TENANT_COOKIE, outcome.tenantId, tenantCookieOptions());
  redirect("/app/dashboard");
});

export const signOutAction = formAction({ schema: z.object({}) }, async () => {
  (await cookies()).delete(TENANT_COOKIE);
  await signOut({ redirectTo: "/sign-in" });
});

/**
 * The switcher's search over the workspaces below those the user manages
 * (beyond the nearest 100 it lists): up to 20 matches, nearest first.
 */
export const searchSwitcherWorkspaces = userAction({ schema: descendantSearchSchema }, async (input, who) => {
  const matches = await withUser(who.credential, (tx) => searchDescendants(tx, input.q));
  return {
    ok: true,
    data: matches.map((m): SwitcherWorkspace => ({ id: m.id, name: m.name, role: m.role, parentId: m.parentId, delegate: true, via: m.viaName })),
  };
});

/**
 * The switcher's list, for a user of more workspaces than a page carries
 * (components/switcher-list.ts): every workspace they may open, as the page
 * would have listed them. Read by the request's own entry (one statement).
 */
export const listSwitcherWorkspaces = userAction({ schema: z.object({}) }, async (_input, who) => ({
  ok: true,
  data: who.memberships.map(switcherEntry),
}));
