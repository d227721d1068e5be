import "server-only";
import { enterThenRead, single, sql, transaction, type Read, type TransactionOptions, type Tx } from "@/lib/db";
import type { Role } from "./permissions";

export interface Membership {
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  role: Role;
  /** Suspended workspaces are listed (their members are told why they cannot enter); deleted ones are not. */
  status: "active" | "blocked";
  /** The workspace's accent colour (#rrggbb), or null for the plain look. */
  accent: string | null;
  /** Names the current logo (part of its digest), or null without one: its URL changes with it. */
  logoVersion: string | null;
  /** The parent workspace (hierarchy), or null for a top-level one; the switcher nests by it. */
  parentId?: string | null;
  /** Set when this is no membership but a descendant the user may enter as a delegate: the ancestor they act through. */
  delegatedVia?: string;
  delegatedViaName?: string;
}

/** How the user is in the active workspace when it is no membership: a delegate of an ancestor's admins (lib/hierarchy). */
export interface Delegation {
  viaTenantId: string;
  viaTenantName: string;
}

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
}

/**
 * What a request proves itself with. The database checks it (app_enter and
 * its siblings hash the token and look up a live session); the app never
 * tells the database who the user is.
 */
export type Credential =
  | { kind: "session"; token: string }
  /**
   * A personal API key (issue 12; lib/api-keys): entered by
   * app_enter_api_key, which hashes and checks it; `ip` is recorded as where
   * it was last used. A session-only entry handed one finds no session.
   */
  | {
      kind: "api_key";
      token: string;
      ip: string | null;
      /**
       * Sent with X-Act-As-Tenant (lib/tenancy/act-as.ts): the key may enter
       * a descendant of its workspace as a delegate, decided by the database.
       */
      actAs?: boolean;
    };

/** Whoever a domain function acts for: a user, their proof, and where the request came from. */
export interface Actor {
  user: SignedInUser;
  credential: Credential;
  request?: RequestInfo;
}

/** An actor inside a tenant: what every tenant-scoped domain function takes (a TenantContext is one). */
export interface TenantActor extends Actor {
  tenantId: string;
  userId: string;
  tenant: { id: string; name: string; slug: string };
}

/** A verified membership: the user, the active tenant, their role in it. */
export interface TenantContext {
  userId: string;
  user: SignedInUser;
  tenantId: string;
  tenant: { id: string; name: string; slug: string };
  role: Role;
  memberships: Membership[];
  request: RequestInfo;
  /** Where the active tenant came from; "cookie" means the cookie was valid. */
  source: "cookie" | "remembered" | "first";
  credential: Credential;
  /** Non-null when the user acts here as a delegate of an ancestor (with `role`, the child's delegated role). */
  delegation: Delegation | null;
}

export type TenantResolution =
  | { kind: "signed-out" }
  | { kind: "inactive" }
  | { kind: "no-tenant"; user: SignedInUser; request: RequestInfo; credential: Credential; memberships: Membership[] }
  /** The asked-for workspace is one the user belongs to, and the platform has suspended it: nothing of it is entered. */
  | {
      kind: "suspended";
      user: SignedInUser;
      request: RequestInfo;
      credential: Credential;
      memberships: Membership[];
      tenant: { id: string; name: string; slug: string };
    }
  | ({ kind: "tenant" } & TenantContext);

/** A cookie's tenant id, if it is one; anything else is as if absent. */
export function tenantIdFromCookie(value: string | null | undefined): string | null {
  return value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? value.toLowerCase() : null;
}

/** What app_enter() answers. */
interface EnteredRow {
  kind: "tenant" | "no-tenant" | "suspended" | "signed-out" | "inactive";
  user_id: string | null;
  email: string | null;
  name: string | null;
  tenant_id: string | null;
  role: Role | null;
  source: TenantContext["source"] | null;
  memberships: Membership[] | null;
}

function toResolution(row: EnteredRow | undefined, credential: Credential, request: RequestInfo): TenantResolution {
  if (!row || row.kind === "signed-out") return { kind: "signed-out" };
  if (row.kind === "inactive") return { kind: "inactive" };
  const user: SignedInUser = { id: row.user_id!, email: row.email!, name: row.name };
  const memberships = row.memberships ?? [];
  if (row.kind === "no-tenant") return { kind: "no-tenant", user, request, credential, memberships };
  const active = memberships.find((m) => m.tenantId === row.tenant_id)!;
  const tenant = { id: active.tenantId, name: active.tenantName, slug: active.tenantSlug };
  if (row.kind === "suspended") return { kind: "suspended", user, request, credential, memberships, tenant };
  return {
    kind: "tenant",
    userId: user.id,
    user,
    tenantId: active.tenantId,
    tenant,
    role: row.role!,
    memberships,
    request,
    source: row.source!,
    credential,
    delegation: active.delegatedVia ? { viaTenantId: active.delegatedVia, viaTenantName: active.delegatedViaName ?? "" } : null,
  };
}

/**
 * Who the request is and where it acts, in one statement: app_enter()
 * verifies the session token, lists the user's active workspaces and picks
 * the cookie's tenant if they belong to it, else the remembered one, else the
 * first. A foreign, stale or malformed cookie never selects anything.
 */
export async function resolveTenantContext(
  credential: Credential | null,
  cookieTenantId: string | null | undefined,
  request: RequestInfo = { ip: null, userAgent: null },
): Promise<TenantResolution> {
  if (!credential) return { kind: "signed-out" };
  const rows = await single<EnteredRow>(sql`SELECT * FROM app_enter(${credential.token}, ${tenantIdFromCookie(cookieTenantId)}::uuid)`);
  return toResolution(rows[0], credential, request);
}

/** How a page's `load` reads (TransactionOptions; `oneStatement` is implied for a Read). */
export type LoadOptions = Pick<TransactionOptions, "settings" | "oneStatement">;

/**
 * The same resolution, and then `load` in the same transaction as the tenant
 * it entered: a page's identity, tenant and data in one round trip for the
 * entry (and `settings`, planner settings for `load`'s queries) plus one
 * per query `load` makes — the last of them carrying the COMMIT when `load`
 * reads with `oneStatement`. `load` runs only for a tenant. A `load` that is
 * a Read (one statement naming its workspace as `enteredTenant`) goes with
 * the entry instead: the whole transaction in one round trip.
 */
export async function resolveWithData<T>(
  credential: Credential | null,
  cookieTenantId: string | null | undefined,
  request: RequestInfo,
  load: ((tx: Tx, ctx: TenantContext) => Promise<T>) | Read<T>,
  options: LoadOptions = {},
): Promise<{ resolution: TenantResolution; data: T | null }> {
  if (!credential) return { resolution: { kind: "signed-out" }, data: null };
  const entry = entryOf(credential, cookieTenantId);
  if (typeof load !== "function") {
    // A Read travels with the entry, one round trip in all. Its statement ran
    // whatever the entry found; its rows count only for a workspace.
    const { entered, rows } = await enterThenRead<EnteredRow, object>(entry, load.statement, options);
    const resolution = toResolution(entered, credential, request);
    return { resolution, data: resolution.kind === "tenant" ? load.result(rows) : null };
  }
  return transaction<EnteredRow, { resolution: TenantResolution; data: T | null }>(
    entry,
    async (tx, row) => {
      const resolution = toResolution(row, credential, request);
      return { resolution, data: resolution.kind === "tenant" ? await load(tx, resolution) : null };
    },
    options,
  );
}

/** The entry a page's transaction starts with: app_enter() with the session token and the tenant cookie. */
function entryOf(credential: Credential, cookieTenantId: string | null | undefined) {
  const cookie = tenantIdFromCookie(cookieTenantId);
  return (literal: (value: string | null) => string) => `SELECT * FROM app_enter(${literal(credential.token)}, ${literal(cookie)}::uuid)`;
}

/** A resolution with a signed-in user: in a workspace, in none, or held out of a suspended one. */
export type SignedInResolution = Extract<TenantResolution, { kind: "tenant" | "no-tenant" | "suspended" }>;

export const isSignedIn = (resolution: TenantResolution): resolution is SignedInResolution =>
  resolution.kind === "tenant" || resolution.kind === "no-tenant" || resolution.kind === "suspended";

/**
 * The same resolution, with a page's own data about the signed-in user (their
 * profile, their trash) read in the same transaction and round trip: the
 * Read `readFor` builds with the request's credential is sent with the entry, and its rows count for any signed-in user, in a
 * workspace or in none. The entry signs the user in every such case
 * (`app_current_user_id()`), so `read` names the user that way, never by an
 * id from the request; with nobody signed in it reads nothing (and may not
 * fail), and its rows are not looked at.
 */
export async function resolveWithUserData<T>(
  credential: Credential | null,
  cookieTenantId: string | null | undefined,
  request: RequestInfo,
  readFor: (credential: Credential) => Read<T>,
): Promise<{ resolution: TenantResolution; data: T | null }> {
  if (!credential) return { resolution: { kind: "signed-out" }, data: null };
  const read = readFor(credential);
  const { entered, rows } = await enterThenRead<EnteredRow, object>(entryOf(credential, cookieTenantId), read.statement);
  const resolution = toResolution(entered, credential, request);
  return { resolution, data: isSignedIn(resolution) ? read.result(rows) : null };
}
