import "server-only";
import type pg from "pg";
import { DomainError } from "@/lib/errors";

/**
 * Operator commands on user accounts. They act across every workspace a user
 * belongs to, so they run on the owner's connection (`npm run users`), never
 * on a request path.
 */

export interface DeactivationResult {
  userId: string;
  email: string;
  sessionsEnded: number;
}

/**
 * Deactivates a user: they are signed out everywhere at once (the database
 * deletes their sessions when `active` turns false) and can no longer sign
 * in. Refused while they are the last active owner of any workspace — a
 * workspace is never left without an owner.
 */
export async function deactivateUser(client: pg.ClientBase, email: string): Promise<DeactivationResult> {
  await client.query("BEGIN");
  try {
    const user = await client.query<{ id: string; active: boolean }>(
      "SELECT id, active FROM users WHERE email = lower($1) FOR UPDATE",
      [email.trim()],
    );
    const row = user.rows[0];
    if (!row) throw new DomainError("user_not_found", `No user has the email ${email}.`);
    if (!row.active) throw new DomainError("already_inactive", `${email} is already deactivated.`);
    // The same per-tenant lock membership changes take, in a fixed order.
    await client.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('tenant:' || tenant_id::text, 0))
         FROM (SELECT tenant_id FROM tenant_members WHERE user_id = $1 AND role = 'owner' ORDER BY tenant_id) owned`,
      [row.id],
    );
    const orphaned = await client.query<{ name: string }>(
      `SELECT t.name FROM tenants t
         JOIN tenant_members m ON m.tenant_id = t.id AND m.user_id = $1 AND m.role = 'owner'
        WHERE t.status <> 'deleted'
          AND NOT EXISTS (SELECT 1 FROM tenant_members o JOIN users u ON u.id = o.user_id
                           WHERE o.tenant_id = t.id AND o.role = 'owner' AND o.user_id <> $1 AND u.active)
        ORDER BY t.name`,
      [row.id],
    );
    if (orphaned.rowCount) {
      throw new DomainError(
        "last_owner",
        `${email} is the last owner of ${orphaned.rows.map((r) => `“${r.name}”`).join(", ")}. Transfer ownership to someone else first (General → Transfer ownership).`,
      );
    }
    const sessions = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM sessions WHERE user_id = $1", [row.id]);
    await client.query("UPDATE users SET active = false WHERE id = $1", [row.id]);
    await client.query("COMMIT");
    return { userId: row.id, email: email.trim().toLowerCase(), sessionsEnded: sessions.rows[0]!.n };
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

export async function reactivateUser(client: Pick<pg.ClientBase, "query">, email: string): Promise<void> {
  const result = await client.query("UPDATE users SET active = true WHERE email = lower($1) AND NOT active", [email.trim()]);
  if (result.rowCount === 0) throw new DomainError("not_inactive", `No deactivated user has the email ${email}.`);
}

/**
 * Makes a user a platform administrator, or no longer one (seeds 001, 002):
 * only this operator command sets the flag — no page, action or API can, and
 * the app role may not even read it. Takes effect at the user's next request
 * (every /admin entry checks the flag in the database).
 */
export async function setPlatformAdmin(client: Pick<pg.ClientBase, "query">, email: string, admin: boolean): Promise<{ userId: string; changed: boolean }> {
  const found = await client.query<{ id: string; is_platform_admin: boolean }>("SELECT id, is_platform_admin FROM users WHERE email = lower($1)", [email.trim()]);
  const row = found.rows[0];
  if (!row) throw new DomainError("user_not_found", `No user has the email ${email}. They must sign in once first.`);
  if (row.is_platform_admin === admin) return { userId: row.id, changed: false };
  await client.query("UPDATE users SET is_platform_admin = $2 WHERE id = $1", [row.id, admin]);
  return { userId: row.id, changed: true };
}
