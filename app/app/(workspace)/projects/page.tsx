import type { Metadata } from "next";
import Link from "next/link";
import { CreateProjectForm, ProjectRowActions, ProjectsNotice } from "@/components/projects/projects-forms";
import { LocalTime } from "@/components/local-time";
import { ScrollTable } from "@/components/scroll-table";
import { Alert, Button, cx, Input, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { listProjectsRead, listQuerySchema, type ListQuery, type ProjectStatus } from "@/lib/projects";
import { can, requireTenantWith } from "@/lib/tenancy";

export const metadata: Metadata = { title: "Projects" };

type Search = Promise<Record<string, string | string[] | undefined>>;

const STATUS_TABS: Array<{ status: ProjectStatus; label: string }> = [
  { status: "active", label: "Active" },
  { status: "archived", label: "Archived" },
  { status: "all", label: "All" },
];
const EMPTY: Record<ProjectStatus, string> = { active: "No active projects.", archived: "No archived projects.", all: "No projects yet." };

/**
 * The session, the workspace and the page of projects asked for, in one round
 * trip; the policies give a role without projects.read no row. Past the last
 * page (its projects deleted since, or a number typed), the last page there
 * is, read again.
 */
async function pageOf(query: ListQuery) {
  const asked = await requireTenantWith(listProjectsRead(query));
  const last = Math.max(1, Math.ceil(asked.data.total / asked.data.pageSize));
  if (query.page <= last || asked.data.total === 0) return asked;
  return requireTenantWith(listProjectsRead({ ...query, page: last }));
}

export default async function ProjectsPage({ searchParams }: { searchParams: Search }) {
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = listQuerySchema.parse({ q: first(raw.q), status: first(raw.status), page: first(raw.page) });
  const { ctx, data } = await pageOf(query);
  if (!can(ctx.role, "projects.read")) {
    return (
      <WorkspaceShell ctx={ctx}>
        <PageHeader title="Projects" />
        <Alert variant="error">Your role in this workspace does not allow seeing its projects.</Alert>
      </WorkspaceShell>
    );
  }
  const canManage = can(ctx.role, "projects.manage");
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const current = Math.min(data.page, pages);
  const href = (changes: { status?: ProjectStatus; page?: number }) => {
    const status = changes.status ?? query.status;
    const page = changes.page ?? 1;
    const params = new URLSearchParams({ ...(query.q ? { q: query.q } : {}), ...(status !== "active" ? { status } : {}), ...(page > 1 ? { page: String(page) } : {}) });
    return `/app/projects${params.size ? `?${params}` : ""}`;
  };

  // The list shown, for the notices: which page of which projects, each as it is now.
  const list = {
    key: `${query.status}|${query.q}|${current}|${data.total}|${data.rows.map((row) => `${row.id}@${row.updatedAt.getTime()}`).join(",")}`,
    ids: data.rows.map((row) => row.id),
    versions: data.rows.map((row) => row.updatedAt.getTime()),
  };

  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-6">
        <PageHeader title="Projects" description={canManage ? `Create and manage ${ctx.tenant.name}'s projects.` : `${ctx.tenant.name}'s projects.`} />
        {canManage ? <CreateProjectForm list={list} /> : null}
        <div className="flex flex-wrap items-center justify-between gap-3">
          <nav className="flex gap-1 text-sm" aria-label="Which projects">
            {STATUS_TABS.map((tab) => (
              <Link
                key={tab.status}
                href={href({ status: tab.status })}
                aria-current={tab.status === query.status ? "page" : undefined}
                className={cx(
                  "rounded-md px-3 py-1.5",
                  tab.status === query.status ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900",
                )}
              >
                {tab.label}
              </Link>
            ))}
          </nav>
          <form method="get" className="flex w-full max-w-sm gap-2" role="search">
            {query.status !== "active" ? <input type="hidden" name="status" value={query.status} /> : null}
            <Input name="q" defaultValue={query.q} placeholder="Search names and descriptions" aria-label="Search projects" />
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </form>
        </div>
        <ProjectsNotice list={list}>
          {data.rows.length === 0 ? (
            <p className="text-sm text-zinc-500" data-testid="projects-empty">
              {data.total > 0 ? "Nothing on this page." : query.q ? "No projects match that search." : EMPTY[query.status]}
            </p>
          ) : (
            <ScrollTable label="Projects" className="rounded-lg border border-zinc-200 bg-white">
              <table className="data-table" data-testid="projects-table">
                <thead>
                  <tr>
                    <th className="th">Name</th>
                    <th className="th">Status</th>
                    <th className="th">Created</th>
                    <th className="th">Updated</th>
                    {canManage ? (
                      <th className="px-4 py-2">
                        <span className="sr-only">Actions</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((row) => (
                    <tr key={row.id} data-testid="projects-row" data-name={row.name}>
                      <td className="td max-w-md min-w-40 wrap-anywhere">
                        <p className="font-medium">{row.name}</p>
                        {row.description ? <p className="mt-0.5 line-clamp-2 whitespace-pre-line text-zinc-600">{row.description}</p> : null}
                      </td>
                      <td className="td">
                        {row.archivedAt ? (
                          <span className="text-zinc-500" title={row.archivedAt.toISOString()}>
                            Archived
                          </span>
                        ) : (
                          <span className="text-emerald-700">Active</span>
                        )}
                      </td>
                      <td className="td">
                        <LocalTime iso={row.createdAt.toISOString()} dateOnly />
                      </td>
                      <td className="td">
                        <LocalTime iso={row.updatedAt.toISOString()} />
                      </td>
                      {canManage ? (
                        <td className="td">
                          <ProjectRowActions id={row.id} name={row.name} description={row.description} archived={row.archivedAt !== null} />
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          )}
        </ProjectsNotice>
        {pages > 1 ? (
          <nav className="flex items-center gap-3 text-sm" aria-label="Pages">
            {current > 1 ? <Link href={href({ page: current - 1 })}>← Previous</Link> : null}
            <span className="text-zinc-500">
              Page {current} of {pages} · {data.total.toLocaleString("en")} {data.total === 1 ? "project" : "projects"}
            </span>
            {current < pages ? <Link href={href({ page: current + 1 })}>Next →</Link> : null}
          </nav>
        ) : null}
      </div>
    </WorkspaceShell>
  );
}
