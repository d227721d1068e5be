import "server-only";
import type pg from "pg";
import { DomainError } from "@/lib/errors";

/**
 * Suspending a workspace and lifting a suspension: the platform's decision
 * (seed 001's block/unblock), made here by an operator command on the owner's
 * connection (`npm run tenants`), never by the workspace's own members.
 * Every member loses access at their next request (app_enter checks the
 * status before anything else). Each change is audited in the workspace's
 * log, with no actor (the platform).
 */
export async function setTenantBlocked(client: pg.ClientBase, slug: string, blocked: boolean, reason?: string): Promise<{ id: string; name: string }> {
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ id: string; name: string; status: string }>(
      "SELECT id, name, status FROM tenants WHERE slug = $1 FOR UPDATE",
      [slug.trim().toLowerCase()],
    );
    const tenant = rows[0];
    if (!tenant) throw new DomainError("not_found", `No workspace has the slug ${slug}.`);
    if (tenant.status === "deleted") throw new DomainError("deleted", `“${tenant.name}” is deleted (in its owners' trash).`);
    if ((tenant.status === "blocked") === blocked) {
      throw new DomainError("no_change", `“${tenant.name}” is ${blocked ? "already suspended" : "not suspended"}.`);
    }
    await client.query(
      blocked
        ? "UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1"
        : "UPDATE tenants SET status = 'active', blocked_at = NULL WHERE id = $1",
      [tenant.id],
    );
    await client.query(
      `INSERT INTO audit_log (tenant_id, action, target_type, target_id, metadata)
       VALUES ($1::uuid, $2, 'tenant', $1::text, $3::jsonb)`,
      [tenant.id, blocked ? "tenant.block" : "tenant.unblock", JSON.stringify({ name: tenant.name, by: "operator", ...(reason ? { reason } : {}) })],
    );
    await client.query("COMMIT");
    return { id: tenant.id, name: tenant.name };
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}
