"use server";

import { revalidatePath } from "next/cache";
import { createChildSchema, createChildWorkspace, delegationSchema, setDelegation } from "@/lib/hierarchy/workspaces";
import { tenantAction } from "@/lib/tenancy";

const HIERARCHY = "/app/hierarchy";

/** Creates a child workspace under the active one; its creator is its owner. */
export const createChildWorkspaceAction = tenantAction({ schema: createChildSchema, permission: "tenant.children.manage" }, async (input, ctx) => {
  const created = await createChildWorkspace(ctx, input);
  revalidatePath(HIERARCHY);
  return { ok: true, data: created, message: `Created “${input.name}” under ${ctx.tenant.name}. It is listed above and in the switcher.` };
});

/** Owners choose what the parent workspaces' admins get here. */
export const setDelegationAction = tenantAction({ schema: delegationSchema, permission: "tenant.delegation.manage" }, async (input, ctx) => {
  const { changed } = await setDelegation(ctx, input.delegateRole);
  revalidatePath(HIERARCHY);
  return {
    ok: true,
    data: undefined,
    message: changed
      ? input.delegateRole === "none"
        ? "Saved: the parent workspaces' admins can no longer enter this workspace."
        : `Saved: the parent workspaces' admins enter this workspace as ${input.delegateRole}.`
      : "Nothing to save: that is already the setting.",
  };
});
