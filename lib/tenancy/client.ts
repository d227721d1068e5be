// What client components may take from lib/tenancy: constants, the matrix and
// types — nothing that reaches the server's state. Server code imports
// "@/lib/tenancy"; nothing outside lib/tenancy imports its files directly.
export { TENANT_FIELD } from "./tenant-field";
export { can, ROLES, INVITABLE_ROLES, ROLE_LABELS, PERMISSIONS, PERMISSION_LABELS, type Permission, type Role, type InvitableRole } from "./permissions";
export type { ActionResult, ActionState } from "./action";
export { SIGNED_OUT, SIGNED_OUT_CODE, SIGNED_OUT_PARTS, signInAgainHref } from "./signed-out";
