"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { logoFileProblem } from "@/lib/branding";
import { deleteTenant, deleteTenantSchema } from "@/lib/lifecycle";
import { forgetSeenWorkspace, TENANT_COOKIE, tenantAction } from "@/lib/tenancy";
import {
  brandingSchema,
  notesSchema,
  removeLogo,
  renameSchema,
  renameWorkspace,
  updateBranding,
  updateNotes,
  type BrandingResult,
  type RenameResult,
} from "@/lib/workspace-settings";

// The page re-renders with the action's answer, shell included: the sidebar
// shows the new name, colour and logo at once.
const GENERAL = "/app/settings/general";

/** Deletes the workspace into the trash (owners, after typing its name); its owner lands on the trash. */
export const deleteWorkspaceAction = tenantAction({ schema: deleteTenantSchema, permission: "tenant.delete" }, async (input, ctx) => {
  await deleteTenant(ctx, input);
  (await cookies()).delete(TENANT_COOKIE);
  await forgetSeenWorkspace();
  redirect(`/app/trash?deleted=${encodeURIComponent(ctx.tenant.name)}`);
});

export const renameWorkspaceAction = tenantAction({ schema: renameSchema, permission: "tenant.rename" }, async (input, ctx) => {
  const result: RenameResult = await renameWorkspace(ctx, input);
  if (!result.changed.length) return { ok: true, data: result, message: "Nothing to save: the name and slug are as they were." };
  revalidatePath(GENERAL);
  const said = [
    result.changed.includes("name") ? `renamed to “${result.name}”` : null,
    result.changed.includes("slug") ? `the slug is now ${result.slug}` : null,
  ].filter(Boolean);
  const message = said.join("; ");
  return { ok: true, data: result, message: `Saved: ${message}.` };
});

export const updateBrandingAction = tenantAction(
  { schema: brandingSchema, permission: "tenant.settings", files: ["logo"] },
  async (input, ctx) => {
    const tooBig = input.logo ? logoFileProblem(input.logo) : null;
    if (tooBig) return { ok: false, error: tooBig, fieldErrors: { logo: tooBig } };
    const logo = input.logo ? new Uint8Array(await input.logo.arrayBuffer()) : undefined;
    const result: BrandingResult = await updateBranding(ctx, { accent: input.accent, logo });
    if (!result.changed.length) return { ok: true, data: result, message: "Nothing to save: the branding is as it was." };
    revalidatePath(GENERAL);
    const said = [
      result.logo ? `the new logo (${result.logo.width} × ${result.logo.height} px)` : null,
      result.changed.includes("accent") ? (result.accent ? `the accent colour ${result.accent}` : "no accent colour") : null,
    ].filter(Boolean);
    return { ok: true, data: result, message: `Saved ${said.join(" and ")}.` };
  },
);

export const removeLogoAction = tenantAction({ schema: z.object({}), permission: "tenant.settings" }, async (_input, ctx) => {
  const removed = await removeLogo(ctx);
  revalidatePath(GENERAL);
  return { ok: true, data: undefined, message: removed ? "The logo was removed." : "There was no logo to remove." };
});

export const updateNotesAction = tenantAction({ schema: notesSchema, permission: "tenant.settings" }, async (input, ctx) => {
  const { changed } = await updateNotes(ctx, input);
  if (!changed) return { ok: true, data: undefined, message: "Nothing to save: the notes are as they were." };
  revalidatePath(GENERAL);
  return { ok: true, data: undefined, message: input.notes ? "The notes were saved." : "The notes were cleared." };
});
