import "server-only";
import { redirect } from "next/navigation";
import { getTenantContext, type RequestInfo, type SignedInUser, type TenantContext } from "./context";

/** For pages under /app that need an active workspace. */
export async function requireTenant(): Promise<TenantContext> {
  const resolved = await getTenantContext();
  if (resolved.kind === "signed-out" || resolved.kind === "inactive") redirect("/sign-in");
  if (resolved.kind === "no-tenant") redirect("/app/onboarding");
  return resolved;
}

/** For pages under /app that only need a signed-in user (onboarding, creating a workspace). */
export async function requireUser(): Promise<{ user: SignedInUser; request: RequestInfo; context: TenantContext | null }> {
  const resolved = await getTenantContext();
  if (resolved.kind === "signed-out" || resolved.kind === "inactive") redirect("/sign-in");
  if (resolved.kind === "no-tenant") return { user: resolved.user, request: resolved.request, context: null };
  return { user: resolved.user, request: resolved.request, context: resolved };
}
