import type { Metadata } from "next";
import { ApiKeysTable, CreateApiKeyForm } from "@/components/api-keys/api-keys";
import { Card, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { apiKeysPageRead } from "@/lib/api-keys";
import { can, requireTenantWith } from "@/lib/tenancy";
import { upgradeAdvice } from "@/lib/billing/limits";
import { count } from "@/lib/registry/define";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const {
    ctx,
    data: { keys, keyLimit, keysInUse },
  } = await requireTenantWith(apiKeysPageRead());
  const managesAll = can(ctx.role, "apikeys.manage");
  // The plan limits the workspace's live keys, every member's: keysInUse counts them all, also those this
  // viewer cannot see. Whoever has a live key listed below may revoke it; a member whose colleagues' keys
  // fill the plan asks someone who can.
  const ownLive = keys.filter(
    (k) => k.status === "active" && k.ownerId === ctx.userId,
  ).length;
  const upgrade = upgradeAdvice(ctx.role);
  const inUse =
    keyLimit === 1
      ? "The 1 API key your plan allows is in use"
      : `All ${(keyLimit ?? 0).toLocaleString("en")} API keys your plan allows are in use`;
  // More live keys than the plan allows (its plan was changed to a smaller one): said as they are, as
  // General says the seats ("5 of 1 used"). None is removed; a new one is refused until fewer are in use.
  const toRevoke = keyLimit !== null && keysInUse > keyLimit ? keysInUse - keyLimit + 1 : 0;
  const over =
    toRevoke > 0
      ? `${count(keysInUse, "API key")} are in use, more than the ${(keyLimit ?? 0).toLocaleString("en")} your plan allows; they keep working, and no new one can be created. To create one, ${
          managesAll || ownLive >= toRevoke
            ? `revoke ${toRevoke.toLocaleString("en")} of them below`
            : `ask one of the workspace's owners or admins to revoke ${toRevoke.toLocaleString("en")} of them`
        }, or ${upgrade}.`
      : null;
  const unavailable =
    keyLimit === 0 ? (
      <p className="text-sm text-zinc-600" data-testid="api-keys-not-in-plan">
        Your plan does not include API keys. To create keys in {ctx.tenant.name}
        , {upgrade}.
      </p>
    ) : keyLimit !== null && keysInUse >= keyLimit ? (
      <p className="text-sm text-zinc-600" data-testid="api-keys-full">
        {over ??
          (managesAll || ownLive > 0
          ? `${inUse}. To create another, revoke one below, or ${upgrade}.`
          : `${inUse} by other members of ${ctx.tenant.name}. To create one, ask one of the workspace's owners or admins to revoke a key, or ${upgrade}.`)}
      </p>
    ) : null;
  const today = new Date();
  const max = new Date(today.getTime() + 365 * 86_400_000);
  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-8">
        <PageHeader
          title="API keys"
          description={
            <>
              Keys let scripts and the command line use the{" "}
              <a className="underline" href="/docs/api">
                REST API
              </a>{" "}
              as you, in {ctx.tenant.name} only. A key can do at most what your
              role allows, and a read-only key changes nothing.
            </>
          }
        />
        {ctx.delegation ? (
          // A key enters the workspace its user belongs to; a delegate reaches this one through the parent's.
          <Card className="p-5">
            <h2 className="mb-3 text-sm font-semibold">New key</h2>
            <p className="text-sm text-zinc-600" data-testid="api-keys-delegate">
              You are in {ctx.tenant.name} as a delegate of {ctx.delegation.viaTenantName}, and a key works only in a workspace its
              user belongs to. To use the API here, create a key in {ctx.delegation.viaTenantName} and send it with the header{" "}
              <code className="font-mono text-xs">X-Act-As-Tenant: {ctx.tenantId}</code> (
              <a className="underline" href="/docs/api">
                the API&apos;s documentation
              </a>{" "}
              says more).
            </p>
          </Card>
        ) : (
          <Card className="p-5">
            <h2 className="mb-3 text-sm font-semibold">New key</h2>
            {keyLimit !== null && keyLimit > 0 ? (
              <p
                className="-mt-2 mb-3 text-sm text-zinc-600"
                data-testid="api-keys-plan-limit"
              >
                Your plan allows {keyLimit.toLocaleString("en")} API key
                {keyLimit === 1 ? "" : "s"} in {ctx.tenant.name} at a time,
                counting every member&apos;s keys that are not revoked or expired.
              </p>
            ) : null}
            <CreateApiKeyForm
              minDate={today.toISOString().slice(0, 10)}
              maxDate={max.toISOString().slice(0, 10)}
              unavailable={unavailable}
            />
          </Card>
        )}
        <section className="space-y-3">
          <h2 className="text-sm font-semibold">
            {managesAll ? "Every key of this workspace" : "Your keys"}
          </h2>
          <ApiKeysTable
            showOwner={managesAll}
            viewerId={ctx.userId}
            keys={keys.map((k) => ({
              id: k.id,
              name: k.name,
              prefix: k.prefix,
              scope: k.scope,
              owner: k.ownerName
                ? `${k.ownerName} (${k.ownerEmail})`
                : k.ownerEmail,
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
