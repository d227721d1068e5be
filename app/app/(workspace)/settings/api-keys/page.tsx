import type { Metadata } from "next";
import { ApiKeysTable, CreateApiKeyForm } from "@/components/api-keys/api-keys";
import { Card, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { apiKeysRead } from "@/lib/api-keys";
import { can, requireTenantWith } from "@/lib/tenancy";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const { ctx, data } = await requireTenantWith(apiKeysRead());
  const managesAll = can(ctx.role, "apikeys.manage");
  const today = new Date();
  const max = new Date(today.getTime() + 365 * 86_400_000);
  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-8">
        <PageHeader
          title="API keys"
          description={
            <>
              Keys let scripts and the command line use the <a className="underline" href="/docs/api">REST API</a> as you, in{" "}
              {ctx.tenant.name} only. A key can do at most what your role allows, and a read-only key changes nothing.
            </>
          }
        />
        <Card className="p-5">
          <h2 className="mb-3 text-sm font-semibold">New key</h2>
          <CreateApiKeyForm minDate={today.toISOString().slice(0, 10)} maxDate={max.toISOString().slice(0, 10)} />
        </Card>
        <section className="space-y-3">
          <h2 className="text-sm font-semibold">{managesAll ? "Every key of this workspace" : "Your keys"}</h2>
          <ApiKeysTable
            showOwner={managesAll}
            viewerId={ctx.userId}
            keys={data.map((k) => ({
              id: k.id,
              name: k.name,
              prefix: k.prefix,
              scope: k.scope,
              owner: k.ownerName ? `${k.ownerName} (${k.ownerEmail})` : k.ownerEmail,
              ownerId: k.ownerId,
              createdAt: k.createdAt.toISOString(),
              expiresAt: k.expiresAt.toISOString(),
              lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
              lastUsedIp: k.lastUsedIp,
              status: k.status,
            }))}
          />
        </section>
      </div>
    </WorkspaceShell>
  );
}
