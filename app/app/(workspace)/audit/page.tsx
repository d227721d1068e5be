import type { Metadata } from "next";
import Link from "next/link";
import { AuditFiltersForm } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { Alert, Card, PageHeader, buttonClass } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import {
  AUDIT_ACTIONS,
  AUDIT_PAGE_SETTINGS,
  auditActionLabel,
  auditPageRead,
  decodeCursor,
  auditEventView,
  encodeCursor,
  filtersToSearchParams,
  readAuditFilters,
  type AuditCursor,
} from "@/lib/audit";
import { cookies } from "next/headers";
import { exportRefusalMessage } from "@/lib/audit/export-refusals";
import { DomainError } from "@/lib/errors";
import { count } from "@/lib/registry/define";
import { TIME_ZONE_COOKIE, viewerTimeZone } from "@/lib/time-zone";
import { can, requireTenantWith, TENANT_FIELD } from "@/lib/tenancy";

export const metadata: Metadata = { title: "Audit log" };

type Search = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export default async function AuditLogPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const parsed = await readAuditFilters(params);
  // Filter and cursor errors are shown, not thrown; without valid ones
  // nothing is read. The page's events, a search's too, are read in the
  // transaction that resolves the request, sent with its entry
  // (auditPageRead): the policies read nothing of the log for a role without
  // audit.read.
  let position: { after?: AuditCursor; before?: AuditCursor } = {};
  let error: string | null = parsed.ok ? null : parsed.error;
  try {
    const after = first(params.after);
    const before = first(params.before);
    position = { after: after ? decodeCursor(after) : undefined, before: before ? decodeCursor(before) : undefined };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error ??= e.message;
  }
  const { ctx, data: page } =
    !parsed.ok || error
      ? await requireTenantWith(async () => null, { oneStatement: true })
      : await requireTenantWith(auditPageRead(parsed.filters, position), { settings: AUDIT_PAGE_SETTINGS });
  // An export the browser was sent back from (the export route's refusal of a click on Export).
  const exportRefused = exportRefusalMessage(first(params.export_refused) || undefined, first(params.retry) || undefined, ctx.role);
  if (!can(ctx.role, "audit.read")) {
    // Also where an export clicked after one's role was lowered below auditor lands: it says why it did not start.
    return (
      <WorkspaceShell ctx={ctx}>
        <div className="space-y-5">
          {exportRefused ? <Alert variant="error">{exportRefused}</Alert> : null}
          <Card className="p-6">
            <h1 className="text-lg font-semibold">Audit log</h1>
            <p className="mt-2 text-sm text-zinc-600">
              Your role in this workspace does not include the audit log. Owners, admins and auditors can read it.
            </p>
          </Card>
        </div>
      </WorkspaceShell>
    );
  }
  const timeZone = viewerTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value);

  const filterQuery = filtersToSearchParams(parsed.filters);
  const withParams = (extra: Record<string, string>) => {
    const p = new URLSearchParams(filterQuery);
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return `/app/audit?${p.toString()}`;
  };
  const exportHref = (format: string) => {
    const p = new URLSearchParams(filterQuery);
    p.set("format", format);
    // The workspace this page shows: the export refuses to answer for another (see its route).
    p.set(TENANT_FIELD, ctx.tenantId);
    return `/app/audit/export?${p.toString()}`;
  };
  const filtered = filterQuery.toString() !== "";

  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-5">
        <PageHeader
          title="Audit log"
          description={`Everything that changed in ${ctx.tenant.name}, newest first.`}
          actions={
            can(ctx.role, "audit.export") && !error ? (
              <div className="flex gap-2">
                <a href={exportHref("csv")} className={buttonClass("secondary", "sm")} data-testid="export-csv">
                  Export CSV
                </a>
                <a href={exportHref("jsonl")} className={buttonClass("secondary", "sm")} data-testid="export-jsonl">
                  Export JSON Lines
                </a>
              </div>
            ) : null
          }
        />
        {exportRefused ? (
          <Alert variant="error">
            {exportRefused}
          </Alert>
        ) : null}
        <AuditFiltersForm
          basePath="/app/audit"
          actions={AUDIT_ACTIONS.map((value) => ({ value, label: auditActionLabel(value) }))}
          values={{
            actions: list(params.action),
            actor: first(params.actor),
            target: first(params.target),
            from: first(params.from),
            to: first(params.to),
            q: first(params.q).slice(0, 300),
          }}
        />
        {error ? (
          <Alert variant="error">
            {error}{" "}
            <Link href="/app/audit" className="font-medium underline">
              Show all events
            </Link>
          </Alert>
        ) : null}
        {page && page.events.length === 0 ? (
          <Card className="p-8 text-center text-sm text-zinc-600">
            <p data-testid="audit-empty">{filtered ? "No events match these filters." : "Nothing has been recorded yet."}</p>
            {filtered ? (
              <Link href="/app/audit" className="mt-2 inline-block underline">
                Clear filters
              </Link>
            ) : null}
          </Card>
        ) : null}
        {page && page.events.length > 0 ? (
          <>
            <AuditTable
              timeZone={timeZone}
              basePath="/app/audit"
              events={page.events.map(auditEventView)}
            />
            <nav className="flex items-center justify-between text-sm" aria-label="Audit log pages">
              <span className="text-zinc-600">{count(page.events.length, "event")} on this page</span>
              <div className="flex gap-2">
                {page.newer ? (
                  <>
                    <Link href={withParams({})} className={buttonClass("ghost", "sm")}>
                      Newest
                    </Link>
                    <Link href={withParams({ before: encodeCursor(page.newer) })} className={buttonClass("secondary", "sm")} rel="prev">
                      ← Newer
                    </Link>
                  </>
                ) : null}
                {page.older ? (
                  <Link href={withParams({ after: encodeCursor(page.older) })} className={buttonClass("secondary", "sm")} rel="next">
                    Older →
                  </Link>
                ) : null}
              </div>
            </nav>
          </>
        ) : null}
      </div>
    </WorkspaceShell>
  );
}
