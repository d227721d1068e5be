import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { empty, enteredTenant, runRead, sql, type Read, type Sql, type Tx } from "@/lib/db";
import { DomainError, RELOAD_THE_PAGE } from "@/lib/errors";
import { INVITABLE_ROLES, lockTenant, withTenant, type Role, type TenantActor } from "@/lib/tenancy";
import { sameId, searchQuerySchema, uuidSchema } from "@/lib/validation";

export const MEMBER_SORTS = ["name", "email", "role", "joined"] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];
export const MEMBERS_PAGE_SIZE = 20;
export const INVITATIONS_PAGE_SIZE = 20;
/** How long a declined invitation stays listed to the workspace (the members page, the API). */
export const DECLINED_LISTED_DAYS = 30;

export const memberListQuerySchema = z.object({
  // Like every other bad value here, a search Postgres cannot take (a NUL byte) is no search.
  q: searchQuerySchema(200),
  sort: z.enum(MEMBER_SORTS).catch("joined"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  // A number past the largest page read is past the last too: that page (the page shows the last there is), not the first; so for ipage.
  page: z.coerce.number().int().min(1).max(100_000).catch(({ input }) => (Number(input) > 100_000 ? 100_000 : 1)),
  ipage: z.coerce.number().int().min(1).max(100_000).catch(({ input }) => (Number(input) > 100_000 ? 100_000 : 1)),
});
/** The query; dpage is the page of declined invitations the API asks for (the members page shows the first). */
export type MemberListQuery = z.output<typeof memberListQuerySchema> & { dpage?: number };

export const memberTargetSchema = z.object({ userId: uuidSchema("That member does not exist.") });
export const changeRoleSchema = memberTargetSchema.extend({
  role: z.enum(INVITABLE_ROLES, { error: "Choose a role: admin, auditor or member. An owner is made by transferring ownership." }),
});

export interface MemberRow {
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  joinedAt: Date;
}

export interface InvitationListRow {
  id: string;
  /** Pending, or declined by its addressee (listed for DECLINED_LISTED_DAYS). */
  status: "pending" | "declined";
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
  /** False when its email could not be sent: the page says "Not delivered", and Resend sends it again. */
  emailDispatched: boolean;
  /** When its addressee declined it; null while pending. */
  declinedAt: Date | null;
}

export interface MembersPage {
  members: MemberRow[];
  total: number;
  page: number;
  pageSize: number;
  /** A page of pending invitations; invitationTotal counts them (the seats and "pending" counts are theirs only). */
  invitations: InvitationListRow[];
  invitationTotal: number;
  invitationPage: number;
  /**
   * A page of the invitations declined in the last DECLINED_LISTED_DAYS days
   * whose address was not invited again since, most recently declined first;
   * declinedTotal counts them.
   */
  declined: InvitationListRow[];
  declinedTotal: number;
  ownerCount: number;
  /**
   * The plan's seats (null: no limit) and how many are taken, counted as the
   * seats triggers count them (app_plan_usage: members plus pending
   * invitations not expired); `used` is null where there is no limit, or for a
   * workspace other than the one entered.
   */
  seats: { limit: number | null; used: number | null };
}

/** The sorts over the `matched` members. */
const ORDER: Record<MemberSort, Sql> = {
  name: sql`lower(coalesce(name, email))`,
  email: sql`email`,
  role: sql`role`,
  joined: sql`created_at`,
};

/** The sorts app_member_page pages by (the memberships' own columns). */
const MEMBERSHIP_SORTS: ReadonlySet<MemberSort> = new Set(["role", "joined"]);

interface InvitationJson {
  id: string;
  status: "pending" | "declined";
  email: string;
  role: Role;
  inviter: string | null;
  created_at: string;
  expires_at: string;
  expired: boolean;
  email_dispatched: boolean;
  declined_at: string | null;
}

/** The columns of an invitation as the members page lists it (`i`). */
const invitationColumns = sql`i.id, i.status, i.email, i.role, i.inviter_name AS inviter, i.created_at, i.expires_at, i.expires_at <= now() AS expired, i.email_dispatched, i.declined_at`;

/**
 * The workspace's invitations declined in the last DECLINED_LISTED_DAYS days
 * (`i`) whose address has not been invited again since: inviting it again
 * makes a newer invitation, listed in its place.
 */
const declinedListed = (tenant: Sql) => sql`
  FROM tenant_invitations i
 WHERE i.tenant_id = ${tenant} AND i.status = 'declined' AND i.declined_at > now() - make_interval(days => ${DECLINED_LISTED_DAYS})
   AND NOT EXISTS (SELECT 1 FROM tenant_invitations n WHERE n.tenant_id = i.tenant_id AND n.email = i.email AND n.created_at > i.created_at)`;

interface MembersPageRow {
  members: Array<{ user_id: string; name: string | null; email: string; role: Role; created_at: string }>;
  total: number;
  invitations: InvitationJson[];
  invitation_total: number;
  declined: InvitationJson[];
  declined_total: number;
  owners: number;
  seat_limit: number | null;
  seats_used: number | null;
}

/**
 * The settings page's data in one statement: a page of members (searched by
 * name or email, sorted), a page of pending invitations, a page of recently
 * declined ones (declinedListed), the owner count, and the plan's seats with
 * how many are taken. The seats in use are the limit's own count
 * (app_entered_plan_usage('seats'), for the entered workspace only), read
 * only when the plan limits seats: the invitations listed here include
 * expired ones, which hold no seat.
 *
 * Sorted by join date or role with no search, the page comes from
 * app_member_page and the counts from app_member_counts: under the
 * definer's rights, which plan with the tables' statistics and walk an index
 * in the page's order, where the app role's statement, planned blind under
 * row-level security, sorted and hashed every membership to keep 20 (~6.2
 * ms at 10,000 members, 1–2 ms now; migration
 * 20261208000000_member_page_by_definer). Both answer only for the
 * context's workspace and a context that may read its members. Sorting by name or
 * email needs every member's user row; the members that match are found
 * once and both the page and the count read them. A search finds its
 * members through app_member_search, which can use a trigram index where
 * the users policy cannot (ILIKE is not leakproof): at 10,000 members,
 * checking every name and email under the policy, twice, was ~49 ms; and
 * joining its matches back to the members under the policies ~8 ms of a
 * ~9 ms statement (migration 20261208010000_member_search_rows).
 *
 * `tenant` names the workspace: by default the one the transaction entered,
 * so that the settings page can send the statement with its entry.
 */
export function membersPage(query: MemberListQuery, tenant: Sql = enteredTenant): Read<MembersPage, MembersPageRow> {
  const direction = query.dir === "desc" ? sql`DESC` : sql`ASC`;
  const offset = (query.page - 1) * MEMBERS_PAGE_SIZE;
  let members: Sql;
  let total: Sql;
  let matched: Sql = empty;
  if (query.q === "" && MEMBERSHIP_SORTS.has(query.sort)) {
    members = sql`
      SELECT user_id, name, email, role, created_at
        FROM app_member_page(${tenant}, ${query.sort}, ${query.dir === "desc"}, ${MEMBERS_PAGE_SIZE}, ${offset})
             WITH ORDINALITY AS f(user_id, name, email, role, created_at, n)
       ORDER BY n`;
    total = sql`c.total`;
  } else {
    // A search's members come from app_member_search (a trigram index, under
    // the definer's rights, the same reach as the policies); sorted by name or
    // email without one, every member is read under the policies.
    const from =
      query.q === ""
        ? sql`SELECT m.user_id, u.name, u.email, m.role, m.created_at FROM tenant_members m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ${tenant}`
        : sql`SELECT user_id, name, email, role, created_at FROM app_member_search(${tenant}, ${query.q})`;
    matched = sql`
      WITH matched AS MATERIALIZED (${from})`;
    members = sql`
      SELECT user_id, name, email, role, created_at FROM matched
       ORDER BY ${ORDER[query.sort]} ${direction}, email ASC
       LIMIT ${MEMBERS_PAGE_SIZE} OFFSET ${offset}`;
    total = sql`(SELECT count(*)::int FROM matched)`;
  }
  const statement = sql`
    ${matched}
    SELECT
      (SELECT coalesce(json_agg(p), '[]') FROM (${members}) p) AS members,
      ${total} AS total,
      (SELECT coalesce(json_agg(p), '[]') FROM (
         SELECT ${invitationColumns}
           FROM tenant_invitations i
          WHERE i.tenant_id = ${tenant} AND i.status = 'pending'
          ORDER BY i.created_at DESC, i.id
          LIMIT ${INVITATIONS_PAGE_SIZE} OFFSET ${(query.ipage - 1) * INVITATIONS_PAGE_SIZE}) p) AS invitations,
      (SELECT count(*)::int FROM tenant_invitations i WHERE i.tenant_id = ${tenant} AND i.status = 'pending') AS invitation_total,
      (SELECT coalesce(json_agg(p), '[]') FROM (
         SELECT ${invitationColumns} ${declinedListed(tenant)}
          ORDER BY i.declined_at DESC, i.id
          LIMIT ${INVITATIONS_PAGE_SIZE} OFFSET ${((query.dpage ?? 1) - 1) * INVITATIONS_PAGE_SIZE}) p) AS declined,
      (SELECT count(*)::int ${declinedListed(tenant)}) AS declined_total,
      c.owners AS owners,
      plan.seats AS seat_limit,
      CASE WHEN plan.seats IS NOT NULL AND ${tenant} = (SELECT app_current_tenant_id())
           THEN (SELECT app_entered_plan_usage('seats'))::int END AS seats_used
      FROM app_member_counts(${tenant}) c
      LEFT JOIN LATERAL (SELECT p.seats FROM tenants t JOIN plans p ON p.id = t.plan_id WHERE t.id = ${tenant}) plan ON true`;
  return { statement, result: ([row]) => membersPageFrom(row, query) };
}

function membersPageFrom(row: MembersPageRow | undefined, query: MemberListQuery): MembersPage {
  if (!row) throw new DomainError("not_member", "You are not a member of that workspace.");
  return {
    members: row.members.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, role: r.role, joinedAt: new Date(r.created_at) })),
    total: row.total,
    page: query.page,
    pageSize: MEMBERS_PAGE_SIZE,
    invitations: row.invitations.map(invitationOf),
    invitationTotal: row.invitation_total,
    invitationPage: query.ipage,
    declined: row.declined.map(invitationOf),
    declinedTotal: row.declined_total,
    ownerCount: row.owners,
    seats: { limit: row.seat_limit, used: row.seats_used },
  };
}

const invitationOf = (r: InvitationJson): InvitationListRow => ({
  id: r.id,
  status: r.status,
  email: r.email,
  role: r.role,
  invitedBy: r.inviter,
  createdAt: new Date(r.created_at),
  expiresAt: new Date(r.expires_at),
  expired: r.expired,
  emailDispatched: r.email_dispatched,
  declinedAt: r.declined_at === null ? null : new Date(r.declined_at),
});

/** The members page of `actor`'s workspace, inside a transaction in it. */
export function getMembersPage(tx: Tx, actor: Pick<TenantActor, "tenantId">, query: MemberListQuery): Promise<MembersPage> {
  return runRead(tx, membersPage(query, sql`${actor.tenantId}::uuid`));
}

interface Membership {
  role: Role;
  email: string;
  name: string | null;
}

async function membership(tx: Tx, tenantId: string, userId: string): Promise<Membership | null> {
  return tx.one<Membership>(sql`
    SELECT m.role, u.email, u.name FROM tenant_members m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = ${tenantId}::uuid AND m.user_id = ${userId}::uuid`);
}

/**
 * The caller's role now (under the tenant's lock), as the database decides
 * it for every statement: their membership, or the role a delegate holds
 * through a parent workspace (who has no membership row of their own).
 */
async function currentRole(tx: Tx, actor: TenantActor): Promise<Role> {
  const me = await tx.one<{ role: Role | null }>(sql`SELECT app_role_in(${actor.tenantId}::uuid) AS role`);
  if (me?.role !== "owner" && me?.role !== "admin") {
    throw new DomainError("forbidden", "Your role in this workspace no longer allows that.", undefined, RELOAD_THE_PAGE);
  }
  return me.role;
}

async function otherActiveOwners(tx: Tx, tenantId: string, exceptUserId: string): Promise<number> {
  const row = await tx.one<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM tenant_members m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = ${tenantId}::uuid AND m.role = 'owner' AND u.active AND m.user_id <> ${exceptUserId}::uuid`);
  return row?.n ?? 0;
}

const describe = (m: Membership) => m.name || m.email;

/**
 * Changes a member's role. Owners and admins may; only an owner may change
 * an owner's role; nobody makes someone an owner here — only an ownership
 * transfer does (the database refuses it too); a workspace always keeps an
 * active owner.
 */
/**
 * The caller's role as the database has it now, for a refusal's message: a
 * page may still show an older one (another owner changed it meanwhile).
 */
const youAre = (role: Role | null) => (role ? ` Your role in this workspace is ${role}.` : "");

/** Why no role change makes an owner: the transfer's safeguards (a fresh sign-in, the second factor, a cooling period every admin hears of, consent) would be one click away. */
export const OWNER_BY_TRANSFER = "Only an ownership transfer makes someone an owner: an owner starts one from General → Transfer ownership.";

export async function changeMemberRole(actor: TenantActor, userId: string, role: Role): Promise<{ from: Role; to: Role }> {
  return withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const actorRole = await currentRole(tx, actor);
    const target = await membership(tx, actor.tenantId, userId);
    if (!target) throw new DomainError("not_found", "That person is no longer a member of this workspace.");
    if (target.role === role) throw new DomainError("no_change", `${describe(target)} is already ${role === "admin" || role === "auditor" || role === "owner" ? "an" : "a"} ${role}.`);
    if (role === "owner") throw new DomainError("forbidden", OWNER_BY_TRANSFER);
    if (target.role === "owner" && actorRole !== "owner") throw new DomainError("forbidden", `Only an owner can change an owner's role.${youAre(actorRole)}`);
    if (target.role === "owner" && (await otherActiveOwners(tx, actor.tenantId, userId)) === 0) {
      throw new DomainError(
        "last_owner",
        sameId(userId, actor.userId)
          ? `You are the last owner, and a workspace always keeps one: transfer ownership to someone else, which makes you a member once it completes (General → Transfer ownership).`
          : `${describe(target)} is the last owner. Transfer ownership to someone else first.`,
      );
    }
    const updated = await tx.exec(sql`
      UPDATE tenant_members SET role = ${role}::member_role WHERE tenant_id = ${actor.tenantId}::uuid AND user_id = ${userId}::uuid`);
    if (updated !== 1) throw new DomainError("forbidden", "Your role in this workspace does not allow that.");
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.role.change",
      target: { type: "user", id: userId },
      metadata: { email: target.email, from: target.role, to: role },
      request: actor.request,
    });
    return { from: target.role, to: role };
  });
}

/**
 * Removes someone else from the workspace; their next request is refused.
 * Removing oneself is "leave". Admins cannot remove owners; the last owner
 * cannot be removed.
 */
export async function removeMember(actor: TenantActor, userId: string): Promise<{ email: string }> {
  if (sameId(userId, actor.userId)) {
    throw new DomainError("self_removal", "You cannot remove yourself. To go, use “Leave workspace” instead.");
  }
  return withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const actorRole = await currentRole(tx, actor);
    const target = await membership(tx, actor.tenantId, userId);
    if (!target) throw new DomainError("not_found", "That person is no longer a member of this workspace.");
    if (target.role === "owner" && actorRole !== "owner") throw new DomainError("forbidden", `Only an owner can remove an owner.${youAre(actorRole)}`);
    if (target.role === "owner" && (await otherActiveOwners(tx, actor.tenantId, userId)) === 0) {
      throw new DomainError("last_owner", `${describe(target)} is the last owner and cannot be removed.`);
    }
    const removed = await tx.exec(sql`DELETE FROM tenant_members WHERE tenant_id = ${actor.tenantId}::uuid AND user_id = ${userId}::uuid`);
    if (removed !== 1) throw new DomainError("forbidden", "Your role in this workspace does not allow that.");
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.remove",
      target: { type: "user", id: userId },
      metadata: { email: target.email, role: target.role },
      request: actor.request,
    });
    return { email: target.email };
  });
}

/** Leaves the workspace, whatever one's role — unless one is its last owner. */
export async function leaveTenant(actor: TenantActor): Promise<void> {
  await withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const me = await membership(tx, actor.tenantId, actor.userId);
    if (!me) throw new DomainError("not_found", "You are no longer a member of this workspace.");
    if (me.role === "owner" && (await otherActiveOwners(tx, actor.tenantId, actor.userId)) === 0) {
      throw new DomainError("last_owner", "You are the last owner. Transfer ownership to someone else before you leave.");
    }
    // Audited first: the log accepts rows only from the tenant's members.
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.leave",
      target: { type: "user", id: actor.userId },
      // The email as every event about a member records it: the log's target
      // column and its target filter read it from here.
      metadata: { email: me.email, role: me.role },
      request: actor.request,
    });
    // The database forgets it as their remembered workspace (a trigger).
    await tx.exec(sql`DELETE FROM tenant_members WHERE tenant_id = ${actor.tenantId}::uuid AND user_id = ${actor.userId}::uuid`);
  });
}
