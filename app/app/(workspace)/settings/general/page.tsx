import type { Metadata } from "next";
import type { ReactNode } from "react";
import { DeleteWorkspace } from "@/components/lifecycle/delete-workspace";
import { PermittedOnly } from "@/components/permitted-only";
import { BrandingForm, NameSlugForm, NotesForm } from "@/components/settings/general-settings-forms";
import { WorkspacePlanSummary } from "@/components/platform/workspace-plan";
import { Card, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { upgradeAdvice } from "@/lib/billing/limits";
import { formatBytes, logoUrl } from "@/lib/branding";
import { PURGE_AFTER_DAYS } from "@/lib/retention";
import { can, requireTenantWith } from "@/lib/tenancy";
import { generalSettingsPage, type LogoInfo } from "@/lib/workspace-settings";

export const metadata: Metadata = { title: "General settings" };

function Section({ title, description, children, testId }: { title: string; description?: string; children: ReactNode; testId: string }) {
  return (
    <Card className="p-5">
      <section aria-labelledby={`${testId}-title`} data-testid={testId}>
        <h2 id={`${testId}-title`} className="text-sm font-semibold">
          {title}
        </h2>
        {description ? <p className="mt-1 text-sm text-zinc-600">{description}</p> : null}
        <div className="mt-4">{children}</div>
      </section>
    </Card>
  );
}

function LogoPreview({ tenantId, logo, name }: { tenantId: string; logo: LogoInfo | null; name: string }) {
  if (!logo) return <p className="text-sm text-zinc-500">No logo: the sidebar shows the workspace’s initial.</p>;
  return (
    <div className="flex items-center gap-4">
      {/* Served by the app's own route to members only: next/image's optimiser would fetch it without the viewer's session. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img
        src={logoUrl(tenantId, logo.version)}
        alt={`${name}'s logo`}
        width={logo.width}
        height={logo.height}
        className="max-h-16 w-auto rounded border border-zinc-200 bg-white object-contain p-1"
        data-testid="settings-logo"
      />
      <p className="text-xs text-zinc-500">
        {logo.width} × {logo.height} px · {formatBytes(logo.bytes)}
      </p>
    </div>
  );
}

function AccentSwatch({ accent }: { accent: string | null }) {
  if (!accent) return <span className="text-zinc-500">None</span>;
  return (
    <span className="inline-flex items-center gap-2">
      <span className="inline-block size-4 rounded" style={{ backgroundColor: accent }} aria-hidden />
      <span className="font-mono">{accent}</span>
    </span>
  );
}

export default async function GeneralSettingsPage() {
  // One statement, sent with the entry: the whole transaction in one round trip.
  const { ctx, data } = await requireTenantWith(generalSettingsPage());
  const canRename = can(ctx.role, "tenant.rename");
  const canEdit = can(ctx.role, "tenant.settings");
  const canDelete = can(ctx.role, "tenant.delete");
  const readOnly = !canRename && !canEdit;
  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-8">
        <PageHeader
          title="General"
          description={readOnly ? `${data.name}'s name, slug and branding. Only an owner can change them.` : `${data.name}'s name, slug, branding and notes.`}
        />
        <Section title="Name and slug" testId="settings-name-slug">
          {canRename ? (
            <NameSlugForm name={data.name} slug={data.slug} />
          ) : (
            <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
              <dt className="text-zinc-500">Name</dt>
              <dd data-testid="general-name">{data.name}</dd>
              <dt className="text-zinc-500">Slug</dt>
              <dd className="font-mono" data-testid="general-slug">
                {data.slug}
              </dd>
            </dl>
          )}
        </Section>
        {data.plan ? (
          <Section title="Plan" description={`What the workspace's plan allows. For more, ${upgradeAdvice(ctx.role)}.`} testId="settings-plan">
            <WorkspacePlanSummary plan={data.plan} role={ctx.role} />
          </Section>
        ) : null}
        <Section title="Branding" description="The logo and accent colour shown in the sidebar and the workspace switcher." testId="settings-branding">
          <div className="space-y-4">
            <LogoPreview tenantId={ctx.tenantId} logo={data.logo} name={data.name} />
            {canEdit ? (
              <BrandingForm accent={data.accent} hasLogo={data.logo !== null} />
            ) : (
              <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
                <dt className="text-zinc-500">Accent colour</dt>
                <dd data-testid="general-accent">
                  <AccentSwatch accent={data.accent} />
                </dd>
              </dl>
            )}
          </div>
        </Section>
        {data.notes !== null ? (
          <Section title="Notes" description="Anything the workspace's owners and admins should know about it." testId="settings-notes">
            {canEdit ? (
              <NotesForm notes={data.notes} />
            ) : data.notes ? (
              <p className="text-sm whitespace-pre-wrap" data-testid="general-notes">
                {data.notes}
              </p>
            ) : (
              <p className="text-sm text-zinc-500">No notes.</p>
            )}
          </Section>
        ) : null}
        <Section title="API keys" description="Personal keys for scripts and the command line, to use the REST API as you." testId="settings-api-keys">
          <a href="/app/settings/api-keys" className="text-sm font-medium underline" data-testid="api-keys-link">
            Manage API keys
          </a>
        </Section>
        {can(ctx.role, "ownership.transfer") ? (
          <Section title="Ownership" description="Hand this workspace to another member, with their consent." testId="settings-ownership">
            <a href="/app/settings/transfer" className="text-sm font-medium underline">
              Transfer ownership
            </a>
          </Section>
        ) : null}
        {/* Without the permission, no danger zone; but a delete that found it gone (ownership lost in another tab) says so in its place. */}
        <PermittedOnly allowed={canDelete}>
          {canDelete ? (
            <Card className="border-red-200 p-5">
              <h2 className="mb-3 text-sm font-semibold text-red-800">Danger zone</h2>
              <DeleteWorkspace workspaceName={data.name} purgeAfterDays={PURGE_AFTER_DAYS} transferTo={data.transferTo} />
            </Card>
          ) : null}
        </PermittedOnly>
      </div>
    </WorkspaceShell>
  );
}
