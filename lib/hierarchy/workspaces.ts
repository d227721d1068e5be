import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { enteredTenant, sql, type Read, type Tx } from "@/lib/db";
import { DomainError, findPgError, isUniqueViolation, RELOAD_THE_PAGE } from "@/lib/errors";
import { withNewTenant, withTenant, type Membership, type TenantActor, type TenantContext } from "@/lib/tenancy";
import { createTenantSchema, type CreateTenantInput } from "@/lib/validation";

/** What a workspace's owners may grant the admins of its ancestors: a role (never owner), or none. */
export const DELEGATE_ROLES = ["admin", "auditor", "member"] as const;
export type DelegateRole = (typeof DELEGATE_ROLES)[number];
export const DELEGATION_CHOICES = [...DELEGATE_ROLES, "none"] as const;
export type DelegationChoice = (typeof DELEGATION_CHOICES)[number];

export const createChildSchema = createTenantSchema;
export const delegationSchema = z.object({
  delegateRole: z.enum(DELEGATION_CHOICES, { error: "Choose a role, or no delegated access." }),
});

/**
 * Creates a workspace under the active one (its parent): the creator becomes
 * its owner, and its tenant.create row is copied into the parent's log as
 * tenant.child.create by the database, in the same transaction. The database
 * admits the parent only for a live member holding tenant.children.manage
 * there; a delegate is not one (they belong to an ancestor, not to this
 * workspace).
 */
export async function createChildWorkspace(actor: TenantActor & Pick<TenantContext, "delegation">, input: CreateTenantInput) {
  if (actor.delegation) {
    throw new DomainError(
      "forbidden",
      `You are in ${actor.tenant.name} as a delegate of ${actor.delegation.viaTenantName}: create workspaces under it from ${actor.delegation.viaTenantName}, or ask its owners.`,
    );
  }
  const id = randomUUID();
  try {
    await withNewTenant(actor.credential, id, async (tx) => {
      await tx.exec(
        sql`INSERT INTO tenants (id, name, slug, parent_id) VALUES (${id}::uuid, ${input.name}, ${input.slug}, ${actor.tenantId}::uuid)`,
      );
      await tx.exec(sql`INSERT INTO tenant_members (tenant_id, user_id, role) VALUES (${id}::uuid, ${actor.user.id}::uuid, 'owner')`);
      await recordAudit(tx, {
        tenantId: id,
        actor: actor.user,
        action: "tenant.create",
        target: { type: "tenant", id },
        metadata: { name: input.name, slug: input.slug, parent_id: actor.tenantId, parent_name: actor.tenant.name },
        request: actor.request,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, "tenants_slug_key")) {
      throw new DomainError("slug_taken", `The slug “${input.slug}” is already taken. Choose another.`, "slug");
    }
    // The tenants insert policy: no longer a manager of this workspace (or it was suspended meanwhile).
    if (findPgError(error)?.code === "42501") {
      throw new DomainError("forbidden", `You can no longer create workspaces under ${actor.tenant.name}.`, undefined, RELOAD_THE_PAGE);
    }
    throw error;
  }
  return { id, slug: input.slug };
}

export interface HierarchyView {
  /** The workspace's own delegation policy (what its ancestors' admins get), or null with no parent. */
  delegateRole: DelegationChoice | null;
  hasParent: boolean;
  /** Direct children and all descendants, not those in the trash (0 for those who may not see them). */
  childCount: number;
  descendantCount: number;
  /** How many child workspaces the plan allows (null: no limit); the page says so before anyone fills in the form. */
  childLimit: number | null;
  /**
   * How many children count against that limit (not those in the trash, which
   * childCount includes): the page offers no form that can only be refused.
   * Null for those who may not see the children.
   */
  childrenInUse: number | null;
  /** The plan a child created now starts on (the default plan, app_default_plan_id: a creator does not choose it). */
  childPlan: string;
}

/** The hierarchy page's data: of the workspace the request entered, sent with its entry. */
export const hierarchyPage: Read<
  HierarchyView,
  {
    delegate_role: DelegateRole | null;
    parent_id: string | null;
    children: number;
    descendants: number;
    child_limit: number | null;
    children_in_use: number | null;
    child_plan: string;
  }
> = {
  statement: sql`
    SELECT t.delegate_role, t.parent_id, d.children, d.descendants,
           (SELECT p.child_workspaces FROM plans p WHERE p.id = t.plan_id) AS child_limit,
           (SELECT app_entered_plan_usage('child_workspaces'))::int AS children_in_use,
           (SELECT p.name FROM plans p WHERE p.id = app_default_plan_id()) AS child_plan
      FROM tenants t, app_entered_descendants() d WHERE t.id = ${enteredTenant}`,
  result([row]) {
    if (!row) throw new DomainError("not_member", "You are not a member of that workspace.");
    return {
      delegateRole: row.parent_id ? (row.delegate_role ?? "none") : null,
      hasParent: row.parent_id !== null,
      childCount: row.children,
      descendantCount: row.descendants,
      childLimit: row.child_limit,
      childrenInUse: row.children_in_use,
      childPlan: row.child_plan,
    };
  },
};

/** The child workspaces the request knows of (its entry lists them for the switcher), nearest first. */
export function childrenOf(memberships: Membership[], tenantId: string): Membership[] {
  return memberships.filter((m) => m.parentId === tenantId);
}

/** The owners of a workspace choose what its ancestors' admins get in it as delegates (audited). */
export async function setDelegation(actor: TenantActor, choice: DelegationChoice): Promise<{ changed: boolean }> {
  return withTenant(actor, async (tx) => {
    const current = await tx.one<{ delegate_role: DelegateRole | null }>(sql`SELECT delegate_role FROM tenants WHERE id = ${actor.tenantId}::uuid`);
    if (!current) throw new DomainError("not_member", "You are not a member of that workspace.");
    const from: DelegationChoice = current.delegate_role ?? "none";
    if (from === choice) return { changed: false };
    const updated = await tx.exec(
      sql`UPDATE tenants SET delegate_role = ${choice === "none" ? null : choice}::member_role WHERE id = ${actor.tenantId}::uuid`,
    );
    if (updated === 0) throw new DomainError("forbidden", "Only an owner of this workspace can change that.");
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "tenant.delegation.change",
      target: { type: "tenant", id: actor.tenantId },
      metadata: { from: from === "none" ? null : from, to: choice === "none" ? null : choice },
      request: actor.request,
    });
    return { changed: true };
  });
}

/** One workspace the switcher's search found below a workspace the user manages. */
export interface DescendantMatch {
  id: string;
  name: string;
  slug: string;
  /** The role a delegate gets there. */
  role: DelegateRole;
  parentId: string | null;
  viaId: string;
  viaName: string;
  depth: number;
}

export const DESCENDANT_SEARCH_LIMIT = 20;
export const descendantSearchSchema = z.object({
  q: z.string().trim().min(1, { error: "Type part of a workspace's name." }).max(100, { error: "Search with at most 100 characters." }),
});

/**
 * The switcher's search beyond the nearest 100 descendants it lists: the
 * workspaces below those the user manages that they could enter as a
 * delegate, whose name or slug contains `q`, nearest first (one indexed
 * query in the database, app_search_delegable_descendants, for the verified
 * user of `tx`'s context).
 */
export async function searchDescendants(tx: Tx, q: string, limit = DESCENDANT_SEARCH_LIMIT): Promise<DescendantMatch[]> {
  return tx.query<DescendantMatch>(sql`
    SELECT tenant_id AS id, tenant_name AS name, tenant_slug AS slug, role, parent_id AS "parentId",
           via_id AS "viaId", via_name AS "viaName", depth
      FROM app_search_delegable_descendants(${q}, ${limit}::int)`);
}
