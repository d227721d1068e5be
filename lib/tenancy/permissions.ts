// The roles matrix: the single place that says who may do what. The UI (what
// is rendered), the server actions (what is allowed) and the RLS policies in
// prisma/migrations (what the database accepts) all follow this table.
import type { MemberRole } from "@/lib/generated/prisma/enums";

export type Role = MemberRole;

export const ROLES = ["owner", "admin", "auditor", "member"] as const satisfies readonly Role[];

/** Roles an invitation may grant: owner is reached only by ownership transfer. */
export const INVITABLE_ROLES = ["admin", "auditor", "member"] as const satisfies readonly Role[];
export type InvitableRole = (typeof INVITABLE_ROLES)[number];

const MATRIX = {
  "dashboard.read": ["owner", "admin", "auditor", "member"],
  "members.read": ["owner", "admin", "auditor", "member"],
  "audit.read": ["owner", "admin", "auditor"],
  "audit.export": ["owner", "admin", "auditor"],
  "apikeys.manage": ["owner", "admin"],
  "members.manage": ["owner", "admin"],
  "tenant.rename": ["owner"],
  /** Branding (logo, accent colour) and notes. */
  "tenant.settings": ["owner"],
  /** The workspace's notes are for those who manage it. */
  "tenant.notes.read": ["owner", "admin"],
  "tenant.delete": ["owner"],
  "ownership.transfer": ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof MATRIX;

export const PERMISSIONS = Object.keys(MATRIX) as Permission[];

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (MATRIX[permission] as readonly Role[]).includes(role);
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  auditor: "Auditor",
  member: "Member",
};
