import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { enteredTenant, sql, type Read, type Sql } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { can, withTenant, type Role, type TenantActor } from "@/lib/tenancy";
import { hasNulByte, NUL_BYTE_MESSAGE, uuidSchema } from "@/lib/validation";
import { apiKeyPrefix, mintApiKey } from "./format";

export { isWellFormedApiKey, API_KEY_PREFIX } from "./format";

export const API_KEY_SCOPES = ["read", "read_write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const API_KEY_EXPIRY_DAYS = ["7", "30", "90", "365"] as const;
export const API_KEY_NAME_MAX = 100;
/** The latest a key may expire: a year after it is created. */
export const API_KEY_MAX_DAYS = 365;

const DAY = 86_400_000;

export const createApiKeySchema = z.object({
  name: z
    .string({ error: "Name the key." })
    .trim()
    .min(1, { error: "Name the key, e.g. “CI deploys”." })
    .max(API_KEY_NAME_MAX, { error: `A key's name has at most ${API_KEY_NAME_MAX} characters.` })
    .refine((v) => !hasNulByte(v), { error: NUL_BYTE_MESSAGE }),
  scope: z.enum(API_KEY_SCOPES, { error: "Choose read or read and write." }),
  expiry: z.enum([...API_KEY_EXPIRY_DAYS, "date"], { error: "Choose when the key expires." }),
  expiresOn: z
    .string()
    .max(10)
    .regex(/^(\d{4}-\d{2}-\d{2})?$/, { error: "Pick a date." })
    .optional()
    .default(""),
});
export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;

export const apiKeyTargetSchema = z.object({ keyId: uuidSchema("That API key does not exist.") });

/**
 * When a key created now expires: after the chosen number of days, or at the
 * end of the chosen day (UTC), which must be after today and at most a year
 * away. A field error otherwise.
 */
export function apiKeyExpiry(input: Pick<CreateApiKeyInput, "expiry" | "expiresOn">, now: Date): Date {
  if (input.expiry !== "date") return new Date(now.getTime() + Number(input.expiry) * DAY);
  const day = input.expiresOn ? new Date(`${input.expiresOn}T23:59:59.000Z`) : null;
  if (!day || Number.isNaN(day.getTime())) throw new DomainError("validation", "Pick the day the key expires.", "expiresOn");
  if (day.getTime() <= now.getTime()) throw new DomainError("validation", "Pick a day after today.", "expiresOn");
  if (day.getTime() > now.getTime() + API_KEY_MAX_DAYS * DAY) {
    throw new DomainError("validation", "A key expires within a year: pick an earlier day.", "expiresOn");
  }
  return day;
}

export interface CreatedApiKey {
  id: string;
  /** The key itself: shown once, never stored. */
  key: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  expiresAt: string;
}

/** Creates a key for the actor in their workspace; the key is returned once, only its SHA-256 is stored. Audited. */
export async function createApiKey(actor: TenantActor, input: CreateApiKeyInput, now = new Date()): Promise<CreatedApiKey> {
  const expiresAt = apiKeyExpiry(input, now);
  const key = mintApiKey();
  const prefix = apiKeyPrefix(key);
  return withTenant(actor, async (tx) => {
    const row = await tx.one<{ id: string; expires_at: Date }>(sql`
      INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at)
      VALUES (${actor.tenantId}::uuid, ${actor.userId}::uuid, ${input.name}, ${input.scope}, ${prefix},
              encode(sha256(convert_to(${key}, 'UTF8')), 'hex'), ${expiresAt.toISOString()}::timestamptz)
      RETURNING id, expires_at`);
    if (!row) throw new DomainError("forbidden", "Your role in this workspace does not allow that.");
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "apikey.create",
      target: { type: "api_key", id: row.id },
      metadata: { name: input.name, scope: input.scope, prefix, expires_at: row.expires_at.toISOString() },
      request: actor.request,
    });
    return { id: row.id, key, name: input.name, prefix, scope: input.scope, expiresAt: row.expires_at.toISOString() };
  });
}

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  ownerId: string;
  ownerEmail: string;
  ownerName: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  status: "active" | "expired" | "revoked";
}

interface ApiKeyListRow {
  id: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  user_id: string;
  email: string;
  user_name: string | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  expired: boolean;
}

/** Live keys first, newest first. */
const KEY_ORDER = sql`(k.revoked_at IS NULL AND k.expires_at > now()) DESC, k.created_at DESC, k.id`;

/**
 * The keys the actor may see in a workspace (the policies decide: their
 * own, or every key for apikeys.manage), live ones first, newest first.
 * Keys of former members are not listed (they open nothing). The page reads
 * the workspace its request entered (`enteredTenant`, the default), sent with
 * the entry.
 */
export function apiKeysRead(tenant: Sql = enteredTenant): Read<ApiKeyRow[], ApiKeyListRow> {
  return {
    statement: sql`
      SELECT k.id, k.name, k.prefix, k.scope, k.user_id, u.email, u.name AS user_name, k.created_at, k.expires_at,
             k.revoked_at, k.last_used_at, k.last_used_ip, k.expires_at <= now() AS expired
        FROM api_keys k JOIN users u ON u.id = k.user_id
       WHERE k.tenant_id = ${tenant} AND k.deleted_at IS NULL
       ORDER BY ${KEY_ORDER}
       LIMIT 500`,
    result: (rows) =>
      rows.map((r) => ({
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        scope: r.scope,
        ownerId: r.user_id,
        ownerEmail: r.email,
        ownerName: r.user_name,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        revokedAt: r.revoked_at,
        lastUsedAt: r.last_used_at,
        lastUsedIp: r.last_used_ip,
        status: r.revoked_at ? "revoked" : r.expired ? "expired" : "active",
      })),
  };
}

/**
 * The API keys page: apiKeysRead's keys and, beside them, how many live keys
 * the workspace's plan allows (null: no limit) and how many it has, counting
 * every member's keys as the limit does (app_entered_plan_usage: the caller
 * may see only their own), in one statement. With no key to list, its one
 * row carries the limit and the count alone. Of the workspace the request
 * entered, sent with the entry.
 */
export function apiKeysPageRead(): Read<
  { keys: ApiKeyRow[]; keyLimit: number | null; keysInUse: number },
  ApiKeyListRow & { key_limit: number | null; keys_in_use: number | null }
> {
  const list = apiKeysRead(enteredTenant);
  return {
    statement: sql`
      SELECT k.*, plan.key_limit, plan.keys_in_use
        FROM (SELECT (SELECT p.api_keys FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = ${enteredTenant}) AS key_limit,
                     (SELECT app_entered_plan_usage('api_keys'))::int AS keys_in_use) plan
        LEFT JOIN (${list.statement}) k ON true
       ORDER BY ${KEY_ORDER}`,
    result: (rows) => ({
      keyLimit: rows[0]?.key_limit ?? null,
      keysInUse: rows[0]?.keys_in_use ?? 0,
      keys: list.result(rows.filter((r) => r.id !== null)),
    }),
  };
}

/** Whether the role may revoke a key of another member (apikeys.manage); one's own, always. */
export const mayRevokeOthers = (role: Role) => can(role, "apikeys.manage");

/** Revokes a key: its next request is refused. One's own, or any key of the workspace with apikeys.manage. Audited. */
export async function revokeApiKey(actor: TenantActor, keyId: string): Promise<{ name: string }> {
  return withTenant(actor, async (tx) => {
    const key = await tx.one<{ name: string; prefix: string; user_id: string; email: string; revoked: boolean }>(sql`
      SELECT k.name, k.prefix, k.user_id, u.email, k.revoked_at IS NOT NULL AS revoked
        FROM api_keys k JOIN users u ON u.id = k.user_id
       WHERE k.id = ${keyId}::uuid AND k.tenant_id = ${actor.tenantId}::uuid AND k.deleted_at IS NULL
       FOR UPDATE OF k`);
    if (!key) throw new DomainError("not_found", "That API key does not exist (any more).");
    if (key.revoked) throw new DomainError("no_change", `The key “${key.name}” is already revoked.`);
    const updated = await tx.exec(sql`
      UPDATE api_keys SET revoked_at = now(), revoked_by = ${actor.userId}::uuid
       WHERE id = ${keyId}::uuid AND revoked_at IS NULL`);
    if (updated !== 1) throw new DomainError("forbidden", "Your role in this workspace does not allow that.");
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "apikey.revoke",
      target: { type: "api_key", id: keyId },
      metadata: { name: key.name, prefix: key.prefix, owner_email: key.user_id === actor.userId ? null : key.email },
      request: actor.request,
    });
    return { name: key.name };
  });
}
