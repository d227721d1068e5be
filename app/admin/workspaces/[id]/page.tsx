import Link from "next/link";
import { AdminShell, CrossViewBanner } from "@/components/platform/admin-shell";
import { AdminMembersTable } from "@/components/platform/admin-members-table";
import { OwnerEmailUnsent } from "@/components/platform/owner-email-unsent";
import { WorkspaceAdminActions } from "@/components/platform/workspace-admin-actions";
import { ScrollTable } from "@/components/scroll-table";
import { Card } from "@/components/ui";
import { AUDIT_SHOWN, MEMBERS_SHOWN, ownerSignInUrl, workspaceOverview } from "@/lib/platform/admin";
import { UNSENT_PARAM, unsentOwnerEmail } from "@/lib/platform/created-notice";
import { platformPage } from "@/lib/platform/guard";
import { count } from "@/lib/registry/define";
import { WorkspaceGoneError } from "@/lib/tenancy";
import { orGone, WorkspaceGone } from "./workspace-gone";

// No title of its own: a 404 to anyone else must not name the console (the metadata is rendered with it).

const STATUS = { active: "Active", blocked: "Suspended", deleted: "Deleted (in its owners' trash)" } as const;
/** A deleted workspace whose purge was asked for, or began at the end of its 30 days, can no longer be restored. */
const beingPurged = (t: { status: keyof typeof STATUS; purgeRequestedAt: Date | null; purgeStartedAt: Date | null }) =>
  t.status === "deleted" && (t.purgeRequestedAt !== null || t.purgeStartedAt !== null);
const statusOf = (t: { status: keyof typeof STATUS; purgeRequestedAt: Date | null; purgeStartedAt: Date | null }) =>
  beingPurged(t) ? "Being purged (it can no longer be restored)" : STATUS[t.status];
const when = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
const amount = (value: number, unit?: "bytes") =>
  unit === "bytes" ? (value < 1024 ? `${value} B` : `${(value / 1024).toLocaleString("en", { maximumFractionDigits: 1 })} KB`) : value.toLocaleString("en");
/** A plan's limit with its noun in the number's form: "1 seat", "5 seats", "unlimited seats". */
const limit = (n: number | null, noun: string) => (n === null ? `unlimited ${noun}s` : count(n, noun));

/**
 * One workspace for the platform: a cross-view visit (written into the
 * workspace's own audit log) reading its members, usage and latest audit
 * events read-only, beside the administrator's actions.
 */
export default async function AdminWorkspacePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const o = await platformPage((credential, request) => orGone(workspaceOverview(credential, id, request)));
  if (o instanceof WorkspaceGoneError) return <WorkspaceGone gone={o} />;
  const { tenant, plan } = o;
  // Just created, and the email to its first owner did not go out (createWorkspaceForAction): read from the members above, nothing more.
  const unsent = unsentOwnerEmail((await searchParams)[UNSENT_PARAM], o.members);
  return (
    <>
      <CrossViewBanner tenantName={tenant.name} />
      <AdminShell adminEmail={o.visit.admin.email}>
        <div>
          <Link href="/admin" className="text-sm text-zinc-600 underline">
            ← All workspaces
          </Link>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">{tenant.name}</h1>
          <p className="mt-1 text-sm text-zinc-600">
            {tenant.slug} · <span data-testid="admin-status">{statusOf(tenant)}</span> · {plan?.name ?? tenant.planId} plan · created {when(tenant.createdAt)}
          </p>
        </div>
        {unsent ? <OwnerEmailUnsent email={unsent} link={ownerSignInUrl(unsent)} /> : null}
        <div className="grid gap-6 lg:grid-cols-2">
          <Card className="p-5">
            <h2 className="text-lg font-semibold">Usage</h2>
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2 text-sm" data-testid="admin-usage">
              {o.usage.map((u) => (
                <div key={u.key} className="contents">
                  <dt className="text-zinc-600">{u.label}</dt>
                  <dd className="text-right tabular-nums">{amount(u.value, u.unit)}</dd>
                </div>
              ))}
            </dl>
            {plan ? (
              <p className="mt-3 text-xs text-zinc-500">
                Plan limits: {limit(plan.seats, "seat")} (members and pending invitations), {limit(plan.apiKeys, "API key")},{" "}
                {limit(plan.childWorkspaces, "child workspace")}, audit log kept{" "}
                {plan.auditRetentionDays === null ? "forever" : count(plan.auditRetentionDays, "day")}, export{" "}
                {plan.exportAllowed ? "allowed" : "not allowed"}.
              </p>
            ) : null}
          </Card>
          <WorkspaceAdminActions
            tenant={{ id: tenant.id, name: tenant.name, status: tenant.status, planId: tenant.planId, purgeRequested: beingPurged(tenant) }}
            plans={o.plans.map((p) => ({ id: p.id, name: p.name }))}
          />
        </div>
        <Card>
          <h2 className="px-4 pt-4 text-lg font-semibold">Members</h2>
          <p className="px-4 text-xs text-zinc-500">
            The first {MEMBERS_SHOWN}, by join date.{" "}
            <Link href={`/admin/workspaces/${tenant.id}/members`} className="underline">
              All members and invitations →
            </Link>
          </p>
          <ScrollTable label="Members" className="mt-2 rounded-b-[inherit]">
            <AdminMembersTable members={o.members} testId="admin-members" />
          </ScrollTable>
        </Card>
        <Card>
          <h2 className="px-4 pt-4 text-lg font-semibold">Audit log</h2>
          <p className="px-4 text-xs text-zinc-500">
            The latest {AUDIT_SHOWN} events. Your visits are among them.{" "}
            <Link href={`/admin/workspaces/${tenant.id}/audit`} className="underline">
              Search the whole log →
            </Link>
          </p>
          <ScrollTable label="Audit log" className="mt-2 rounded-b-[inherit]">
            <table className="w-full min-w-[560px] text-left text-sm" data-testid="admin-audit">
              <tbody className="divide-y divide-zinc-100">
                {o.audit.map((e) => (
                  <tr key={e.id}>
                    <td className="px-4 py-2 whitespace-nowrap text-zinc-500 tabular-nums">{when(e.createdAt)}</td>
                    <td className="px-4 py-2 text-zinc-600">{e.actorEmail ?? "the platform"}</td>
                    <td className="px-4 py-2">{e.sentence}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        </Card>
      </AdminShell>
    </>
  );
}
