"use server";

import { revalidatePath } from "next/cache";
import { apiKeyTargetSchema, createApiKey, createApiKeySchema, revokeApiKey, type CreatedApiKey } from "@/lib/api-keys";
import { tenantAction } from "@/lib/tenancy";

const PAGE = "/app/settings/api-keys";

/** Creates a key for the signed-in member; the answer carries the key, shown once. */
export const createApiKeyAction = tenantAction({ schema: createApiKeySchema, permission: "apikeys.create" }, async (input, ctx) => {
  const created: CreatedApiKey = await createApiKey(ctx, input);
  revalidatePath(PAGE);
  return { ok: true, data: created, message: `The key “${created.name}” was created. Copy it now: it is not shown again.` };
});

/** Revokes a key (one's own; any with apikeys.manage, a delegate's too — the policies decide). */
export const revokeApiKeyAction = tenantAction({ schema: apiKeyTargetSchema, permission: ["apikeys.create", "apikeys.manage"] }, async (input, ctx) => {
  const { name } = await revokeApiKey(ctx, input.keyId);
  revalidatePath(PAGE);
  return { ok: true, data: undefined, message: `The key “${name}” was revoked.` };
});
