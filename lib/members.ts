import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { Prisma, type Tx } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { ROLES, type Role } from "@/lib/tenancy/permissions";
import type { RequestInfo, TenantContext } from "@/lib/tenancy/resolve";
import { lockTenant, withTenant, type TenantScope } from "@/lib/tenancy/with-tenant";
import { uuidSchema } from "@/lib/validation";

export type MemberActor = Pick<TenantContext, "tenantId" | "userId" | "user"> & { request?: RequestInfo };

export const MEMBER_SORTS = ["name", "email", "role", "joined"] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];
export const MEMBERS_PAGE_SIZE = 20;

export const memberListQuerySchema = z.object({
  q: z.string().trim().max(200).catch(""),
  sort: z.enum(MEMBER_SORTS).catch("joined"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type MemberListQuery = z.output<typeof memberListQuerySchema>;

export const memberTargetSchema = z.object({ userId: uuidSchema("That member does not exist.") });
export const changeRoleSchema = memberTargetSchema.extend({
  role: z.enum(ROLES, { error: "Choose a role: owner, admin, auditor or member." }),
});

export interface MemberRow {
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  joinedAt: Date;
}

export interface PendingInvitationRow {
  id: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
}

export interface MembersPage {
  members: MemberRow[];
  total: number;
  page: number;
  pageSize: number;
  invitations: PendingInvitationRow[];
  ownerCount: number;
}

const ORDER: Record<MemberSort, Prisma.Sql> = {
  name: Prisma.sql`lower(coalesce(u.name, u.email))`,
  email: Prisma.sql`u.email`,
  role: Prisma.sql`m.role`,
  joined: Prisma.sql`m.created_at`,
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of members (searched by name or email, sorted), the pending invitations and the owner count, in one transaction. */
export async function getMembersPage(scope: TenantScope, query: MemberListQuery): Promise<MembersPage> {
  const offset = (query.page - 1) * MEMBERS_PAGE_SIZE;
  const pattern = `%${escapeLike(query.q)}%`;
  const direction = query.dir === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  return withTenant(scope, async (tx) => {
    const members = await tx.$queryRaw<Array<{ user_id: string; name: string | null; email: string; role: Role; created_at: Date; total: number }>>`
      SELECT m.user_id, u.name, u.email, m.role, m.created_at, count(*) OVER ()::int AS total
        FROM tenant_members m JOIN users u ON u.id = m.user_id
       WHERE m.tenant_id = ${scope.tenantId}::uuid
         AND (${query.q} = '' OR u.email ILIKE ${pattern} OR u.name ILIKE ${pattern})
       ORDER BY ${ORDER[query.sort]} ${direction}, u.email ASC
       LIMIT ${MEMBERS_PAGE_SIZE} OFFSET ${offset}`;
    const invitations = await tx.$queryRaw<Array<{ id: string; email: string; role: Role; inviter: string | null; created_at: Date; expires_at: Date; expired: boolean }>>`
      SELECT i.id, i.email, i.role, coalesce(u.name, u.email) AS inviter, i.created_at, i.expires_at, i.expires_at <= now() AS expired
        FROM tenant_invitations i LEFT JOIN users u ON u.id = i.invited_by
       WHERE i.tenant_id = ${scope.tenantId}::uuid AND i.status = 'pending'
       ORDER BY i.created_at DESC`;
    const owners = await tx.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM tenant_members WHERE tenant_id = ${scope.tenantId}::uuid AND role = 'owner'`;
    let total = members[0]?.total ?? 0;
    if (members.length === 0 && offset > 0) {
      const counted = await tx.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM tenant_members m JOIN users u ON u.id = m.user_id
         WHERE m.tenant_id = ${scope.tenantId}::uuid AND (${query.q} = '' OR u.email ILIKE ${pattern} OR u.name ILIKE ${pattern})`;
      total = counted[0]?.n ?? 0;
    }
    return {
      members: members.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, role: r.role, joinedAt: r.created_at })),
      total,
      page: query.page,
      pageSize: MEMBERS_PAGE_SIZE,
      invitations: invitations.map((r) => ({
        id: r.id,
        email: r.email,
        role: r.role,
        invitedBy: r.inviter,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        expired: r.expired,
      })),
      ownerCount: owners[0]?.n ?? 0,
    };
  });
}

interface Membership {
  role: Role;
  email: string;
  name: string | null;
}

async function membership(tx: Tx, tenantId: string, userId: string): Promise<Membership | null> {
  const rows = await tx.$queryRaw<Membership[]>`
    SELECT m.role, u.email, u.name FROM tenant_members m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = ${tenantId}::uuid AND m.user_id = ${userId}::uuid`;
  return rows[0] ?? null;
}

/** The actor's role now, under the tenant lock — not the one their request started with. */
async function currentRole(tx: Tx, actor: MemberActor): Promise<Role> {
  const me = await membership(tx, actor.tenantId, actor.userId);
  if (!me || (me.role !== "owner" && me.role !== "admin")) {
    throw new DomainError("forbidden", "Your role in this workspace no longer allows that. Reload the page.");
  }
  return me.role;
}

async function otherActiveOwners(tx: Tx, tenantId: string, exceptUserId: string): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM tenant_members m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = ${tenantId}::uuid AND m.role = 'owner' AND u.active AND m.user_id <> ${exceptUserId}::uuid`;
  return rows[0]?.n ?? 0;
}

const describe = (m: Membership) => m.name || m.email;

/**
 * Changes a member's role. Owners and admins may; only an owner may change
 * an owner's role or make someone an owner; a workspace always keeps an
 * active owner.
 */
export async function changeMemberRole(actor: MemberActor, userId: string, role: Role): Promise<{ from: Role; to: Role }> {
  return withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const actorRole = await currentRole(tx, actor);
    const target = await membership(tx, actor.tenantId, userId);
    if (!target) throw new DomainError("not_found", "That person is no longer a member of this workspace.");
    if (target.role === role) throw new DomainError("no_change", `${describe(target)} is already ${role === "admin" || role === "auditor" || role === "owner" ? "an" : "a"} ${role}.`);
    if (role === "owner" && actorRole !== "owner") throw new DomainError("forbidden", "Only an owner can make someone an owner.");
    if (target.role === "owner" && actorRole !== "owner") throw new DomainError("forbidden", "Only an owner can change an owner's role.");
    if (target.role === "owner" && (await otherActiveOwners(tx, actor.tenantId, userId)) === 0) {
      throw new DomainError("last_owner", `${describe(target)} is the last owner. Make someone else an owner first.`);
    }
    const updated = await tx.tenantMember.updateMany({ where: { tenantId: actor.tenantId, userId }, data: { role } });
    if (updated.count !== 1) throw new DomainError("forbidden", "Your role in this workspace does not allow that.");
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.role.change",
      target: { type: "user", id: userId },
      metadata: { email: target.email, from: target.role, to: role },
      request: actor.request,
    });
    return { from: target.role, to: role };
  });
}

/**
 * Removes someone else from the workspace; their next request is refused.
 * Removing oneself is "leave". Admins cannot remove owners; the last owner
 * cannot be removed.
 */
export async function removeMember(actor: MemberActor, userId: string): Promise<{ email: string }> {
  if (userId === actor.userId) {
    throw new DomainError("self_removal", "You cannot remove yourself. To go, use “Leave workspace” instead.");
  }
  return withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const actorRole = await currentRole(tx, actor);
    const target = await membership(tx, actor.tenantId, userId);
    if (!target) throw new DomainError("not_found", "That person is no longer a member of this workspace.");
    if (target.role === "owner" && actorRole !== "owner") throw new DomainError("forbidden", "Only an owner can remove an owner.");
    if (target.role === "owner" && (await otherActiveOwners(tx, actor.tenantId, userId)) === 0) {
      throw new DomainError("last_owner", `${describe(target)} is the last owner and cannot be removed.`);
    }
    const removed = await tx.tenantMember.deleteMany({ where: { tenantId: actor.tenantId, userId } });
    if (removed.count !== 1) throw new DomainError("forbidden", "Your role in this workspace does not allow that.");
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.remove",
      target: { type: "user", id: userId },
      metadata: { email: target.email, role: target.role },
      request: actor.request,
    });
    return { email: target.email };
  });
}

/** Leaves the workspace, whatever one's role — unless one is its last owner. */
export async function leaveTenant(actor: MemberActor): Promise<void> {
  await withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const me = await membership(tx, actor.tenantId, actor.userId);
    if (!me) throw new DomainError("not_found", "You are no longer a member of this workspace.");
    if (me.role === "owner" && (await otherActiveOwners(tx, actor.tenantId, actor.userId)) === 0) {
      throw new DomainError("last_owner", "You are the last owner. Make someone else an owner before you leave.");
    }
    // Audited first: the log accepts rows only from the tenant's members.
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.leave",
      target: { type: "user", id: actor.userId },
      metadata: { role: me.role },
      request: actor.request,
    });
    await tx.tenantMember.deleteMany({ where: { tenantId: actor.tenantId, userId: actor.userId } });
    await tx.user.updateMany({ where: { id: actor.userId, lastTenantId: actor.tenantId }, data: { lastTenantId: null } });
  });
}
