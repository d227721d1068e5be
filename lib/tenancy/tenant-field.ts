// The hidden field that carries, in every tenant-scoped form, the workspace
// the page was rendered for (tenantAction compares it with the request's).
export const TENANT_FIELD = "_tenant";
