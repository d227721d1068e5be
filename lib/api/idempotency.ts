import "server-only";
import { createHash } from "node:crypto";
import { sql } from "@/lib/db";
import { IDEMPOTENCY_WINDOW_HOURS } from "@/lib/jobs/idempotency";
import { withApiKey, type ApiKeyEntry, type Credential } from "@/lib/tenancy";
import { ApiProblem } from "./problem";

// POST requests honour an Idempotency-Key header (Stripe's convention): the
// first request with a key claims it (one row, per API key), acts, and
// stores its answer; the same key with the same method, path and body
// within 24 hours gets that answer again without acting (records older than
// that are swept hourly by the worker: lib/jobs/idempotency.ts); with anything else,
// 422. While the first is still running, another with the same key is told
// so (409, retry shortly) rather than acting twice. A claim whose request
// never stored an answer (it crashed) lapses after 5 minutes. A transient
// refusal (429, 5xx, anything with Retry-After) is not stored: the claim is
// released so a retry with the same key acts (isTransient, lib/api/route.ts).

export const IDEMPOTENCY_KEY_MAX = 255;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

type KeyCredential = Extract<Credential, { kind: "api_key" }>;

export function idempotencyKeyOf(request: Request): string | null {
  const value = request.headers.get("idempotency-key");
  if (value === null) return null;
  if (!KEY_SHAPE.test(value)) {
    throw new ApiProblem("validation-error", "Idempotency-Key is 1 to 255 visible ASCII characters.", [
      { field: "Idempotency-Key", message: "Use 1 to 255 visible ASCII characters, e.g. a UUID." },
    ]);
  }
  return value;
}

export const fingerprintOf = (method: string, path: string, body: string) =>
  createHash("sha256").update(`${method}\n${path}\n${body}`).digest("hex");

export type Claim = { kind: "claimed" } | { kind: "replay"; status: number; body: string } | { kind: "in-progress" } | { kind: "mismatch" };

/** Claims the key for this request, or says what an earlier one with the same key left. */
export async function claimIdempotencyKey(credential: KeyCredential, entry: ApiKeyEntry, key: string, fingerprint: string): Promise<Claim> {
  return withApiKey(credential, entry.tenant_id, async (tx) => {
    await tx.exec(sql`
      DELETE FROM api_idempotency_keys
       WHERE api_key_id = ${entry.key_id}::uuid AND key = ${key}
         AND (created_at < now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS}::int) OR (status_code IS NULL AND created_at < now() - interval '5 minutes'))`);
    const claimed = await tx.exec(sql`
      INSERT INTO api_idempotency_keys (api_key_id, key, tenant_id, user_id, fingerprint)
      VALUES (${entry.key_id}::uuid, ${key}, ${entry.tenant_id}::uuid, ${entry.user_id}::uuid, ${fingerprint})
      ON CONFLICT (api_key_id, key) DO NOTHING`);
    if (claimed === 1) return { kind: "claimed" };
    const earlier = await tx.one<{ fingerprint: string; status_code: number | null; response_body: string | null }>(sql`
      SELECT fingerprint, status_code, response_body FROM api_idempotency_keys WHERE api_key_id = ${entry.key_id}::uuid AND key = ${key}`);
    if (!earlier) return { kind: "in-progress" };
    if (earlier.fingerprint !== fingerprint) return { kind: "mismatch" };
    if (earlier.status_code === null) return { kind: "in-progress" };
    return { kind: "replay", status: earlier.status_code, body: earlier.response_body ?? "" };
  });
}

/** Stores the first answer under the key. */
export async function storeIdempotentResponse(credential: KeyCredential, entry: ApiKeyEntry, key: string, status: number, body: string): Promise<void> {
  await withApiKey(credential, entry.tenant_id, (tx) =>
    tx.exec(sql`
      UPDATE api_idempotency_keys SET status_code = ${status}, response_body = ${body}
       WHERE api_key_id = ${entry.key_id}::uuid AND key = ${key} AND status_code IS NULL`),
  );
}

/** Gives the key back when the request failed without an answer worth keeping (a server error, a transient refusal). */
export async function releaseIdempotencyKey(credential: KeyCredential, entry: ApiKeyEntry, key: string): Promise<void> {
  await withApiKey(credential, entry.tenant_id, (tx) =>
    tx.exec(sql`DELETE FROM api_idempotency_keys WHERE api_key_id = ${entry.key_id}::uuid AND key = ${key} AND status_code IS NULL`),
  );
}
