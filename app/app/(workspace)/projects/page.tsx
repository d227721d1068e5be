import type { Metadata } from "next";
import Link from "next/link";
import { CreateProjectForm, ProjectRowActions } from "@/components/projects/projects-forms";
import { LocalTime } from "@/components/local-time";
import { Alert, Button, Input, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { listProjects, listQuerySchema } from "@/lib/projects";
import { can, requireTenantWith } from "@/lib/tenancy";

export const metadata: Metadata = { title: "Projects" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function ProjectsPage({ searchParams }: { searchParams: Search }) {
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = listQuerySchema.parse({ q: first(raw.q), page: first(raw.page) });
  // The session, the workspace and the page's rows in one transaction; nothing is read for a role without projects.read.
  const { ctx, data } = await requireTenantWith((tx, ctx) => (can(ctx.role, "projects.read") ? listProjects(tx, ctx, query) : Promise.resolve(null)));
  if (!data) {
    return (
      <WorkspaceShell ctx={ctx}>
        <PageHeader title="Projects" />
        <Alert variant="error">Your role in this workspace does not allow seeing its projects.</Alert>
      </WorkspaceShell>
    );
  }
  const canManage = can(ctx.role, "projects.manage");
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const pageHref = (page: number) => `/app/projects?${new URLSearchParams({ ...(query.q ? { q: query.q } : {}), page: String(page) })}`;

  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-6">
        <PageHeader title="Projects" description={canManage ? `Create and manage ${ctx.tenant.name}'s projects.` : `${ctx.tenant.name}'s projects.`} />
        {canManage ? <CreateProjectForm /> : null}
        <form method="get" className="flex max-w-md gap-2" role="search">
          <Input name="q" defaultValue={query.q} placeholder="Search by name" aria-label="Search projects by name" />
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </form>
        {data.rows.length === 0 ? (
          <p className="text-sm text-zinc-500" data-testid="projects-empty">
            {data.total > 0 ? "Nothing on this page." : query.q ? "No projects match that search." : "No projects yet."}
          </p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
            <table className="data-table" data-testid="projects-table">
              <thead>
                <tr>
                  <th className="th">Name</th>
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
                    <td className="td font-medium">{row.name}</td>
                    <td className="td">
                      <LocalTime iso={row.createdAt.toISOString()} dateOnly />
                    </td>
                    <td className="td">
                      <LocalTime iso={row.updatedAt.toISOString()} />
                    </td>
                    {canManage ? (
                      <td className="td">
                        <ProjectRowActions id={row.id} name={row.name} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {pages > 1 || query.page > 1 ? (
          <nav className="flex items-center gap-3 text-sm" aria-label="Pages">
            {query.page > 1 ? <Link href={pageHref(query.page - 1)}>← Previous</Link> : null}
            <span className="text-zinc-500">
              Page {query.page} of {pages} · {data.total.toLocaleString("en")} {data.total === 1 ? "project" : "projects"}
            </span>
            {query.page < pages ? <Link href={pageHref(query.page + 1)}>Next →</Link> : null}
          </nav>
        ) : null}
      </div>
    </WorkspaceShell>
  );
}
