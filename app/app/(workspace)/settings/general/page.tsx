import type { Metadata } from "next";
import { DeleteWorkspace } from "@/components/lifecycle/delete-workspace";
import { Card, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { PURGE_AFTER_DAYS } from "@/lib/retention";
import { can, requireTenant } from "@/lib/tenancy";

export const metadata: Metadata = { title: "General settings" };

export default async function GeneralSettingsPage() {
  const ctx = await requireTenant();
  const canDelete = can(ctx.role, "tenant.delete");
  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-8">
        <PageHeader title="General" description={`${ctx.tenant.name}'s name and address.`} />
        <Card className="p-5">
          <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
            <dt className="text-zinc-500">Name</dt>
            <dd data-testid="general-name">{ctx.tenant.name}</dd>
            <dt className="text-zinc-500">Slug</dt>
            <dd className="font-mono">{ctx.tenant.slug}</dd>
          </dl>
        </Card>
        {canDelete ? (
          <Card className="border-red-200 p-5">
            <h2 className="mb-3 text-sm font-semibold text-red-800">Danger zone</h2>
            <DeleteWorkspace workspaceName={ctx.tenant.name} purgeAfterDays={PURGE_AFTER_DAYS} />
          </Card>
        ) : null}
      </div>
    </WorkspaceShell>
  );
}
