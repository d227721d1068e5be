// Test fixtures. Setup rows are written through the owner connection (a
// superuser in tests, so row-level security does not stand in the way of
// arranging a scenario); probes of what the app may do go through the app
// role, exactly as the app connects.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { DomainError } from "@/lib/errors";

/** The owner's connection string for this worker's database (set by test/worker-database.ts). */
export function ownerDatabaseUrl(): string {
  const url = process.env.TEST_OWNER_DATABASE_URL;
  if (!url) throw new Error("TEST_OWNER_DATABASE_URL is unset: test/worker-database.ts runs before every test file.");
  return url;
}

let ownerPool: pg.Pool | undefined;
export function owner(): pg.Pool {
  ownerPool ??= new pg.Pool({ connectionString: ownerDatabaseUrl(), max: 4 });
  return ownerPool;
}

export const unique = () => randomBytes(5).toString("hex");
export const uniqueEmail = (prefix = "user") => `${prefix}-${unique()}@example.test`;
export const uniqueSlug = (prefix = "ws") => `${prefix}-${unique()}`;
/** A client address no other test uses, so per-IP rate limits start from nothing (32 random bits). */
export const uniqueIp = () => {
  const [a, b, c, d] = randomBytes(4);
  return `${(a! % 223) + 1}.${b}.${c}.${d}`;
};

export interface TestUser {
  id: string;
  email: string;
  name: string | null;
  /** A live session's token, as the browser's cookie holds it: the user's proof to the database. */
  sessionToken: string;
}

/** A session for the user, stored as Auth.js stores it through our adapter (SHA-256 of the token); returns the token. */
export async function createSession(userId: string, expires = new Date(Date.now() + 30 * 86_400_000)): Promise<string> {
  const token = randomUUID();
  await owner().query("INSERT INTO sessions (session_token, user_id, expires) VALUES ($1, $2, $3)", [
    createHash("sha256").update(token).digest("hex"),
    userId,
    expires,
  ]);
  return token;
}

export async function createUser(fields: { email?: string; name?: string; active?: boolean } = {}): Promise<TestUser> {
  const email = (fields.email ?? uniqueEmail()).toLowerCase();
  const { rows } = await owner().query<{ id: string }>(
    "INSERT INTO users (email, name, active, email_verified) VALUES ($1, $2, $3, now()) RETURNING id",
    [email, fields.name ?? null, fields.active ?? true],
  );
  const id = rows[0]!.id;
  return { id, email, name: fields.name ?? null, sessionToken: await createSession(id) };
}

/** A platform administrator (users.is_platform_admin), set by the owner's connection as the operator command does. */
export async function platformAdmin(name = "Pat Platform"): Promise<TestUser> {
  const user = await createUser({ name });
  await owner().query("UPDATE users SET is_platform_admin = true WHERE id = $1", [user.id]);
  return user;
}

export const credentialOf = (user: TestUser) => ({ kind: "session" as const, token: user.sessionToken });

/** The actor the user-level lib functions take (creating a workspace, switching, accepting). */
export function userActor(user: TestUser) {
  return { user: { id: user.id, email: user.email, name: user.name }, credential: credentialOf(user), request: requestOf(user) };
}

export interface TestTenant {
  id: string;
  slug: string;
  name: string;
}

export async function createTenantRow(fields: { name?: string; slug?: string; status?: "active" | "blocked" | "deleted" } = {}): Promise<TestTenant> {
  const slug = fields.slug ?? uniqueSlug();
  const name = fields.name ?? `Workspace ${slug}`;
  const { rows } = await owner().query<{ id: string }>("INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id", [name, slug]);
  const tenant = { id: rows[0]!.id, slug, name };
  if (fields.status && fields.status !== "active") await setTenantStatus(tenant.id, fields.status);
  return tenant;
}

/** Puts a tenant in a state as the platform or a deletion would (with the fields each state carries). */
export async function setTenantStatus(tenantId: string, status: "active" | "blocked" | "deleted") {
  const statements = {
    active: "UPDATE tenants SET status = 'active', blocked_at = NULL, deleted_at = NULL, deletion_batch_id = NULL WHERE id = $1",
    blocked: "UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1",
    deleted: "UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1",
  };
  await owner().query(statements[status], [tenantId]);
}

export async function addMember(tenantId: string, userId: string, role: "owner" | "admin" | "auditor" | "member") {
  await owner().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, $3)", [tenantId, userId, role]);
}

/** A tenant with an owner, plus one user per other role. */
export async function createWorkspace() {
  const tenant = await createTenantRow();
  const [ownerUser, admin, auditor, member] = await Promise.all([
    createUser({ name: "Olive Owner" }),
    createUser({ name: "Adam Admin" }),
    createUser({ name: "Audrey Auditor" }),
    createUser({ name: "Mel Member" }),
  ]);
  await addMember(tenant.id, ownerUser.id, "owner");
  await addMember(tenant.id, admin.id, "admin");
  await addMember(tenant.id, auditor.id, "auditor");
  await addMember(tenant.id, member.id, "member");
  return { tenant, owner: ownerUser, admin, auditor, member };
}

export async function memberRole(tenantId: string, userId: string): Promise<string | null> {
  const { rows } = await owner().query<{ role: string }>(
    "SELECT role FROM tenant_members WHERE tenant_id = $1 AND user_id = $2",
    [tenantId, userId],
  );
  return rows[0]?.role ?? null;
}

export async function auditRows(tenantId: string, action?: string) {
  const { rows } = await owner().query(
    `SELECT * FROM audit_log WHERE tenant_id = $1 ${action ? "AND action = $2" : ""} ORDER BY id`,
    action ? [tenantId, action] : [tenantId],
  );
  return rows;
}

export async function insertInvitation(fields: {
  tenantId: string;
  email: string;
  role?: string;
  invitedBy?: string | null;
  status?: string;
  expiresAt?: Date;
  tokenHash?: string;
}) {
  const tokenHash = fields.tokenHash ?? randomBytes(32).toString("hex");
  const { rows } = await owner().query<{ id: string }>(
    `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at, invited_by, inviter_name)
     VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT coalesce(name, email) FROM users WHERE id = $7)) RETURNING id`,
    [
      fields.tenantId,
      fields.email.toLowerCase(),
      fields.role ?? "member",
      tokenHash,
      fields.status ?? "pending",
      fields.expiresAt ?? new Date(Date.now() + 7 * 86_400_000),
      fields.invitedBy ?? null,
    ],
  );
  return { id: rows[0]!.id, tokenHash };
}

export async function insertAuditRow(tenantId: string, actorUserId: string | null, action = "test.event") {
  await owner().query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, metadata)
     VALUES ($1, $2, 'fixture@example.test', $3, '{"note": "fixture event"}')`,
    [tenantId, actorUserId, action],
  );
}

/**
 * Runs `fn` on a connection as the app role, inside a transaction entered the
 * way the app enters it — through an entry function given the user's session
 * token — and always rolled back. `as` picks the entry: a member entering
 * their tenant (the default with a tenant), a user joining a tenant they hold
 * an invitation to, a creator of a tenant that does not exist yet, a user in
 * no tenant, or an invitation token's holder (signed in or not). With
 * nothing, the transaction has no context at all.
 */
export async function asApp<T>(
  settings: { tenantId?: string; user?: TestUser | null; inviteToken?: string; as?: "member" | "join" | "create" },
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await appPool().connect();
  try {
    await client.query("BEGIN");
    await enter(client, settings);
    return await fn(client);
  } finally {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
  }
}

async function enter(
  client: pg.ClientBase,
  { tenantId, user, inviteToken, as }: { tenantId?: string; user?: TestUser | null; inviteToken?: string; as?: "member" | "join" | "create" },
) {
  const token = user?.sessionToken ?? null;
  if (inviteToken !== undefined) await client.query("SELECT app_enter_invitation($1, $2)", [inviteToken, token]);
  else if (user && (!tenantId || as === "join")) await client.query("SELECT app_enter_user($1)", [token]);
  if (!tenantId) return;
  if (as === "join") await client.query("SELECT app_enter_to_join($1)", [tenantId]);
  else if (as === "create") await client.query("SELECT app_enter_new_tenant($1, $2)", [token, tenantId]);
  else await client.query("SELECT app_enter($1, $2, true)", [token, tenantId]);
}

let appPoolInstance: pg.Pool | undefined;
function appPool(): pg.Pool {
  appPoolInstance ??= new pg.Pool({ connectionString: process.env.APP_DATABASE_URL, max: 4 });
  return appPoolInstance;
}

/** The Postgres error code a promise rejects with, or "ok". */
export async function pgErrorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

export { randomUUID };

// ---------------------------------------------------------------------------
// Members & invitations helpers.
// ---------------------------------------------------------------------------

export const TEST_REQUEST = { ip: "203.0.113.7", userAgent: "vitest" } as const;

/**
 * The client address a fixture user's requests come from: one of their own,
 * as two real people's would be, so a per-address limit (invitation links
 * that match nothing) counts one user's requests, not a whole run's.
 */
export function clientIpOf(user: { id: string }): string {
  const [a, b, c] = createHash("sha256").update(user.id).digest();
  return `10.${a}.${b}.${c}`;
}

const requestOf = (user: { id: string }) => ({ ip: clientIpOf(user), userAgent: TEST_REQUEST.userAgent });

/** The actor object the tenant-scoped lib functions take, for `user` acting in `tenant`. */
export function actorFor(tenant: TestTenant, user: TestUser) {
  return {
    tenantId: tenant.id,
    userId: user.id,
    user: { id: user.id, email: user.email, name: user.name },
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug },
    credential: credentialOf(user),
    request: requestOf(user),
  };
}

export async function memberCount(tenantId: string): Promise<number> {
  const { rows } = await owner().query<{ n: number }>("SELECT count(*)::int AS n FROM tenant_members WHERE tenant_id = $1", [tenantId]);
  return rows[0]!.n;
}

export async function ownerCount(tenantId: string): Promise<number> {
  const { rows } = await owner().query<{ n: number }>(
    "SELECT count(*)::int AS n FROM tenant_members WHERE tenant_id = $1 AND role = 'owner'",
    [tenantId],
  );
  return rows[0]!.n;
}

export interface InvitationDbRow {
  id: string;
  tenant_id: string;
  email: string;
  role: string;
  token_hash: string;
  status: string;
  expires_at: Date;
  invited_by: string | null;
  accepted_by: string | null;
  accepted_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

export async function invitationById(id: string): Promise<InvitationDbRow | null> {
  const { rows } = await owner().query<InvitationDbRow>("SELECT * FROM tenant_invitations WHERE id = $1", [id]);
  return rows[0] ?? null;
}

/** Every invitation of (tenant, email), oldest first. */
export async function invitationsFor(tenantId: string, email: string): Promise<InvitationDbRow[]> {
  const { rows } = await owner().query<InvitationDbRow>(
    "SELECT * FROM tenant_invitations WHERE tenant_id = $1 AND email = $2 ORDER BY created_at, id",
    [tenantId, email],
  );
  return rows;
}

export interface CaughtEmail {
  subject: string;
  html: string;
  text: string;
  to: Array<{ address: string }>;
  time: string;
}

/** Runs `fn` with email delivery failing (SMTP pointed at a closed port), as when the mail service is down. */
export async function withBrokenSmtp<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.SMTP_URL;
  process.env.SMTP_URL = "smtp://127.0.0.1:9";
  try {
    return await fn();
  } finally {
    process.env.SMTP_URL = saved;
  }
}

/** Emails the mail catcher holds for `address`, polling briefly until at least `atLeast` arrived. */
export async function emailsTo(address: string, atLeast = 1, timeoutMs = 5_000): Promise<CaughtEmail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${inject("mailApiUrl")}/api/email`);
    const all = (await response.json()) as CaughtEmail[];
    const mine = all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
    if (mine.length >= atLeast || Date.now() > deadline) return mine;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The DomainError code a promise rejects with, "ok" when it resolves, or "unexpected: …" for any other error. */
export async function domainCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    return `unexpected: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}
