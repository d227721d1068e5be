import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { REQUEST_PATH_HEADER } from "@/lib/http/edge.mjs";
import { HOME_PATH, safeNextPath } from "@/lib/urls";
import type { Read, Tx } from "@/lib/db";
import {
  getTenantContext,
  getTenantContextWithData,
  getUserContextWithData,
  isSignedIn,
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
  // Signed out (a session that ended, or one awaiting its two-factor code,
  // which is sent to the page asking for it): back here once signed in.
  const here = safeNextPath((await headers()).get(REQUEST_PATH_HEADER), HOME_PATH);
  const back = here === HOME_PATH ? "" : `?next=${encodeURIComponent(here)}`;
  if (resolved.kind === "signed-out" && (await awaitingSecondFactor((await currentRequest()).credential))) redirect(`${SECOND_FACTOR_PATH}${back}`);
  redirect(`/sign-in${back}`);
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

/** A signed-in request, as the pages for the user rather than a workspace see it. */
export interface SignedInPage {
  user: SignedInUser;
  request: RequestInfo;
  credential: Credential;
  memberships: Membership[];
  /** The workspace the request entered, when it entered one (the frame around a user's page). */
  context: TenantContext | null;
}

function signedInPage(resolved: TenantResolution): Promise<SignedInPage> | SignedInPage {
  if (!isSignedIn(resolved)) return leave(resolved);
  const { user, request, credential, memberships } = resolved;
  return { user, request, credential, memberships, context: resolved.kind === "tenant" ? resolved : null };
}

/** For pages under /app that only need a signed-in user (onboarding, creating a workspace). */
export async function requireUser(): Promise<SignedInPage> {
  return signedInPage(await getTenantContext());
}

/**
 * For pages under /app about the user rather than a workspace (their profile,
 * their trash) that read the database: the session, the workspace the frame
 * shows and the Read `readFor` builds with the request's credential, in one
 * transaction and one round trip. The Read names the user as the entry signed
 * them in (`app_current_user_id()`).
 */
export async function requireUserWith<T>(readFor: (credential: Credential) => Read<T>): Promise<SignedInPage & { data: T }> {
  const { resolution, data } = await getUserContextWithData(readFor);
  return { ...(await signedInPage(resolution)), data: data as T };
}
