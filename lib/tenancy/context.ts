import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { clientInfoFromHeaders } from "@/lib/http/client-address";
import { SESSION_COOKIES, TENANT_COOKIE } from "./cookie";
import { resolveTenantContext, resolveWithData, resolveWithUserData, type Credential, type LoadOptions, type RequestInfo, type TenantContext, type TenantResolution } from "./resolve";
import type { Read, Tx } from "@/lib/db";

export * from "./resolve";

export async function currentRequestInfo(): Promise<RequestInfo> {
  return clientInfoFromHeaders(await headers());
}

/** The request's proof of identity, its tenant cookie and who is asking — read once, no I/O. */
export const currentRequest = cache(async (): Promise<{ credential: Credential | null; cookieTenantId: string | null; request: RequestInfo }> => {
  const [store, request] = await Promise.all([cookies(), currentRequestInfo()]);
  const token = SESSION_COOKIES.map((name) => store.get(name)?.value).find(Boolean);
  return {
    credential: token ? { kind: "session", token } : null,
    cookieTenantId: store.get(TENANT_COOKIE)?.value ?? null,
    request,
  };
});

/**
 * The request's session and active tenant, resolved once per request (React
 * cache) in one statement.
 */
export const getTenantContext = cache(async (): Promise<TenantResolution> => {
  const { credential, cookieTenantId, request } = await currentRequest();
  return resolveTenantContext(credential, cookieTenantId, request);
});

/** The resolution and a page's data, in one transaction (see resolveWithData). */
export async function getTenantContextWithData<T>(
  load: ((tx: Tx, ctx: TenantContext) => Promise<T>) | Read<T>,
  options: LoadOptions = {},
): Promise<{ resolution: TenantResolution; data: T | null }> {
  const { credential, cookieTenantId, request } = await currentRequest();
  return resolveWithData(credential, cookieTenantId, request, load, options);
}

/** The resolution and a page's data about the signed-in user, in one round trip (see resolveWithUserData). */
export async function getUserContextWithData<T>(readFor: (credential: Credential) => Read<T>): Promise<{ resolution: TenantResolution; data: T | null }> {
  const { credential, cookieTenantId, request } = await currentRequest();
  return resolveWithUserData(credential, cookieTenantId, request, readFor);
}
