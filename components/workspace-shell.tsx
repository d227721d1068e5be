import type { ReactNode } from "react";
import { signOutAction } from "@/app/app/actions";
import { AppDrawer } from "@/components/app-drawer";
import { LostWorkspaceNotice } from "@/components/lost-workspace-notice";
import { DelegationBanner } from "@/components/hierarchy/delegation-banner";
import { SidebarNav } from "@/components/sidebar-nav";
import { TenantScope } from "@/components/tenant-scope";
import { Button } from "@/components/ui";
import { switcherList } from "@/components/switcher-list";
import { WorkspaceSwitcher } from "@/components/workspace-switcher";
import { logoUrl } from "@/lib/branding";
import { NAV_ENTRIES } from "@/lib/registry";
import { can, type TenantContext } from "@/lib/tenancy";

/** General settings' branding of the active workspace, from the memberships the request resolved (no query of its own). */
function activeBranding(ctx: TenantContext): { accent: string | null; logoUrl: string | null } {
  const active = ctx.memberships.find((m) => m.tenantId === ctx.tenantId);
  return { accent: active?.accent ?? null, logoUrl: active?.logoVersion ? logoUrl(ctx.tenantId, active.logoVersion) : null };
}

/** The main content's id, the skip link's target. */
const MAIN_ID = "main-content";

/** The sidebar's links: the core pages, then every module's registered page the role may see (lib/registry). */
function navItems(ctx: TenantContext) {
  return [
    { href: "/app/dashboard", label: "Dashboard" },
    { href: "/app/settings", label: "Members", exact: true },
    { href: "/app/settings/general", label: "General" },
    // Each registered module's pages (lib/registry), for the roles they are for; the audit log registers its own.
    ...NAV_ENTRIES.filter((entry) => can(ctx.role, entry.permission)).map(({ href, label }) => ({ href, label })),
    { href: "/app/hierarchy", label: "Workspaces" }, // hierarchy
  ];
}

/**
 * The signed-in app's frame: switcher, navigation, who is signed in. Each
 * page renders it with the context it resolved together with its data (one
 * transaction per view), rather than a layout resolving it again. Below
 * Tailwind's `lg` the sidebar is a drawer opened from a top bar (AppDrawer).
 * Its first focusable element is a "Skip to content" link, shown on focus,
 * that moves focus to the main content.
 */
export function WorkspaceShell({ ctx, children }: { ctx: TenantContext; children: ReactNode }) {
  const { workspaces, total, version } = switcherList(ctx.memberships);
  const sidebar = (
    <>
      <WorkspaceSwitcher
        key={version}
        current={{ id: ctx.tenant.id, name: ctx.tenant.name, role: ctx.role, ...activeBranding(ctx) }}
        workspaces={workspaces}
        total={total}
      />
      <SidebarNav items={navItems(ctx)} />
      <div className="mt-auto space-y-2 border-t border-zinc-200 pt-4">
        <a href="/app/trash" className="block text-xs text-zinc-500 hover:underline">
          Trash
        </a>
        <a href="/app/profile" className="block text-xs text-zinc-500 hover:underline" data-testid="profile-link">
          Your profile
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
    </>
  );
  return (
    <TenantScope tenantId={ctx.tenantId}>
      {/* The first thing Tab reaches: past the sidebar (or the phone's menu button) to the page itself. */}
      <a
        href={`#${MAIN_ID}`}
        className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-zinc-900 shadow-md ring-2 ring-zinc-900 focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
        data-testid="skip-link"
      >
        Skip to content
      </a>
      {/* A switch of workspace remounts the drawer, closed. */}
      <AppDrawer key={ctx.tenantId} title={ctx.tenant.name}>
        {sidebar}
      </AppDrawer>
      <div className="flex min-h-screen">
        <aside className="hidden w-64 shrink-0 flex-col gap-6 border-r border-zinc-200 bg-zinc-100/60 p-4 lg:flex">{sidebar}</aside>
        {/* tabIndex -1: the skip link's target takes focus, so the next Tab goes on from the content. */}
        <main id={MAIN_ID} tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 outline-none sm:px-6 lg:px-8 lg:py-8">
          <LostWorkspaceNotice
            userId={ctx.userId}
            current={{ id: ctx.tenant.id, name: ctx.tenant.name, via: ctx.delegation?.viaTenantName }}
            memberships={ctx.memberships} className="mb-6" />
          <DelegationBanner ctx={ctx} />
          {children}
        </main>
      </div>
    </TenantScope>
  );
}
