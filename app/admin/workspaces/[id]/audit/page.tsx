import Link from "next/link";
import { cookies } from "next/headers";
import { AuditFiltersForm } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { AdminShell, CrossViewBanner } from "@/components/platform/admin-shell";
import { Alert, Card, buttonClass } from "@/components/ui";
import { AUDIT_ACTIONS, EMPTY_FILTERS, auditActionLabel, auditEventView, decodeCursor, encodeCursor, filtersToSearchParams, readAuditFilters } from "@/lib/audit";
import { DomainError } from "@/lib/errors";
import { workspaceAudit } from "@/lib/platform/admin";
import { platformPage } from "@/lib/platform/guard";
import { WorkspaceGoneError } from "@/lib/tenancy";
import { TIME_ZONE_COOKIE, viewerTimeZone } from "@/lib/time-zone";
import { orGone, WorkspaceGone } from "../workspace-gone";

// No title of its own: a 404 to anyone else must not name the console (the metadata is rendered with it).

type Search = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * A workspace's audit log with the audit page's filters and pages, read-only:
 * a cross-view visit ("audit"), which the page itself lists among the events.
 */
export default async function AdminWorkspaceAuditPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Search }) {
  const { id } = await params;
  const raw = await searchParams;
  const parsed = await readAuditFilters(raw);
  const filters = parsed.ok ? parsed.filters : EMPTY_FILTERS;
  let position: { after?: ReturnType<typeof decodeCursor>; before?: ReturnType<typeof decodeCursor> } = {};
  let error = parsed.ok ? null : parsed.error;
  try {
    position = { after: first(raw.after) ? decodeCursor(first(raw.after)) : undefined, before: first(raw.before) ? decodeCursor(first(raw.before)) : undefined };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e.message;
  }
  const read = await platformPage((credential, request) => orGone(workspaceAudit(credential, id, filters, position, request)));
  if (read instanceof WorkspaceGoneError) return <WorkspaceGone gone={read} />;
  const { visit, page } = read;
  const timeZone = viewerTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value);
  const base = `/admin/workspaces/${id}/audit`;
  const withParams = (extra: Record<string, string>) => {
    const p = new URLSearchParams(filtersToSearchParams(filters));
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return `${base}?${p.toString()}`;
  };
  return (
    <>
      <CrossViewBanner tenantName={visit.tenant.name} />
      <AdminShell adminEmail={visit.admin.email}>
        <div>
          <Link href={`/admin/workspaces/${id}`} className="text-sm text-zinc-600 underline">
            ← {visit.tenant.name}
          </Link>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">Audit log</h1>
        </div>
        <AuditFiltersForm
          basePath={base}
          actions={AUDIT_ACTIONS.map((value) => ({ value, label: auditActionLabel(value) }))}
          values={{ actions: list(raw.action), actor: first(raw.actor), target: first(raw.target), from: first(raw.from), to: first(raw.to), q: first(raw.q).slice(0, 300) }}
        />
        {error ? <Alert variant="error">{error} The newest events are shown instead.</Alert> : null}
        {page.events.length === 0 ? (
          <Card className="p-8 text-center text-sm text-zinc-600">No events match these filters.</Card>
        ) : (
          <AuditTable
            timeZone={timeZone}
            basePath={base}
            events={page.events.map(auditEventView)}
          />
        )}
        <nav className="flex gap-2 text-sm" aria-label="Audit log pages">
          {page.newer ? (
            <Link href={withParams({ before: encodeCursor(page.newer) })} className={buttonClass("secondary", "sm")} rel="prev">
              ← Newer
            </Link>
          ) : null}
          {page.older ? (
            <Link href={withParams({ after: encodeCursor(page.older) })} className={buttonClass("secondary", "sm")} rel="next">
              Older →
            </Link>
          ) : null}
        </nav>
      </AdminShell>
    </>
  );
}
