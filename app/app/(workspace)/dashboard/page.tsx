import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { RESTORED_PARAM, RestoredNotice } from "@/components/lifecycle/restored-notice";
import { LEFT_PARAM, LeftWorkspaceNotice, leftWorkspace } from "@/components/members/left-workspace-notice";
import { PendingInvitations } from "@/components/pending-invitations";
import { Card, PageHeader, RoleBadge } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { PERMISSION_DEFINITIONS } from "@/lib/registry";
import { PERMISSIONS, PERMISSION_LABELS, allows, requireTenantWith } from "@/lib/tenancy";
import { dashboardRead } from "@/lib/invitations";

export const metadata: Metadata = { title: "Dashboard" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function DashboardPage({ searchParams }: { searchParams: Search }) {
  // The workspace's figures and the invitations for the viewer to other workspaces: one statement, with the entry.
  const { ctx, data } = await requireTenantWith(dashboardRead);
  const { overview, invitations } = data;
  const search = await searchParams;
  const left = leftWorkspace(search[LEFT_PARAM], ctx.userId);
  // What the role allows and the app has a page for: a permission whose feature has no page is not offered,
  // nor one a delegate may not use to one who entered as a delegate.
  const allowed = PERMISSIONS.flatMap((p) => {
    const { href } = PERMISSION_DEFINITIONS[p];
    return href && allows(ctx, p) ? [{ permission: p, href }] : [];
  });

  return (
    <WorkspaceShell ctx={ctx}>
      <LeftWorkspaceNotice name={left} className="mb-6" />
      <RestoredNotice restored={search[RESTORED_PARAM]} tenant={{ id: ctx.tenantId, name: ctx.tenant.name }} className="mb-6" />
      <PageHeader title={ctx.tenant.name} description={<>Workspace dashboard · created <LocalTime iso={overview.createdAt.toISOString()} dateOnly /></>} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Card className="p-5">
          <p className="text-xs font-medium text-zinc-500 uppercase">Your role</p>
          <p className="mt-2" data-testid="dashboard-role">
            <RoleBadge role={ctx.role} />
          </p>
        </Card>
        <Card className="p-5">
          <p className="text-xs font-medium text-zinc-500 uppercase">Members</p>
          <p className="mt-1 text-2xl font-semibold">{overview.memberCount}</p>
          <Link href="/app/settings" className="text-sm text-zinc-600 underline">
            View members
          </Link>
        </Card>
        <Card className="p-5">
          <p className="text-xs font-medium text-zinc-500 uppercase">Invitations sent, pending</p>
          <p className="mt-1 text-2xl font-semibold" data-testid="dashboard-invitations-sent">
            {overview.pendingInvitations}
          </p>
          <p className="text-sm text-zinc-600">from this workspace, not yet accepted</p>
        </Card>
      </div>
      <PendingInvitations
        heading="Invitations for you"
        invitations={invitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString() }))}
        className="mt-6"
      />
      <Card className="mt-6 p-5">
        <h2 className="text-sm font-semibold">Workspace</h2>
        <dl className="mt-3 grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
          <dt className="text-zinc-500">Name</dt>
          <dd data-testid="dashboard-workspace-name">{ctx.tenant.name}</dd>
          <dt className="text-zinc-500">Slug</dt>
          <dd className="font-mono">{ctx.tenant.slug}</dd>
        </dl>
        <h2 className="mt-6 text-sm font-semibold">What you can do here</h2>
        <ul className="mt-2 list-inside list-disc text-sm text-zinc-700" data-testid="dashboard-permissions">
          {allowed.map(({ permission, href }) => (
            <li key={permission}>
              <Link href={href} className="link-subtle">
                {PERMISSION_LABELS[permission]}
              </Link>
            </li>
          ))}
        </ul>
      </Card>
    </WorkspaceShell>
  );
}
