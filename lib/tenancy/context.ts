import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { auth } from "@/lib/auth";
import { clientInfoFromHeaders } from "@/lib/http/client-address";
import { TENANT_COOKIE } from "./cookie";
import { resolveTenantContext, type RequestInfo, type TenantResolution } from "./resolve";

export * from "./resolve";

export async function currentRequestInfo(): Promise<RequestInfo> {
  return clientInfoFromHeaders(await headers());
}

/**
 * The request's session and active tenant, resolved once per request (React
 * cache): the layout, the page and every action of one request share it.
 */
export const getTenantContext = cache(async (): Promise<TenantResolution> => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return { kind: "signed-out" };
  const [cookieStore, request] = await Promise.all([cookies(), currentRequestInfo()]);
  return resolveTenantContext(userId, cookieStore.get(TENANT_COOKIE)?.value, request);
});
