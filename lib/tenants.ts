import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import type { Membership, RequestInfo, SignedInUser } from "@/lib/tenancy/resolve";
import { enterTenant, withTenant, withUser } from "@/lib/tenancy/with-tenant";

export const TENANT_NAME_MAX = 80;
export const SLUG_MIN = 3;
export const SLUG_MAX = 48;

export const tenantNameSchema = z
  .string({ error: "Enter a workspace name." })
  .trim()
  .min(1, "Enter a workspace name.")
  .max(TENANT_NAME_MAX, `Keep the name to ${TENANT_NAME_MAX} characters or fewer.`);

export const slugSchema = z
  .string({ error: "Enter a URL slug." })
  .trim()
  .min(SLUG_MIN, `The slug needs at least ${SLUG_MIN} characters.`)
  .max(SLUG_MAX, `Keep the slug to ${SLUG_MAX} characters or fewer.`)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens, with no hyphen at either end.");

export const tenantIdSchema = z.uuid({ error: "That workspace does not exist." });

/** A slug suggestion for a name: "Acme Production!" → "acme-production". */
export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/g, "");
  return base.length >= SLUG_MIN ? base : `${base}${base ? "-" : ""}workspace`.slice(0, SLUG_MAX);
}

export const createTenantSchema = z
  .object({ name: tenantNameSchema, slug: z.string().trim().toLowerCase().optional() })
  .transform((v) => ({ name: v.name, slug: v.slug || slugify(v.name) }))
  .pipe(z.object({ name: z.string(), slug: slugSchema }));

export type CreateTenantInput = z.output<typeof createTenantSchema>;

/** Creates a workspace and makes its creator the owner, audited, in one transaction. */
export async function createTenant(user: SignedInUser, input: CreateTenantInput, request?: RequestInfo) {
  const id = randomUUID();
  try {
    await withTenant({ tenantId: id, userId: user.id }, async (tx) => {
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
    await enterTenant(tx, tenantId);
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
