// The one door to tenant data for pages, actions and domain modules.
export { allows, can, ROLES, INVITABLE_ROLES, ROLE_LABELS, PERMISSIONS, PERMISSION_LABELS, type Permission, type Role, type InvitableRole } from "./permissions";
export {
  getTenantContext,
  getTenantContextWithData,
  getUserContextWithData,
  currentRequest,
  currentRequestInfo,
  resolveTenantContext,
  isSignedIn,
  type SignedInResolution,
  type Actor,
  type TenantActor,
  type Credential,
  type TenantContext,
  type TenantResolution,
  type Membership,
  type SignedInUser,
  type RequestInfo,
  type Delegation,
} from "./context";
export { withActAs, actAsTenantFromHeaders, actAsRefusal, ACT_AS_HEADER, type ActAsEntered } from "./act-as";
export {
  withTenant,
  withUser,
  withNewTenant,
  withDeletedTenant,
  withInvitationToken,
  withApiKey,
  type ApiKeyEntry,
  enterTenantToJoin,
  lockTenant,
  NOT_A_MEMBER,
  SUSPENDED,
  type TenantScope,
} from "./with-tenant";
export { tenantAction, userAction, publicAction, formAction, failureFrom, validationFailure, workspaceMismatch, signedOut, type ActionResult, type ActionState } from "./action";
export { SIGNED_OUT, SIGNED_OUT_CODE } from "./signed-out";
export { readForm, NOT_FORM_MESSAGE, type FormRead } from "./form";
export { requireTenant, requireTenantWith, requireUser, requireUserWith, type SignedInPage } from "./guards";
export { awaitingSecondFactor, SECOND_FACTOR_PATH } from "./second-factor";
export { SESSION_COOKIES, TENANT_COOKIE, tenantCookieOptions } from "./cookie";
export { TENANT_FIELD } from "./tenant-field";
export { seenWorkspace, seenWorkspaceVerdict, renewSeenWorkspace, forgetSeenWorkspace } from "./seen-notice";
export { lostWorkspaceSentence, type SeenWorkspaceVerdict } from "./seen-workspace";
export { sealLeftWorkspace, openLeftWorkspace } from "./left-workspace";
// Platform administrators (lib/platform): the console and cross-view entries.
export { withPlatformAdmin, withCrossView, PLATFORM_NOT_FOUND, WorkspaceGoneError, type CrossViewVisit } from "./platform-entry";
