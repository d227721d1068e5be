import "server-only";
import { sql, transaction, type Tx } from "@/lib/db";
import { DomainError, findPgError, RELOAD_THE_PAGE } from "@/lib/errors";
import type { Role } from "./permissions";
import type { Credential, SignedInUser } from "./resolve";
import { SIGNED_OUT, SIGNED_OUT_CODE } from "./signed-out";

/** What a transaction runs as: the tenant, the user, and the proof that they are that user. */
export interface TenantScope {
  tenantId: string;
  userId: string;
  credential: Credential;
}

export const NOT_A_MEMBER = "You are not a member of that workspace (any more).";
export const ACT_AS_DELETED = "That workspace has been deleted.";
export const ACT_AS_REFUSED = "That workspace's owners allow no delegated access from its parent workspaces.";
export const SUSPENDED = "This workspace is suspended: nothing in it can be read or changed until the suspension is lifted.";

/** The entry functions refuse with SQLSTATE 42501 and a hint saying why. */
function refusal(error: unknown): DomainError | null {
  const pg = findPgError(error);
  if (pg?.code !== "42501") return null;
  if (pg.hint === "signed_out") return new DomainError(SIGNED_OUT_CODE, SIGNED_OUT);
  if (pg.hint === "not_member") return new DomainError("not_member", NOT_A_MEMBER, undefined, RELOAD_THE_PAGE);
  if (pg.hint === "tenant_suspended") return new DomainError("tenant_suspended", SUSPENDED);
  // An API key's entry (app_enter_api_key) says more.
  if (pg.hint === "token_expired") return new DomainError("token_expired", "This API key has expired. Create a new one under API keys in the app's sidebar.");
  if (pg.hint === "inactive") return new DomainError("inactive", "The account this API key belongs to is deactivated.");
  if (pg.hint === "not_found") return new DomainError("not_found", "There is no such workspace for this API key.");
  // hierarchy: refusals of a delegate (lib/tenancy/act-as.ts)
  if (pg.hint === "tenant_deleted") return new DomainError("not_found", ACT_AS_DELETED);
  if (pg.hint === "delegation_refused") return new DomainError("forbidden", ACT_AS_REFUSED);
  return null;
}

export async function entering<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw refusal(error) ?? error;
  }
}

/**
 * Runs `fn` inside `scope.tenantId` as the session's user, verified by the
 * database in the transaction's first statement: app_enter() checks the
 * session token, the user's active membership and the tenant's status, and
 * signs the context every policy reads. A forged or stale tenant id is never
 * entered; a member removed after their request began is refused here.
 * `fn` also gets the role the entry found. The user is whoever the
 * credential proves; a route that knows no more than that (a logo) passes no userId.
 */
export function withTenant<T>(scope: TenantScope | Omit<TenantScope, "userId">, fn: (tx: Tx, role: Role) => Promise<T>): Promise<T> {
  return entering(() =>
    transaction<{ role: Role }, T>(
      (literal) =>
        scope.credential.kind === "api_key"
          ? `SELECT role FROM ${apiKeyEntry(literal, scope.credential, scope.tenantId)}`
          : `SELECT role FROM app_enter(${literal(scope.credential.token)}, ${literal(scope.tenantId)}::uuid, true)`,
      (tx, entered) => fn(tx, entered.role),
    ),
  );
}

/**
 * Runs `fn` in a deleted workspace as one of its owners (the one way into a
 * workspace in the trash): to restore it, or to have it purged now.
 */
export function withDeletedTenant<T>(credential: Credential, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return entering(() =>
    transaction((literal) => `SELECT app_enter_deleted_tenant(${literal(credential.token)}, ${literal(tenantId)}::uuid)`, (tx) => fn(tx)),
  );
}

/** The API key's entry as SQL: its own workspace, or with X-Act-As-Tenant a descendant as a delegate. */
export function apiKeyEntry(literal: (value: string | null) => string, credential: Extract<Credential, { kind: "api_key" }>, tenantId: string | null): string {
  return `app_enter_api_key(${literal(credential.token)}, ${literal(tenantId)}::uuid, ${literal(credential.ip)}, ${credential.actAs ? "true" : "false"})`;
}

/** What app_enter_api_key answers: the key, its user, its workspace and the user's current role there. */
export interface ApiKeyEntry {
  key_id: string;
  user_id: string;
  email: string;
  name: string | null;
  tenant_id: string;
  role: Role;
  scope: "read" | "read_write";
  expires_at: Date;
}

/**
 * Runs `fn` as an API key's user (issue 12): in `tenantId`, which must be
 * the key's workspace (anything else is refused as not found), or with null
 * as the user alone. A read key's transaction is read-only.
 */
export function withApiKey<T>(
  credential: Extract<Credential, { kind: "api_key" }>,
  tenantId: string | null,
  fn: (tx: Tx, entered: ApiKeyEntry) => Promise<T>,
): Promise<T> {
  return entering(() =>
    transaction<ApiKeyEntry, T>(
      (literal) => `SELECT * FROM ${apiKeyEntry(literal, credential, tenantId)}`,
      fn,
    ),
  );
}

/** Runs `fn` as the session's user in no tenant: their own memberships and invitations only. */
export function withUser<T>(credential: Credential, fn: (tx: Tx, user: SignedInUser) => Promise<T>): Promise<T> {
  return entering(() =>
    transaction<{ user_id: string; email: string; name: string | null }, T>(
      (literal) =>
        credential.kind === "api_key"
          ? `SELECT user_id, email, name FROM app_enter_api_key(${literal(credential.token)}, NULL, ${literal(credential.ip)})`
          : `SELECT * FROM app_enter_user(${literal(credential.token)})`,
      (tx, entered) => fn(tx, { id: entered.user_id, email: entered.email, name: entered.name }),
    ),
  );
}

/** Runs `fn` as the creator of a tenant that does not exist yet: the one `createTenant` is about to insert. */
export function withNewTenant<T>(credential: Credential, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return entering(() =>
    transaction((literal) => `SELECT app_enter_new_tenant(${literal(credential.token)}, ${literal(tenantId)}::uuid)`, (tx) => fn(tx)),
  );
}

/**
 * Runs `fn` holding an invitation token: the one invitation it names becomes
 * readable, signed in or not (the database hashes the token itself). With a
 * live session the user is known too (null otherwise). The narrow path by
 * which someone who is not yet a member reaches a tenant.
 */
export function withInvitationToken<T>(
  token: string,
  credential: Credential | null,
  fn: (tx: Tx, user: SignedInUser | null) => Promise<T>,
): Promise<T> {
  const run = () =>
    transaction<{ user_id: string | null; email: string | null; name: string | null }, T>(
      (literal) =>
        credential?.kind === "api_key"
          ? `SELECT * FROM app_enter_invitation_with_key(${literal(token)}, ${literal(credential.token)}, ${literal(credential.ip)})`
          : `SELECT * FROM app_enter_invitation(${literal(token)}, ${literal(credential?.token ?? null)})`,
      (tx, entered) => fn(tx, entered.user_id ? { id: entered.user_id, email: entered.email!, name: entered.name } : null),
    );
  return credential?.kind === "api_key" ? entering(run) : run();
}

/**
 * Moves a user (or invitation) transaction into the tenant of an invitation
 * the user may accept, before they are a member: the database checks that
 * such an invitation exists, and the policies then admit only their own
 * membership with the invited role.
 */
export async function enterTenantToJoin(tx: Tx, tenantId: string): Promise<void> {
  await tx.query(sql`SELECT app_enter_to_join(${tenantId}::uuid)`);
}

/** Serialises membership changes of one tenant (the same key the last-owner trigger takes). */
export async function lockTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.query(sql`SELECT pg_advisory_xact_lock(hashtextextended('tenant:' || ${tenantId}, 0))`);
}
