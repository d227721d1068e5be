import type { ReactNode } from "react";
import { signOutAction } from "@/app/app/actions";
import { DelegationBanner } from "@/components/hierarchy/delegation-banner";
import { SidebarNav } from "@/components/sidebar-nav";
import { TenantScope } from "@/components/tenant-scope";
import { Button } from "@/components/ui";
import { WorkspaceSwitcher } from "@/components/workspace-switcher";
import { logoUrl } from "@/lib/branding";
import { can, type TenantContext } from "@/lib/tenancy";

/** General settings' branding of the active workspace, from the memberships the request resolved (no query of its own). */
function activeBranding(ctx: TenantContext): { accent: string | null; logoUrl: string | null } {
  const active = ctx.memberships.find((m) => m.tenantId === ctx.tenantId);
  return { accent: active?.accent ?? null, logoUrl: active?.logoVersion ? logoUrl(ctx.tenantId, active.logoVersion) : null };
}

/**
 * The signed-in app's frame: switcher, navigation, who is signed in. Each
 * page renders it with the context it resolved together with its data (one
 * transaction per view), rather than a layout resolving it again.
 */
export function WorkspaceShell({ ctx, children }: { ctx: TenantContext; children: ReactNode }) {
  const nav = [
    { href: "/app/dashboard", label: "Dashboard" },
    { href: "/app/settings", label: "Members", exact: true },
    { href: "/app/settings/general", label: "General" },
    ...(can(ctx.role, "audit.read") ? [{ href: "/app/audit", label: "Audit log" }] : []),
    { href: "/app/hierarchy", label: "Workspaces" }, // hierarchy
  ];
  return (
    <TenantScope tenantId={ctx.tenantId}>
      <div className="flex min-h-screen">
        <aside className="flex w-64 shrink-0 flex-col gap-6 border-r border-zinc-200 bg-zinc-100/60 p-4">
          <WorkspaceSwitcher
            current={{ id: ctx.tenant.id, name: ctx.tenant.name, role: ctx.role, ...activeBranding(ctx) }}
            workspaces={ctx.memberships.map((m) => ({ id: m.tenantId, name: m.tenantName, role: m.role, parentId: m.parentId, delegate: Boolean(m.delegatedVia) }))}
          />
          <SidebarNav items={nav} />
          <div className="mt-auto space-y-2 border-t border-zinc-200 pt-4">
            <a href="/app/trash" className="block text-xs text-zinc-500 hover:underline">
              Trash
            </a>
            <p className="truncate text-xs text-zinc-500" title={ctx.user.email} data-testid="signed-in-as">
              {ctx.user.email}
            </p>
            <form action={signOutAction}>
              <Button type="submit" variant="ghost" size="sm" className="w-full justify-start">
                Sign out
              </Button>
            </form>
          </div>
        </aside>
        <main className="min-w-0 flex-1 px-8 py-8">
          <DelegationBanner ctx={ctx} />
          {children}
        </main>
      </div>
    </TenantScope>
  );
}
