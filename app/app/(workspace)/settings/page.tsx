import type { Metadata } from "next";
import { InviteForm } from "@/components/members/invite-form";
import { InvitationsTable } from "@/components/members/invitations-table";
import { LeaveWorkspace } from "@/components/members/leave-workspace";
import { MembersTable } from "@/components/members/members-table";
import { PermittedOnly } from "@/components/permitted-only";
import { Card, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { upgradeAdvice } from "@/lib/billing/limits";
import { INVITATIONS_PAGE_SIZE, memberListQuerySchema, membersPage, type MemberListQuery } from "@/lib/members";
import { can, requireTenantWith } from "@/lib/tenancy";

export const metadata: Metadata = { title: "Members" };

type Search = Promise<Record<string, string | string[] | undefined>>;

/**
 * The session, the workspace and the pages of members and of pending
 * invitations asked for (and the invitations declined lately), in one round trip. Past the last page of either
 * (its rows removed or revoked since, or a number typed), the last page
 * there is, read again, the search and sort kept.
 */
async function pageOf(query: MemberListQuery) {
  const asked = await requireTenantWith(membersPage(query));
  const last = Math.max(1, Math.ceil(asked.data.total / asked.data.pageSize));
  const lastInvitations = Math.max(1, Math.ceil(asked.data.invitationTotal / INVITATIONS_PAGE_SIZE));
  const page = query.page > last && asked.data.total > 0 ? last : query.page;
  const ipage = Math.min(query.ipage, lastInvitations);
  if (page === query.page && ipage === query.ipage) return asked;
  return requireTenantWith(membersPage({ ...query, page, ipage }));
}

export default async function MembersSettingsPage({ searchParams }: { searchParams: Search }) {
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = memberListQuerySchema.parse({
    q: first(raw.q),
    sort: first(raw.sort),
    dir: first(raw.dir),
    page: first(raw.page),
    ipage: first(raw.ipage),
  });
  const { ctx, data } = await pageOf(query);
  const canManage = can(ctx.role, "members.manage");
  // The plan's seats, as the seats limit counts them (members and pending invitations): said by the form
  // before anyone types, and with every seat taken no form, which could only be refused (a race still is).
  const { limit: seatLimit, used: seatsUsed } = data.seats;
  const seatsFull = seatLimit !== null && seatsUsed !== null && seatsUsed >= seatLimit;
  const seatWord = (n: number) => `${n.toLocaleString("en")} seat${n === 1 ? "" : "s"}`;
  const seatsTaken =
    seatLimit === null || seatsUsed === null
      ? ""
      : seatsUsed > seatLimit
        ? `${seatWord(seatsUsed)} are taken, and your plan allows ${seatLimit.toLocaleString("en")}`
        : seatLimit === 1
          ? "The 1 seat your plan allows is taken"
          : `All ${seatWord(seatLimit)} your plan allows are taken`;
  const unavailable = seatsFull ? (
    <p className="text-sm text-zinc-600" data-testid="invite-seats-full">
      {`${seatsTaken}: members and pending invitations both count. To invite someone, revoke a pending invitation or remove a member to free a seat, or ${upgradeAdvice(ctx.role)}.`}
    </p>
  ) : null;

  return (
    <WorkspaceShell ctx={ctx}>
      <div className="space-y-8">
        <PageHeader
          title="Members"
          description={canManage ? `Invite people to ${ctx.tenant.name} and manage their roles.` : `Who belongs to ${ctx.tenant.name}.`}
        />
        {/* Without the permission, no form; but a submission that found it gone says so in the form's place. */}
        <PermittedOnly allowed={canManage}>
          {canManage ? (
            <Card className="p-5">
              <h2 className="mb-3 text-sm font-semibold">Invite someone</h2>
              {seatLimit !== null && seatsUsed !== null && !seatsFull ? (
                <p className="-mt-2 mb-3 text-sm text-zinc-600" data-testid="invite-seats">
                  {`${seatsUsed.toLocaleString("en")} of ${seatWord(seatLimit)} used: members and pending invitations both count.`}
                </p>
              ) : null}
              <InviteForm
                invitations={{ page: data.invitationPage, total: data.invitationTotal, ids: data.invitations.map((i) => i.id) }}
                unavailable={unavailable}
              />
            </Card>
          ) : null}
        </PermittedOnly>
        <section className="space-y-3">
          <h2 className="text-sm font-semibold">People</h2>
          <MembersTable
            rows={data.members.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() }))}
            total={data.total}
            page={data.page}
            pageSize={data.pageSize}
            query={{ q: query.q, sort: query.sort, dir: query.dir }}
            viewer={{ userId: ctx.userId, canManage, canManageOwners: can(ctx.role, "ownership.transfer") }}
            ownerCount={data.ownerCount}
          />
        </section>
        <section className="space-y-3">
          <h2 className="text-sm font-semibold">Invitations</h2>
          <InvitationsTable
            canManage={canManage}
            seatsFull={seatsFull}
            total={data.invitationTotal}
            page={data.invitationPage}
            pageSize={INVITATIONS_PAGE_SIZE}
            invitations={data.invitations.map((i) => ({
              ...i,
              createdAt: i.createdAt.toISOString(),
              expiresAt: i.expiresAt.toISOString(),
            }))}
            // Declined lately: listed below the pending ones, counted neither as pending nor as seats.
            declined={data.declined.map((i) => ({
              ...i,
              createdAt: i.createdAt.toISOString(),
              expiresAt: i.expiresAt.toISOString(),
              declinedAt: (i.declinedAt ?? i.createdAt).toISOString(),
            }))}
            declinedTotal={data.declinedTotal}
          />
        </section>
        {/* A delegate belongs to the parent workspace, not to this one: there is nothing here to leave. */}
        {ctx.delegation ? null : (
          <Card className="border-red-200 p-5">
            <LeaveWorkspace workspaceName={ctx.tenant.name} lastOwner={ctx.role === "owner" && data.ownerCount <= 1} />
          </Card>
        )}
      </div>
    </WorkspaceShell>
  );
}
