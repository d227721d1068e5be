"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { purgeTenantSchema, requestPurge, restoreTenant, trashedTenantSchema } from "@/lib/lifecycle";
import { RESTORED_PARAM } from "@/components/lifecycle/restored-notice";
import { TENANT_COOKIE, tenantCookieOptions, userAction } from "@/lib/tenancy";

/** Restores a workspace from the trash with exactly what its deletion took, and opens it, saying so. */
export const restoreWorkspaceAction = userAction({ schema: trashedTenantSchema }, async (input, actor) => {
  await restoreTenant(actor, input.tenantId);
  (await cookies()).set(TENANT_COOKIE, input.tenantId, tenantCookieOptions());
  redirect(`/app/dashboard?${RESTORED_PARAM}=${encodeURIComponent(input.tenantId)}`);
});

/** Purges a workspace in the trash now (after its name is typed again): it cannot be restored after this. */
export const purgeWorkspaceAction = userAction({ schema: purgeTenantSchema }, async (input, actor) => {
  const { name } = await requestPurge(actor, input);
  // The trash shows it as being purged, with nothing more to do to it.
  revalidatePath("/app/trash");
  return { ok: true, data: undefined, message: `“${name}” is being purged. This cannot be undone.` };
});
