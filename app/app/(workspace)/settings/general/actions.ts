"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { deleteTenant, deleteTenantSchema } from "@/lib/lifecycle";
import { TENANT_COOKIE, tenantAction } from "@/lib/tenancy";

/** Deletes the workspace into the trash (owners, after typing its name); its owner lands on the trash. */
export const deleteWorkspaceAction = tenantAction({ schema: deleteTenantSchema, permission: "tenant.delete" }, async (input, ctx) => {
  await deleteTenant(ctx, input);
  (await cookies()).delete(TENANT_COOKIE);
  redirect(`/app/trash?deleted=${encodeURIComponent(ctx.tenant.name)}`);
});
