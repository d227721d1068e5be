import type { TenantContext } from "@/lib/tenancy";

/** Shown on every page of a workspace the user is in as a delegate of an ancestor, not as a member. */
export function DelegationBanner({ ctx }: { ctx: Pick<TenantContext, "delegation" | "role" | "tenant"> }) {
  if (!ctx.delegation) return null;
  return (
    <div role="status" data-testid="delegation-banner" className="mb-6 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      You are in <strong>{ctx.tenant.name}</strong> as a delegate of <strong>{ctx.delegation.viaTenantName}</strong>, with the role{" "}
      <strong data-testid="delegation-role">{ctx.role}</strong>. What you do here is recorded in both workspaces&apos; audit logs.
    </div>
  );
}
