import "server-only";
import { randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { enteredTenant, sql, type Read } from "@/lib/db";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import type { CreateTenantInput } from "@/lib/validation";
import { withNewTenant, withTenant, type Actor, type Membership } from "@/lib/tenancy";

/** Creates a workspace and makes its creator the owner, audited, in one transaction. */
export async function createTenant(actor: Actor, input: CreateTenantInput) {
  const id = randomUUID();
  try {
    await withNewTenant(actor.credential, id, async (tx) => {
      await tx.exec(sql`INSERT INTO tenants (id, name, slug) VALUES (${id}::uuid, ${input.name}, ${input.slug})`);
      await tx.exec(sql`INSERT INTO tenant_members (tenant_id, user_id, role) VALUES (${id}::uuid, ${actor.user.id}::uuid, 'owner')`);
      await recordAudit(tx, {
        tenantId: id,
        actor: actor.user,
        action: "tenant.create",
        target: { type: "tenant", id },
        metadata: { name: input.name, slug: input.slug },
        request: actor.request,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, "tenants_slug_key")) {
      throw new DomainError("slug_taken", `The slug “${input.slug}” is already taken. Choose another.`, "slug");
    }
    throw error;
  }
  return { id, slug: input.slug };
}

/**
 * Enters the tenant (which re-verifies that the user is an active member of
 * an active workspace), records the switch in its audit log, and — when
 * asked — remembers it as the user's default for future sign-ins.
 */
export async function switchTenant(actor: Actor, tenantId: string, options: { remember: boolean }): Promise<Membership> {
  return withTenant({ tenantId, userId: actor.user.id, credential: actor.credential }, async (tx, role) => {
    const tenant = await tx.one<{ name: string; slug: string; accent: string | null; logo_version: string | null }>(sql`
      SELECT t.name, t.slug, t.accent_color AS accent, left(l.sha256, 16) AS logo_version
        FROM tenants t LEFT JOIN tenant_logos l ON l.tenant_id = t.id WHERE t.id = ${tenantId}::uuid`);
    if (!tenant) throw new DomainError("not_member", "You are not a member of that workspace.");
    await recordAudit(tx, {
      tenantId,
      actor: actor.user,
      action: "tenant.switch",
      target: { type: "tenant", id: tenantId },
      metadata: { remembered: options.remember },
      request: actor.request,
    });
    if (options.remember) {
      await tx.exec(sql`UPDATE users SET last_tenant_id = ${tenantId}::uuid WHERE id = ${actor.user.id}::uuid`);
    }
    return {
      tenantId,
      tenantName: tenant.name,
      tenantSlug: tenant.slug,
      role,
      status: "active",
      accent: tenant.accent,
      logoVersion: tenant.logo_version,
    };
  });
}

export interface WorkspaceOverview {
  createdAt: Date;
  memberCount: number;
  pendingInvitations: number;
}

/**
 * The dashboard's figures, in one statement of the workspace the page's
 * transaction entered: a Read the page sends with its entry.
 */
export const workspaceOverview: Read<WorkspaceOverview, { created_at: Date; members: number; pending: number }> = {
  statement: sql`
    SELECT t.created_at,
           (SELECT count(*)::int FROM tenant_members m WHERE m.tenant_id = t.id) AS members,
           (SELECT count(*)::int FROM tenant_invitations i
             WHERE i.tenant_id = t.id AND i.status = 'pending' AND i.expires_at > now()) AS pending
      FROM tenants t WHERE t.id = ${enteredTenant}`,
  result([row]) {
    if (!row) throw new DomainError("not_member", "You are not a member of that workspace.");
    return { createdAt: row.created_at, memberCount: row.members, pendingInvitations: row.pending };
  },
};
