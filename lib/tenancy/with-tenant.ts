import "server-only";
import { getDb, type Tx } from "@/lib/db";
import { DomainError, findPgError } from "@/lib/errors";

/** What a transaction runs as: the tenant and the user the RLS policies key on. */
export interface TenantScope {
  tenantId: string;
  userId: string;
}

interface RlsSettings {
  tenantId?: string | null;
  userId?: string | null;
  inviteTokenHash?: string | null;
}

// Interactive transactions wait for a pooled connection; bursts of writes that
// serialise on a tenant lock (last-owner checks) need more than the default 2 s.
const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/**
 * One transaction whose first statement sets the RLS context with
 * set_config(..., true): transaction-local, so a pooled connection handed to
 * the next request reads '' again. Everything in `fn` — guardrail reads, the
 * change, its audit row — commits or rolls back together.
 */
async function withRls<T>(settings: RlsSettings, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.tenant_id', ${settings.tenantId ?? ""}, true),
                                set_config('app.user_id', ${settings.userId ?? ""}, true),
                                set_config('app.invite_token_hash', ${settings.inviteTokenHash ?? ""}, true)`;
    return fn(tx);
  }, TX_OPTIONS);
}

export const NOT_A_MEMBER = "You are not a member of that workspace (any more). Reload the page.";

/**
 * Enters a tenant as a user, verified by the database: app_enter_tenant()
 * sets the context and refuses a user who is not an active member, in one
 * statement. So no transaction ever runs inside a tenant its user does not
 * belong to, whatever the caller passed.
 */
export async function enterTenant(tx: Tx, scope: TenantScope): Promise<void> {
  try {
    await tx.$queryRaw`SELECT app_enter_tenant(${scope.tenantId}::uuid, ${scope.userId}::uuid)::text AS role`;
  } catch (error) {
    if (findPgError(error)?.code === "42501") throw new DomainError("not_member", NOT_A_MEMBER);
    throw error;
  }
}

/** Runs `fn` as `scope.userId` inside `scope.tenantId`, which the user must belong to. */
export function withTenant<T>(scope: TenantScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return getDb().$transaction(async (tx) => {
    await enterTenant(tx, scope);
    return fn(tx);
  }, TX_OPTIONS);
}

/** Runs `fn` inside a tenant that does not exist yet: the one `createTenant` is about to insert. */
export function withNewTenant<T>(scope: TenantScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRls({ tenantId: scope.tenantId, userId: scope.userId }, fn);
}

/** Runs `fn` as a signed-in user with no tenant chosen: their own memberships and invitations only. */
export function withUser<T>(userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withRls({ userId }, fn);
}

/**
 * Runs `fn` holding an invitation token (its SHA-256): the one invitation it
 * names becomes readable, signed in or not. The narrow path by which someone
 * who is not yet a member reaches a tenant.
 */
export function withInvitationToken<T>(tokenHash: string, userId: string | null, fn: (tx: Tx) => Promise<T>) {
  return withRls({ inviteTokenHash: tokenHash, userId }, fn);
}

/**
 * Points the transaction at the tenant an invitation names, before its
 * invitee is a member — the only unverified entry; the membership INSERT
 * policy then admits exactly the invited role.
 */
export async function enterTenantToJoin(tx: Tx, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
}

/** Serialises membership changes of one tenant (the same key the last-owner trigger takes). */
export async function lockTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('tenant:' || ${tenantId}, 0))`;
}
