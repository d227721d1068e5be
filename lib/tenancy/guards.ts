import "server-only";
import { redirect } from "next/navigation";
import type { Tx } from "@/lib/db";
import {
  getTenantContext,
  getTenantContextWithData,
  type Credential,
  type Membership,
  type RequestInfo,
  type SignedInUser,
  type TenantContext,
  type TenantResolution,
} from "./context";

function leave(resolved: TenantResolution): never {
  if (resolved.kind === "no-tenant") redirect("/app/onboarding");
  if (resolved.kind === "suspended") redirect("/app/suspended");
  redirect("/sign-in");
}

/** For pages under /app that need an active workspace and nothing else from the database. */
export async function requireTenant(): Promise<TenantContext> {
  const resolved = await getTenantContext();
  if (resolved.kind !== "tenant") leave(resolved);
  return resolved;
}

/**
 * For pages under /app that read the workspace's data: the session, the
 * active tenant and `load`'s reads in one transaction.
 */
export async function requireTenantWith<T>(
  load: (tx: Tx, ctx: TenantContext) => Promise<T>,
  settings: readonly string[] = [],
): Promise<{ ctx: TenantContext; data: T }> {
  const { resolution, data } = await getTenantContextWithData(load, settings);
  if (resolution.kind !== "tenant") leave(resolution);
  return { ctx: resolution, data: data as T };
}

/** For pages under /app that only need a signed-in user (onboarding, creating a workspace). */
export async function requireUser(): Promise<{
  user: SignedInUser;
  request: RequestInfo;
  credential: Credential;
  memberships: Membership[];
  context: TenantContext | null;
}> {
  const resolved = await getTenantContext();
  if (resolved.kind === "signed-out" || resolved.kind === "inactive") redirect("/sign-in");
  const { user, request, credential, memberships } = resolved;
  return { user, request, credential, memberships, context: resolved.kind === "tenant" ? resolved : null };
}
