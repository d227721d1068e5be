import Link from "next/link";
import { AdminShell, CrossViewBanner } from "@/components/platform/admin-shell";
import { AdminMembersTable } from "@/components/platform/admin-members-table";
import { ScrollTable } from "@/components/scroll-table";
import { Card, Input, RoleBadge, buttonClass } from "@/components/ui";
import { memberListQuerySchema } from "@/lib/members";
import { workspaceMembers } from "@/lib/platform/admin";
import { platformPage } from "@/lib/platform/guard";
import { WorkspaceGoneError } from "@/lib/tenancy";
import { orGone, WorkspaceGone } from "../workspace-gone";

// No title of its own: a 404 to anyone else must not name the console (the metadata is rendered with it).

type Search = Promise<Record<string, string | string[] | undefined>>;
const when = (d: Date) => d.toISOString().slice(0, 10);

/** Every member and pending invitation of a workspace, read-only, a page at a time: a cross-view visit ("members"). */
export default async function AdminWorkspaceMembersPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Search }) {
  const { id } = await params;
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = memberListQuerySchema.parse({ q: first(raw.q), sort: first(raw.sort), dir: first(raw.dir), page: first(raw.page), ipage: first(raw.ipage) });
  const read = await platformPage((credential, request) => orGone(workspaceMembers(credential, id, query, request)));
  if (read instanceof WorkspaceGoneError) return <WorkspaceGone gone={read} />;
  const { visit, page } = read;
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const href = (n: number) => `/admin/workspaces/${id}/members?${new URLSearchParams({ ...(query.q ? { q: query.q } : {}), page: String(n) })}`;
  return (
    <>
      <CrossViewBanner tenantName={visit.tenant.name} />
      <AdminShell adminEmail={visit.admin.email}>
        <div>
          <Link href={`/admin/workspaces/${id}`} className="text-sm text-zinc-600 underline">
            ← {visit.tenant.name}
          </Link>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">Members</h1>
          <p className="mt-1 text-sm text-zinc-600">
            {page.total.toLocaleString("en")} member{page.total === 1 ? "" : "s"}
            {query.q ? " matching the search" : ""}, {page.invitationTotal.toLocaleString("en")} pending invitation
            {page.invitationTotal === 1 ? "" : "s"}.
          </p>
        </div>
        <form method="get" className="flex max-w-lg gap-2" role="search">
          <Input name="q" defaultValue={query.q} placeholder="Name or email" maxLength={200} aria-label="Search members" />
          <button type="submit" className={buttonClass("secondary")}>
            Search
          </button>
        </form>
        <Card>
          <ScrollTable label="Members" className="rounded-[inherit]">
            <AdminMembersTable members={page.members} testId="admin-members-page" />
          </ScrollTable>
        </Card>
        <nav className="flex items-center gap-3 text-sm" aria-label="Member pages">
          <span className="text-zinc-600">
            Page {page.page} of {pages}
          </span>
          {page.page > 1 ? (
            <Link href={href(page.page - 1)} className="underline" rel="prev">
              Previous
            </Link>
          ) : null}
          {page.page < pages ? (
            <Link href={href(page.page + 1)} className="underline" rel="next">
              Next
            </Link>
          ) : null}
        </nav>
        {page.invitations.length ? (
          <Card>
            <h2 className="px-4 pt-4 text-sm font-semibold">Pending invitations (newest {page.invitations.length})</h2>
            <ScrollTable label="Pending invitations" className="mt-2 rounded-b-[inherit]">
              <table className="w-full min-w-[480px] text-left text-sm">
                <tbody className="divide-y divide-zinc-100">
                  {page.invitations.map((i) => (
                    <tr key={i.id}>
                      <td className="px-4 py-2">{i.email}</td>
                      <td className="px-4 py-2">
                        <RoleBadge role={i.role} />
                      </td>
                      <td className="px-4 py-2 text-zinc-500">{i.expired ? "expired" : `expires ${when(i.expiresAt)}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          </Card>
        ) : null}
      </AdminShell>
    </>
  );
}
