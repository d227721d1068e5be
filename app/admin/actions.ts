"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import {
  blockWorkspaceSchema,
  confirmedWorkspaceSchema,
  createWorkspaceFor,
  createWorkspaceSchema,
  deleteWorkspace,
  purgeWorkspace,
  renameWorkspace,
  renameWorkspaceSchema,
  restoreWorkspace,
  setWorkspaceBlocked,
  tenantIdSchema,
} from "@/lib/platform/admin";
import { createdWorkspaceHref } from "@/lib/platform/created-notice";
import { savePlan, savePlanSchema, setWorkspacePlan, setWorkspacePlanSchema } from "@/lib/platform/plans";
import { userAction } from "@/lib/tenancy";

// The platform console's actions. Each lib function enters through a
// database function that checks the administrator flag from the session
// token; anyone else is refused ("Not found.") and nothing changes.

export const createWorkspaceForAction = userAction({ schema: createWorkspaceSchema }, async (input, { credential }) => {
  const { id, emailDispatched } = await createWorkspaceFor(credential, input);
  // An email that did not go out is said on the overview, with the link to send by hand.
  redirect(createdWorkspaceHref(id, emailDispatched, input.ownerEmail));
});

export const renameWorkspaceAction = userAction({ schema: renameWorkspaceSchema }, async (input, { credential }) => {
  await renameWorkspace(credential, input);
  revalidatePath(`/admin/workspaces/${input.tenantId}`);
  return { ok: true, data: undefined, message: `Renamed to “${input.name}”.` };
});

export const blockWorkspaceAction = userAction({ schema: blockWorkspaceSchema }, async (input, { credential }) => {
  const { name } = await setWorkspaceBlocked(credential, input);
  revalidatePath(`/admin/workspaces/${input.tenantId}`);
  return {
    ok: true,
    data: undefined,
    message: input.blocked ? `“${name}” is suspended: its members lose access at their next request.` : `“${name}” is active again.`,
  };
});

export const deleteWorkspaceAction = userAction({ schema: confirmedWorkspaceSchema }, async (input, { credential }) => {
  await deleteWorkspace(credential, input);
  revalidatePath(`/admin/workspaces/${input.tenantId}`);
  return { ok: true, data: undefined, message: "Deleted into its owners' trash. It can be restored until it is purged." };
});

export const restoreWorkspaceAction = userAction({ schema: tenantIdSchema }, async (input, { credential }) => {
  const { name } = await restoreWorkspace(credential, input);
  revalidatePath(`/admin/workspaces/${input.tenantId}`);
  return { ok: true, data: undefined, message: `“${name}” is restored.` };
});

export const purgeWorkspaceAction = userAction({ schema: confirmedWorkspaceSchema }, async (input, { credential }) => {
  await purgeWorkspace(credential, input);
  revalidatePath(`/admin/workspaces/${input.tenantId}`);
  return { ok: true, data: undefined, message: "Purge requested: the worker removes it shortly. This cannot be undone." };
});

export const setWorkspacePlanAction = userAction({ schema: setWorkspacePlanSchema }, async (input, { credential }) => {
  const { changed, planName } = await setWorkspacePlan(credential, input);
  if (!changed) return { ok: true, data: undefined, message: `This workspace is already on the ${planName} plan: nothing changed.` };
  revalidatePath(`/admin/workspaces/${input.tenantId}`);
  return { ok: true, data: undefined, message: "Plan changed." };
});

export const savePlanAction = userAction({ schema: savePlanSchema }, async (input, { credential }) => {
  await savePlan(credential, input);
  revalidatePath("/admin/plans");
  return { ok: true, data: undefined, message: input.mode === "create" ? `Plan “${input.name}” created.` : `Plan “${input.name}” saved.` };
});
