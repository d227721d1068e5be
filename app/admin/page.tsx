import Link from "next/link";
import { AdminShell } from "@/components/platform/admin-shell";
import { ScrollTable } from "@/components/scroll-table";
import { Card, Input, Select, buttonClass } from "@/components/ui";
import { directoryFiltersSchema, listWorkspaces, TENANT_STATUSES } from "@/lib/platform/admin";
import { platformPage } from "@/lib/platform/guard";

// No title of its own: a 404 to anyone else must not name the console (the metadata is rendered with it).

type Search = Promise<Record<string, string | string[] | undefined>>;

const STATUS_LABELS = { active: "Active", blocked: "Suspended", deleted: "Deleted" } as const;
const formatDate = (d: Date) => d.toISOString().slice(0, 10);

/** Every workspace, newest first, 50 a page: search by name, slug or a member's email; filter by status and plan. */
export default async function AdminDirectoryPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  const filters = directoryFiltersSchema.parse({ q: first(params.q), status: first(params.status), plan: first(params.plan), after: first(params.after) });
  const { admin, rows, next, plans } = await platformPage((credential) => listWorkspaces(credential, filters));
  const planName = Object.fromEntries(plans.map((p) => [p.id, p.name]));
  // Every page link keeps the search and filters; only the cursor changes.
  const kept = { ...(filters.q ? { q: filters.q } : {}), ...(filters.status ? { status: filters.status } : {}), ...(filters.plan ? { plan: filters.plan } : {}) };
  const firstHref = Object.keys(kept).length > 0 ? `/admin?${new URLSearchParams(kept)}` : "/admin";
  const nextHref = next ? `/admin?${new URLSearchParams({ ...kept, after: next })}` : null;

  return (
    <AdminShell adminEmail={admin.email}>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Workspaces</h1>
          <p className="mt-1 text-sm text-zinc-600">Every workspace on the platform, newest first. Search by name, slug or a member&apos;s email address.</p>
        </div>
        <Link href="/admin/workspaces/new" className={buttonClass("primary")}>
          New workspace
        </Link>
      </div>
      <form method="get" action="/admin" className="flex flex-wrap items-end gap-2" role="search">
        <label className="min-w-52 flex-1 text-sm">
          <span className="mb-1 block font-medium">Search</span>
          <Input name="q" defaultValue={filters.q ?? ""} placeholder="Name, slug or member@example.com" maxLength={200} />
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium">Status</span>
          <Select name="status" defaultValue={filters.status ?? ""}>
            <option value="">Any</option>
            {TENANT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </Select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium">Plan</span>
          <Select name="plan" defaultValue={filters.plan ?? ""}>
            <option value="">Any</option>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </Select>
        </label>
        <button type="submit" className={buttonClass("secondary")}>
          Search
        </button>
      </form>
      <Card>
        {rows.length === 0 ? (
          <p className="p-6 text-sm text-zinc-600">No workspace matches.</p>
        ) : (
          <ScrollTable label="Workspaces" className="rounded-[inherit]">
            <table className="w-full min-w-[640px] text-left text-sm" data-testid="admin-directory">
              <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase">
                <tr>
                  <th className="px-4 py-2">Workspace</th>
                  <th className="px-4 py-2">Status</th>
                  <th className="px-4 py-2">Plan</th>
                  <th className="px-4 py-2 text-right">Members</th>
                  <th className="px-4 py-2">Created</th>
                  <th className="px-4 py-2">Last activity</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {rows.map((w) => (
                  <tr key={w.id} data-slug={w.slug}>
                    <td className="px-4 py-2">
                      <Link href={`/admin/workspaces/${w.id}`} className="font-medium underline-offset-4 hover:underline">
                        {w.name}
                      </Link>
                      <div className="text-xs text-zinc-500">{w.slug}</div>
                    </td>
                    <td className="px-4 py-2">
                      <span className={w.status === "active" ? "text-emerald-700" : "font-medium text-red-700"}>{STATUS_LABELS[w.status]}</span>
                    </td>
                    <td className="px-4 py-2">{planName[w.planId] ?? w.planId}</td>
                    <td className="px-4 py-2 text-right tabular-nums">{w.memberCount.toLocaleString("en")}</td>
                    <td className="px-4 py-2 tabular-nums">{formatDate(w.createdAt)}</td>
                    <td className="px-4 py-2 tabular-nums">{w.lastActivityAt ? formatDate(w.lastActivityAt) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        )}
      </Card>
      <div className="flex gap-3 text-sm">
        {filters.after ? (
          <Link href={firstHref} className="underline">
            First page
          </Link>
        ) : null}
        {nextHref ? (
          <Link href={nextHref} className="underline" data-testid="next-page">
            Next page
          </Link>
        ) : null}
      </div>
    </AdminShell>
  );
}
