import "server-only";
import { redirect } from "next/navigation";
import type { Read, Tx } from "@/lib/db";
import {
  getTenantContext,
  getTenantContextWithData,
  type Credential,
  type LoadOptions,
  type Membership,
  type RequestInfo,
  type SignedInUser,
  type TenantContext,
  type TenantResolution,
} from "./context";
import { currentRequest } from "./context";
import { awaitingSecondFactor, SECOND_FACTOR_PATH } from "./second-factor";

async function leave(resolved: TenantResolution): Promise<never> {
  if (resolved.kind === "no-tenant") redirect("/app/onboarding");
  if (resolved.kind === "suspended") redirect("/app/suspended");
  // Two-factor: a session that awaits its code is sent to the page asking for it.
  if (resolved.kind === "signed-out" && (await awaitingSecondFactor((await currentRequest()).credential))) redirect(SECOND_FACTOR_PATH);
  redirect("/sign-in");
}

/** For pages under /app that need an active workspace and nothing else from the database. */
export async function requireTenant(): Promise<TenantContext> {
  const resolved = await getTenantContext();
  if (resolved.kind !== "tenant") return leave(resolved);
  return resolved;
}

/**
 * For pages under /app that read the workspace's data: the session, the
 * active tenant and `load`'s reads in one transaction. A page whose `load`
 * reads with one statement says so (`oneStatement`): that statement then
 * carries the COMMIT, one round trip fewer. A page whose one statement needs
 * nothing from the entry's answer passes it as a Read (lib/db.ts), which is
 * sent with the entry: the page's transaction in one round trip.
 */
export async function requireTenantWith<T>(
  load: ((tx: Tx, ctx: TenantContext) => Promise<T>) | Read<T>,
  options: LoadOptions = {},
): Promise<{ ctx: TenantContext; data: T }> {
  const { resolution, data } = await getTenantContextWithData(load, options);
  if (resolution.kind !== "tenant") return leave(resolution);
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
  if (resolved.kind === "signed-out" || resolved.kind === "inactive") return leave(resolved);
  const { user, request, credential, memberships } = resolved;
  return { user, request, credential, memberships, context: resolved.kind === "tenant" ? resolved : null };
}
