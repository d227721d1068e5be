"use client";

import { createContext, useContext, type ReactNode } from "react";
import { TENANT_FIELD } from "@/lib/tenancy/client";

const TenantScopeContext = createContext<string | null>(null);

/** Everything under it was rendered for this workspace; its forms say so. */
export function TenantScope({ tenantId, children }: { tenantId: string; children: ReactNode }) {
  return <TenantScopeContext.Provider value={tenantId}>{children}</TenantScopeContext.Provider>;
}

/**
 * The hidden field every tenant-scoped form carries: the workspace the page
 * was rendered for. tenantAction refuses the form if the request now acts in
 * another one (switched in another tab).
 */
export function TenantField() {
  const tenantId = useContext(TenantScopeContext);
  return tenantId ? <input type="hidden" name={TENANT_FIELD} value={tenantId} /> : null;
}
