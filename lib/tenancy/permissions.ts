// The roles matrix: the single place that says who may do what. The UI (what
// is rendered), the server actions (what is allowed) and the RLS policies in
// prisma/migrations (what the database accepts) all follow this table.
import type { MemberRole } from "@/lib/generated/prisma/enums";
import { PERMISSIONS, PERMISSION_DEFINITIONS, type Permission } from "@/lib/registry";

export type Role = MemberRole;

export const ROLES = ["owner", "admin", "auditor", "member"] as const satisfies readonly Role[];

/** Roles an invitation or a role change may grant: owner is reached only by ownership transfer. */
export const INVITABLE_ROLES = ["admin", "auditor", "member"] as const satisfies readonly Role[];
export type InvitableRole = (typeof INVITABLE_ROLES)[number];

/**
 * Who may do what, collected from every module's definition (lib/registry):
 * each permission's roles. role_permissions in SQL holds the same rows.
 */
const MATRIX = Object.fromEntries(Object.entries(PERMISSION_DEFINITIONS).map(([p, d]) => [p, d.roles])) as Record<Permission, readonly Role[]>;

export type { Permission };
export { PERMISSIONS };

/** What each permission lets one do, as the dashboard lists it. */
export const PERMISSION_LABELS = Object.fromEntries(Object.entries(PERMISSION_DEFINITIONS).map(([p, d]) => [p, d.label])) as Record<Permission, string>;

/**
 * A permission this process's registry does not hold: checked by code the
 * running server did not start with — a resource `npm run new:resource`
 * generated while `npm run dev` was running (its routes are compiled on
 * demand, the registry was loaded at start). Restarting the server loads it.
 */
export class UnknownPermissionError extends Error {
  constructor(readonly permission: string) {
    super(
      `The permission "${permission}" is not in this server's registry (lib/registry): a module added since the server started is loaded only when it restarts — restart it.`,
    );
    this.name = "UnknownPermissionError";
  }
}

/** The roles allowed `permission`; an unknown permission is an error said (and logged) as such. */
function rolesFor(permission: Permission): readonly Role[] {
  const roles = Object.hasOwn(MATRIX, permission) ? MATRIX[permission] : undefined;
  if (roles) return roles;
  const error = new UnknownPermissionError(String(permission));
  console.error(`[permissions] ${error.message}`);
  throw error;
}

export function can(role: Role | null | undefined, permission: Permission): boolean {
  const roles = rolesFor(permission);
  if (!role) return false;
  return roles.includes(role);
}

/**
 * Whether one in the workspace as `here` says may do it: their role allows
 * it, and, when they are in it as a delegate of a parent workspace, the
 * permission is not one only members use (`delegates: false`, such as
 * creating API keys: a key works only in a workspace its user belongs to).
 */
export function allows(here: { role: Role | null | undefined; delegation: object | null }, permission: Permission): boolean {
  return can(here.role, permission) && !(here.delegation && PERMISSION_DEFINITIONS[permission].delegates === false);
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  auditor: "Auditor",
  member: "Member",
};
