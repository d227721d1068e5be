import "server-only";
import type pg from "pg";
import { DomainError, findPgError } from "@/lib/errors";

/**
 * A lifecycle step's refusal (app_private.tenant_*: SQLSTATE P0002 or 55000
 * with a hint) as the DomainError its message already words; anything else
 * unchanged.
 */
export function lifecycleRefusal(error: unknown): unknown {
  const pg = findPgError(error);
  if (pg?.code === "P0002" && pg.hint === "not_found") return new DomainError("not_found", "That workspace does not exist any more.");
  if (pg?.code === "55000" && pg.hint) return new DomainError(pg.hint, String(pg.message));
  return error;
}

/**
 * Suspending a workspace and lifting a suspension: the platform's decision
 * (seed 001's block/unblock), made here by an operator command on the owner's
 * connection (`npm run tenants`), and by platform administrators in /admin
 * (lib/platform/admin.ts) — both run the same step in the database,
 * app_private.tenant_set_blocked. Every member loses access at their next
 * request (app_enter checks the status before anything else). Each change is
 * audited in the workspace's log; here with no actor (the operator).
 */
export async function setTenantBlocked(client: pg.ClientBase, slug: string, blocked: boolean, reason?: string): Promise<{ id: string; name: string }> {
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ id: string }>("SELECT id FROM tenants WHERE slug = $1", [slug.trim().toLowerCase()]);
    const tenant = rows[0];
    if (!tenant) throw new DomainError("not_found", `No workspace has the slug ${slug}.`);
    const named = await client
      .query<{ name: string }>("SELECT app_private.tenant_set_blocked($1, $2, $3, NULL, NULL, 'operator') AS name", [tenant.id, blocked, reason ?? null])
      .catch((error: unknown) => {
        throw lifecycleRefusal(error);
      });
    await client.query("COMMIT");
    return { id: tenant.id, name: named.rows[0]!.name };
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}
