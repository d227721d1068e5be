// The one door to tenant data for pages and actions.
export { can, ROLES, INVITABLE_ROLES, ROLE_LABELS, PERMISSIONS, type Permission, type Role, type InvitableRole } from "./permissions";
export { getTenantContext, resolveTenantContext, chooseMembership, currentRequestInfo, type TenantContext, type TenantResolution, type Membership, type SignedInUser, type RequestInfo } from "./context";
export { withTenant, withUser, type TenantScope } from "./with-tenant";
export { tenantAction, userAction, failureFrom, validationFailure, formDataToObject, type ActionResult, type ActionState } from "./action";
export { requireTenant, requireUser } from "./guards";
export { TENANT_COOKIE, tenantCookieOptions } from "./cookie";
