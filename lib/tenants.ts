import "server-only";
import { randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import type { CreateTenantInput } from "@/lib/validation";
import type { Membership, RequestInfo, SignedInUser } from "@/lib/tenancy/resolve";
import { enterTenant, withNewTenant, withTenant, withUser, type TenantScope } from "@/lib/tenancy/with-tenant";

/** Creates a workspace and makes its creator the owner, audited, in one transaction. */
export async function createTenant(user: SignedInUser, input: CreateTenantInput, request?: RequestInfo) {
  const id = randomUUID();
  try {
    await withNewTenant({ tenantId: id, userId: user.id }, async (tx) => {
      // No RETURNING: the row is visible to its creator only once the
      // membership below exists.
      await tx.$executeRaw`INSERT INTO tenants (id, name, slug) VALUES (${id}::uuid, ${input.name}, ${input.slug})`;
      await tx.tenantMember.createMany({ data: { tenantId: id, userId: user.id, role: "owner" } });
      await recordAudit(tx, {
        tenantId: id,
        actor: user,
        action: "tenant.create",
        target: { type: "tenant", id },
        metadata: { name: input.name, slug: input.slug },
        request,
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
 * Re-verifies that the user belongs to the tenant (and that it is active),
 * records the switch in that tenant's audit log, and — when asked —
 * remembers it as the user's default for future sign-ins.
 */
export async function switchTenant(
  user: SignedInUser,
  tenantId: string,
  options: { remember: boolean; request?: RequestInfo },
): Promise<Membership> {
  return withUser(user.id, async (tx) => {
    const membership = await tx.tenantMember.findUnique({
      where: { tenantId_userId: { tenantId, userId: user.id } },
      select: { role: true, tenant: { select: { id: true, name: true, slug: true, status: true } } },
    });
    if (!membership || membership.tenant.status !== "active") {
      throw new DomainError("not_member", "You are not a member of that workspace.");
    }
    await enterTenant(tx, { tenantId, userId: user.id });
    await recordAudit(tx, {
      tenantId,
      actor: user,
      action: "tenant.switch",
      target: { type: "tenant", id: tenantId },
      metadata: { remembered: options.remember },
      request: options.request,
    });
    if (options.remember) {
      await tx.user.update({ where: { id: user.id }, data: { lastTenantId: tenantId }, select: { id: true } });
    }
    return {
      tenantId,
      tenantName: membership.tenant.name,
      tenantSlug: membership.tenant.slug,
      role: membership.role,
    };
  });
}

export interface WorkspaceOverview {
  createdAt: Date;
  memberCount: number;
  pendingInvitations: number;
}

/** The dashboard's figures, read in one statement inside the tenant's transaction. */
export async function getWorkspaceOverview(scope: TenantScope): Promise<WorkspaceOverview> {
  const rows = await withTenant(
    scope,
    (tx) => tx.$queryRaw<Array<{ created_at: Date; members: number; pending: number }>>`
      SELECT t.created_at,
             (SELECT count(*)::int FROM tenant_members m WHERE m.tenant_id = t.id) AS members,
             (SELECT count(*)::int FROM tenant_invitations i
               WHERE i.tenant_id = t.id AND i.status = 'pending' AND i.expires_at > now()) AS pending
        FROM tenants t WHERE t.id = ${scope.tenantId}::uuid`,
  );
  const row = rows[0];
  if (!row) throw new DomainError("not_member", "You are not a member of that workspace.");
  return { createdAt: row.created_at, memberCount: row.members, pendingInvitations: row.pending };
}
