import "server-only";
import type { Role } from "./permissions";
import { withUser } from "./with-tenant";

export interface Membership {
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  role: Role;
}

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
}

/** A verified membership: the user, the active tenant, their role in it. */
export interface TenantContext {
  userId: string;
  user: SignedInUser;
  tenantId: string;
  tenant: { id: string; name: string; slug: string };
  role: Role;
  memberships: Membership[];
  request: RequestInfo;
  /** Where the active tenant came from; "cookie" means the cookie was valid. */
  source: "cookie" | "remembered" | "first";
}

export type TenantResolution =
  | { kind: "signed-out" }
  | { kind: "inactive" }
  | { kind: "no-tenant"; user: SignedInUser; request: RequestInfo }
  | ({ kind: "tenant" } & TenantContext);

/**
 * Picks the active tenant: the cookie's when the user is a member of it, else
 * the remembered last tenant, else the first membership. A foreign, stale or
 * malformed cookie never selects anything by itself.
 */
export function chooseMembership(
  memberships: Membership[],
  cookieTenantId: string | undefined,
  lastTenantId: string | null,
): { membership: Membership; source: TenantContext["source"] } | null {
  const byId = (id: string | null | undefined) => (id ? memberships.find((m) => m.tenantId === id) : undefined);
  const fromCookie = byId(cookieTenantId);
  if (fromCookie) return { membership: fromCookie, source: "cookie" };
  const remembered = byId(lastTenantId);
  if (remembered) return { membership: remembered, source: "remembered" };
  const first = memberships[0];
  return first ? { membership: first, source: "first" } : null;
}

interface MembershipRow {
  email: string;
  name: string | null;
  active: boolean;
  last_tenant_id: string | null;
  tenant_id: string | null;
  tenant_name: string | null;
  tenant_slug: string | null;
  role: Role | null;
}

/**
 * The user and every active-tenant membership they hold, in one query (the
 * RLS policy lets a user read their own memberships), then the choice above.
 */
export async function resolveTenantContext(
  userId: string,
  cookieTenantId: string | undefined,
  request: RequestInfo = { ip: null, userAgent: null },
): Promise<Exclude<TenantResolution, { kind: "signed-out" }>> {
  const rows = await withUser(
    userId,
    (tx) => tx.$queryRaw<MembershipRow[]>`
      SELECT u.email, u.name, u.active, u.last_tenant_id,
             t.id AS tenant_id, t.name AS tenant_name, t.slug AS tenant_slug, m.role
        FROM users u
        LEFT JOIN tenant_members m ON m.user_id = u.id
        LEFT JOIN tenants t ON t.id = m.tenant_id AND t.status = 'active'
       WHERE u.id = ${userId}::uuid
       ORDER BY lower(t.name), t.id`,
  );
  const head = rows[0];
  if (!head || !head.active) return { kind: "inactive" };
  const user: SignedInUser = { id: userId, email: head.email, name: head.name };
  const memberships: Membership[] = rows
    .filter((r) => r.tenant_id && r.role)
    .map((r) => ({ tenantId: r.tenant_id!, tenantName: r.tenant_name!, tenantSlug: r.tenant_slug!, role: r.role! }));
  const chosen = chooseMembership(memberships, cookieTenantId, head.last_tenant_id);
  if (!chosen) return { kind: "no-tenant", user, request };
  const { membership, source } = chosen;
  return {
    kind: "tenant",
    userId,
    user,
    tenantId: membership.tenantId,
    tenant: { id: membership.tenantId, name: membership.tenantName, slug: membership.tenantSlug },
    role: membership.role,
    memberships,
    request,
    source,
  };
}
