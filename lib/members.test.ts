// Members at the lib level, against the real database: the members page
// (pagination, search, sort, invitations, tenant isolation) and every
// guardrail of role changes, removals and leaving.
import { describe, expect, it } from "vitest";
import { auditEventView, listAuditEvents, parseAuditFilters } from "@/lib/audit";
import { DomainError } from "@/lib/errors";
import {
  changeMemberRole,
  changeRoleSchema,
  getMembersPage,
  leaveTenant,
  INVITATIONS_PAGE_SIZE,
  MEMBERS_PAGE_SIZE,
  memberListQuerySchema,
  membersPage as membersPageRead,
  removeMember,
  type MemberListQuery,
} from "@/lib/members";
import { readWorkspacePlan } from "@/lib/billing/limits";
import { resolveTenantContext, withTenant, type TenantActor } from "@/lib/tenancy";
import { resolveWithData } from "@/lib/tenancy/resolve";
import {
  actorFor,
  addMember,
  asApp,
  auditRows,
  createTenantRow,
  createUser,
  createWorkspace,
  insertInvitation,
  memberRole,
  owner,
  pgErrorCode,
  clientIpOf,
  unique,
  uniqueEmail,
  credentialOf,
  domainCode,
  randomUUID,
  setTenantStatus,
  type TestTenant,
  withBrokenSmtp,
} from "@/test/fixtures";
import { inviteMember, resendInvitation } from "@/lib/invitations";

const query = (overrides: Partial<MemberListQuery> = {}): MemberListQuery => ({ q: "", sort: "joined", dir: "asc", page: 1, ipage: 1, ...overrides });

/** The settings page's read, as the page makes it: inside the actor's tenant transaction. */
const membersPage = (actor: TenantActor, q: MemberListQuery) => withTenant(actor, (tx) => getMembersPage(tx, actor, q));

async function roles(tenantId: string): Promise<Record<string, string>> {
  const { rows } = await owner().query<{ user_id: string; role: string }>(
    "SELECT user_id, role FROM tenant_members WHERE tenant_id = $1",
    [tenantId],
  );
  return Object.fromEntries(rows.map((r) => [r.user_id, r.role]));
}

/** The refusal code, asserting it is a DomainError. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "expected a refusal").toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

/** Asserts `attempt` is refused with `code` and that roles and the audit log are untouched. */
async function expectRefused(tenant: TestTenant, attempt: () => Promise<unknown>, code: string) {
  const before = await roles(tenant.id);
  const auditBefore = (await auditRows(tenant.id)).length;
  expect(await refusal(attempt())).toBe(code);
  expect(await roles(tenant.id)).toEqual(before);
  expect(await auditRows(tenant.id)).toHaveLength(auditBefore);
}

describe("getMembersPage", () => {
  it("pages members 20 at a time with the right total", async () => {
    const ws = await createWorkspace();
    const extra = await Promise.all(Array.from({ length: 21 }, (_, i) => createUser({ name: `Paged ${String(i).padStart(2, "0")}` })));
    for (const user of extra) await addMember(ws.tenant.id, user.id, "member");
    const scope = actorFor(ws.tenant, ws.member);

    const page1 = await membersPage(scope, query({ sort: "email" }));
    expect(page1).toMatchObject({ total: 25, page: 1, pageSize: MEMBERS_PAGE_SIZE });
    expect(page1.members).toHaveLength(20);
    const page2 = await membersPage(scope, query({ sort: "email", page: 2 }));
    expect(page2.total).toBe(25);
    expect(page2.members).toHaveLength(5);
    const seen = [...page1.members, ...page2.members].map((m) => m.userId);
    expect(new Set(seen).size).toBe(25);
    expect(new Set(seen)).toEqual(new Set([ws.owner.id, ws.admin.id, ws.auditor.id, ws.member.id, ...extra.map((u) => u.id)]));

    const beyond = await membersPage(scope, query({ page: 3 }));
    expect(beyond.members).toEqual([]);
    expect(beyond.total).toBe(25);
  });

  it("pages by join date and by role, ties included, with each row's own name and email", async () => {
    // These sorts page tenant_members first and join users for the page only.
    const tenant = await createTenantRow();
    const users = await Promise.all(Array.from({ length: 25 }, (_, i) => createUser({ name: `Tied ${i}` })));
    for (const [i, user] of users.entries()) {
      await owner().query(
        "INSERT INTO tenant_members (tenant_id, user_id, role, created_at) VALUES ($1, $2, $3, '2026-01-01T00:00:00Z')",
        [tenant.id, user.id, i === 0 ? "owner" : i % 2 ? "member" : "admin"],
      );
    }
    const byId = new Map(users.map((u) => [u.id, u]));
    const scope = actorFor(tenant, users[0]!);
    for (const sort of ["joined", "role"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        const page1 = await membersPage(scope, query({ sort, dir }));
        const page2 = await membersPage(scope, query({ sort, dir, page: 2 }));
        expect(page1.total).toBe(25);
        expect(page1.members).toHaveLength(20);
        expect(page2.members).toHaveLength(5);
        const rows = [...page1.members, ...page2.members];
        expect(new Set(rows.map((m) => m.userId)).size).toBe(25);
        for (const row of rows) {
          expect(row.email).toBe(byId.get(row.userId)!.email);
          expect(row.name).toBe(byId.get(row.userId)!.name);
        }
        if (sort === "role") {
          const ranks = rows.map((m) => ["owner", "admin", "auditor", "member"].indexOf(m.role));
          expect(ranks).toEqual([...ranks].sort((a, b) => (dir === "asc" ? a - b : b - a)));
        }
      }
    }
  });

  it("searches name and email case-insensitively, and treats % and _ literally", async () => {
    const tenant = await createTenantRow();
    const tag = unique();
    const [percent, plain, underscore, lookalike, zelda] = await Promise.all([
      createUser({ name: "100% Pure", email: `p1-${tag}@example.test` }),
      createUser({ name: "1000 Pure", email: `p2-${tag}@example.test` }),
      createUser({ name: "Under Score", email: `a_b-${tag}@example.test` }),
      createUser({ name: "Look Alike", email: `axb-${tag}@example.test` }),
      createUser({ name: "Zelda Zephyr", email: `zz-${tag}@example.test` }),
    ]);
    for (const u of [percent, plain, underscore, lookalike, zelda]) await addMember(tenant.id, u!.id, "member");
    const scope = actorFor(tenant, zelda!);
    const ids = async (q: string) => (await membersPage(scope, query({ q, sort: "email" }))).members.map((m) => m.userId);

    expect(await ids("zELDA")).toEqual([zelda!.id]);
    expect(await ids("ZZ-")).toEqual([zelda!.id]);
    expect(await ids(`A_B-${tag.toUpperCase()}`)).toEqual([underscore!.id]);
    expect(await ids("a_b")).toEqual([underscore!.id]);
    expect(await ids("100%")).toEqual([percent!.id]);
    expect(await ids("%")).toEqual([percent!.id]);
    expect(await ids("_")).toEqual([underscore!.id]);
    expect(await ids("Pure")).toEqual([percent!.id, plain!.id]);
    expect(await ids("nobody-matches-this")).toEqual([]);
    const page = await membersPage(scope, query({ q: "pure" }));
    expect(page.total).toBe(2);
    // The schema trims the query, so surrounding spaces do not change the search.
    expect(memberListQuerySchema.parse({ q: "  zelda ", sort: "nope", dir: "sideways", page: "x", ipage: "-3" })).toEqual({
      q: "zelda",
      sort: "joined",
      dir: "asc",
      page: 1,
      ipage: 1,
    });
    // A search Postgres cannot take (a NUL byte) is no search, like any other bad value here.
    expect(memberListQuerySchema.parse({ q: "zel\u0000da" }).q).toBe("");
  });

  it("finds a search's members with app_member_search: the context's workspace only, and only for a context that may read its members", async () => {
    const tag = unique();
    const [a, b] = await Promise.all([createTenantRow(), createTenantRow()]);
    const [mine, theirs, viewer, outsider] = await Promise.all([
      createUser({ name: `Searchable ${tag}`, email: `mine-${tag}@example.test` }),
      createUser({ name: `Searchable ${tag}`, email: `theirs-${tag}@example.test` }),
      createUser({ email: uniqueEmail("viewer") }),
      createUser({ email: uniqueEmail("outsider") }),
    ]);
    await Promise.all([addMember(a.id, mine.id, "member"), addMember(b.id, theirs.id, "member"), addMember(a.id, viewer.id, "auditor")]);
    const search = (client: { query: (text: string, values: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }> }, tenantId: string, q: string) =>
      client.query("SELECT user_id, email, role FROM app_member_search($1, $2)", [tenantId, q]).then((r) => r.rows);

    // In A: A's member only, though B's has the same name; % and _ literally.
    expect(await asApp({ tenantId: a.id, user: viewer }, (c) => search(c, a.id, `searchable ${tag}`))).toEqual([{ user_id: mine.id, email: mine.email, role: "member" }]);
    expect(await asApp({ tenantId: a.id, user: viewer }, (c) => search(c, a.id, "%"))).toEqual([]);
    // B from A's context, no workspace in the context, or a user who is not in A: nothing.
    expect(await asApp({ tenantId: a.id, user: viewer }, (c) => search(c, b.id, `searchable ${tag}`))).toEqual([]);
    expect(await asApp({}, (c) => search(c, a.id, tag))).toEqual([]);
    expect(await asApp({ user: outsider }, (c) => search(c, a.id, tag))).toEqual([]);
    expect(await pgErrorCode(asApp({ tenantId: a.id, user: outsider }, (c) => search(c, a.id, tag)))).not.toBe("ok");
    // An empty or overlong search is no search.
    expect(await pgErrorCode(asApp({ tenantId: a.id, user: viewer }, (c) => search(c, a.id, "")))).toBe("22023");
    expect(await pgErrorCode(asApp({ tenantId: a.id, user: viewer }, (c) => search(c, a.id, "x".repeat(201))))).toBe("22023");
  });

  it("pages and counts members with app_member_page and app_member_counts: the context's workspace only, for a context that may read its members", async () => {
    const [a, b] = await Promise.all([createTenantRow(), createTenantRow()]);
    const [first, second, viewer, theirs, outsider] = await Promise.all([createUser(), createUser(), createUser(), createUser(), createUser()]);
    await owner().query(
      `INSERT INTO tenant_members (tenant_id, user_id, role, created_at)
       VALUES ($1, $2, 'owner', '2026-01-01T00:00:00Z'), ($1, $3, 'member', '2026-01-01T00:01:00Z'), ($1, $4, 'auditor', '2026-01-01T00:02:00Z'), ($5, $6, 'owner', '2026-01-01T00:00:00Z')`,
      [a.id, first.id, second.id, viewer.id, b.id, theirs.id],
    );
    type Client = { query: (text: string, values: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }> };
    const page = (c: Client, tenantId: string, order = "joined", desc = false, limit = 20, offset = 0) =>
      c.query("SELECT user_id, email, role FROM app_member_page($1, $2, $3, $4, $5)", [tenantId, order, desc, limit, offset]).then((r) => r.rows);
    const counts = (c: Client, tenantId: string) => c.query("SELECT total, owners FROM app_member_counts($1)", [tenantId]).then((r) => r.rows[0]);

    const inA = { tenantId: a.id, user: viewer };
    expect(await asApp(inA, (c) => page(c, a.id))).toEqual([
      { user_id: first.id, email: first.email, role: "owner" },
      { user_id: second.id, email: second.email, role: "member" },
      { user_id: viewer.id, email: viewer.email, role: "auditor" },
    ]);
    expect((await asApp(inA, (c) => page(c, a.id, "joined", true, 1, 1))).map((r) => r.user_id)).toEqual([second.id]);
    expect((await asApp(inA, (c) => page(c, a.id, "role"))).map((r) => r.role)).toEqual(["owner", "auditor", "member"]);
    expect(await asApp(inA, (c) => counts(c, a.id))).toEqual({ total: 3, owners: 1 });
    // Another workspace than the context's, no workspace, or a user who is not in it: nothing.
    expect(await asApp(inA, (c) => page(c, b.id))).toEqual([]);
    expect(await asApp(inA, (c) => counts(c, b.id))).toEqual({ total: 0, owners: 0 });
    expect(await asApp({ user: viewer }, (c) => page(c, a.id))).toEqual([]);
    expect(await asApp({ user: outsider }, (c) => counts(c, a.id))).toEqual({ total: 0, owners: 0 });
    expect(await pgErrorCode(asApp({ tenantId: a.id, user: outsider }, (c) => page(c, a.id)))).not.toBe("ok");
    // Only the orders it has an index for.
    expect(await pgErrorCode(asApp(inA, (c) => page(c, a.id, "email")))).toBe("22023");
  });

  it("sent with an entry that enters no workspace, reads nothing and fails nothing, under every sort and with a search", async () => {
    const [a, suspended] = await Promise.all([createTenantRow(), createTenantRow()]);
    const [someone, stranger] = await Promise.all([createUser(), createUser()]);
    await Promise.all([addMember(a.id, someone.id, "owner"), addMember(suspended.id, someone.id, "member")]);
    await setTenantStatus(suspended.id, "blocked");
    const request = { ip: null, userAgent: null };
    for (const q of [query(), query({ sort: "role", dir: "desc" }), query({ sort: "name" }), query({ q: "someone" }), query({ q: "x", sort: "email" })]) {
      // No membership at all: onboarding. A cookie naming a suspended workspace: the page saying so.
      expect(await resolveWithData(credentialOf(stranger), a.id, request, membersPageRead(q))).toMatchObject({ resolution: { kind: "no-tenant" }, data: null });
      expect(await resolveWithData(credentialOf(someone), suspended.id, request, membersPageRead(q))).toMatchObject({ resolution: { kind: "suspended" }, data: null });
    }
  });

  it("sorts by name, email, role and joined, ascending and descending", async () => {
    const tenant = await createTenantRow();
    const tag = unique();
    const charlie = await createUser({ name: "Charlie", email: `b-${tag}@example.test` });
    const alice = await createUser({ name: "alice", email: `d-${tag}@example.test` });
    const nameless = await createUser({ email: `zed-${tag}@example.test` });
    const bob = await createUser({ name: "Bob", email: `c-${tag}@example.test` });
    const joined: Array<[string, string, number]> = [
      [nameless.id, "auditor", 0],
      [charlie.id, "member", 1],
      [bob.id, "admin", 2],
      [alice.id, "owner", 3],
    ];
    for (const [userId, role, minutes] of joined) {
      await owner().query(
        "INSERT INTO tenant_members (tenant_id, user_id, role, created_at) VALUES ($1, $2, $3, '2026-01-01T00:00:00Z'::timestamptz + $4 * interval '1 minute')",
        [tenant.id, userId, role, minutes],
      );
    }
    const scope = actorFor(tenant, bob);
    const order = async (sort: MemberListQuery["sort"], dir: MemberListQuery["dir"]) =>
      (await membersPage(scope, query({ sort, dir }))).members.map((m) => m.userId);

    expect(await order("name", "asc")).toEqual([alice.id, bob.id, charlie.id, nameless.id]);
    expect(await order("name", "desc")).toEqual([nameless.id, charlie.id, bob.id, alice.id]);
    expect(await order("email", "asc")).toEqual([charlie.id, bob.id, alice.id, nameless.id]);
    expect(await order("email", "desc")).toEqual([nameless.id, alice.id, bob.id, charlie.id]);
    expect(await order("role", "asc")).toEqual([alice.id, bob.id, nameless.id, charlie.id]);
    expect(await order("role", "desc")).toEqual([charlie.id, nameless.id, bob.id, alice.id]);
    expect(await order("joined", "asc")).toEqual([nameless.id, charlie.id, bob.id, alice.id]);
    expect(await order("joined", "desc")).toEqual([alice.id, bob.id, charlie.id, nameless.id]);

    const page = await membersPage(scope, query({ sort: "name" }));
    expect(page.members[0]).toEqual({
      userId: alice.id,
      name: "alice",
      email: alice.email,
      role: "owner",
      joinedAt: new Date("2026-01-01T00:03:00Z"),
    });
  });

  it("lists pending invitations only (flagging lapsed ones) and counts owners", async () => {
    const ws = await createWorkspace();
    const coOwner = await createUser();
    await addMember(ws.tenant.id, coOwner.id, "owner");
    const pending = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("pending"), role: "admin", invitedBy: ws.owner.id });
    const lapsed = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("lapsed"), expiresAt: new Date(Date.now() - 60_000) });
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("revoked"), status: "revoked" });
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("accepted"), status: "accepted" });
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("expired"), status: "expired" });
    const elsewhere = await createTenantRow();
    await insertInvitation({ tenantId: elsewhere.id, email: uniqueEmail("elsewhere") });

    const page = await membersPage(actorFor(ws.tenant, ws.auditor), query());
    expect(page.ownerCount).toBe(2);
    expect(page.total).toBe(5);
    expect(page.invitations.map((i) => i.id).sort()).toEqual([pending.id, lapsed.id].sort());
    expect(page.invitations.find((i) => i.id === pending.id)).toMatchObject({ role: "admin", invitedBy: "Olive Owner", expired: false });
    expect(page.invitations.find((i) => i.id === lapsed.id)).toMatchObject({ expired: true, invitedBy: null });
  });

  it("says which pending invitations' email could not be sent, as the invitation recorded it — also after a resend", async () => {
    const ws = await createWorkspace();
    const admin = actorFor(ws.tenant, ws.admin);
    const unsent = await withBrokenSmtp(() => inviteMember(admin, { email: uniqueEmail("unsent"), role: "member" }));
    const sent = await inviteMember(admin, { email: uniqueEmail("sent"), role: "auditor" });
    expect(unsent.emailDispatched).toBe(false);
    const listed = async () => Object.fromEntries((await membersPage(admin, query())).invitations.map((i) => [i.id, i.emailDispatched]));
    expect(await listed()).toEqual({ [unsent.invitationId]: false, [sent.invitationId]: true });
    // A resend that goes through replaces it with one that was sent; one that fails again, with one that was not.
    const resent = await resendInvitation(admin, unsent.invitationId);
    const failedAgain = await withBrokenSmtp(() => resendInvitation(admin, sent.invitationId));
    expect(await listed()).toEqual({ [resent.invitationId]: true, [failedAgain.invitationId]: false });
    // As the audit log says of each.
    const audited = Object.fromEntries(
      (await auditRows(ws.tenant.id, "member.invite.resend")).map((r) => [r.target_id, (r.metadata as { email_dispatched: boolean }).email_dispatched]),
    );
    expect(audited).toEqual({ [resent.invitationId]: true, [failedAgain.invitationId]: false });
  });

  it("pages pending invitations 20 at a time, newest first, with their total", async () => {
    const ws = await createWorkspace();
    const made: string[] = [];
    for (let i = 0; i < INVITATIONS_PAGE_SIZE + 3; i++) {
      made.push((await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail(`paged${i}`), invitedBy: ws.owner.id })).id);
    }
    const scope = actorFor(ws.tenant, ws.admin);
    const first = await membersPage(scope, query());
    const second = await membersPage(scope, query({ ipage: 2 }));
    expect(first).toMatchObject({ invitationTotal: INVITATIONS_PAGE_SIZE + 3, invitationPage: 1 });
    expect(first.invitations).toHaveLength(INVITATIONS_PAGE_SIZE);
    expect(second.invitations).toHaveLength(3);
    expect(new Set([...first.invitations, ...second.invitations].map((i) => i.id))).toEqual(new Set(made));
    const times = [...first.invitations, ...second.invitations].map((i) => i.createdAt.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it("lists the invitations declined in the last 30 days apart from the pending ones, most recent first, until the address is invited again — in the page's one statement", async () => {
    const ws = await createWorkspace();
    const declinedAt = async (id: string, daysAgo: number) =>
      owner().query("UPDATE tenant_invitations SET declined_at = now() - make_interval(days => $2) WHERE id = $1", [id, daysAgo]);
    const pending = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("pending"), invitedBy: ws.owner.id });
    const recent = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("recent"), role: "auditor", status: "declined", invitedBy: ws.admin.id });
    await declinedAt(recent.id, 1);
    const older = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("older"), status: "declined", invitedBy: ws.owner.id });
    await declinedAt(older.id, 29);
    const stale = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("stale"), status: "declined" });
    await declinedAt(stale.id, 31);
    const reinvitedEmail = uniqueEmail("reinvited");
    const reinvited = await insertInvitation({ tenantId: ws.tenant.id, email: reinvitedEmail, status: "declined" });
    await declinedAt(reinvited.id, 2);
    await owner().query("UPDATE tenant_invitations SET created_at = now() - interval '3 days' WHERE id = $1", [reinvited.id]);
    const again = await inviteMember(actorFor(ws.tenant, ws.owner), { email: reinvitedEmail, role: "member" });
    const elsewhere = await createTenantRow();
    const theirs = await insertInvitation({ tenantId: elsewhere.id, email: uniqueEmail("theirs"), status: "declined" });
    await declinedAt(theirs.id, 1);

    const page = await membersPage(actorFor(ws.tenant, ws.auditor), query());
    // Pending only: the count, the page and the seats.
    expect(page.invitations.map((i) => i.id).sort()).toEqual([pending.id, again.invitationId].sort());
    expect(page.invitationTotal).toBe(2);
    expect(page.invitations.every((i) => i.status === "pending" && i.declinedAt === null)).toBe(true);
    expect(page.declined.map((i) => i.id)).toEqual([recent.id, older.id]);
    expect(page.declinedTotal).toBe(2);
    expect(page.declined[0]).toMatchObject({ status: "declined", role: "auditor", invitedBy: "Adam Admin", declinedAt: expect.any(Date) });
    expect(Date.now() - page.declined[0]!.declinedAt!.getTime()).toBeGreaterThan(86_000_000);
    const plan = await withTenant(actorFor(ws.tenant, ws.owner), (tx) => readWorkspacePlan(tx, ws.tenant.id));
    expect(plan!.seatsUsed).toBe(page.total + 2);

    // Paged for the API (dpage), and sent with the page's entry as the page sends it: one statement.
    expect((await membersPage(actorFor(ws.tenant, ws.admin), query({ dpage: 2 }))).declined).toEqual([]);
    const viewed = await resolveWithData(credentialOf(ws.member), ws.tenant.id, { ip: null, userAgent: null }, membersPageRead(query()));
    expect(viewed.data!.declined.map((i) => i.id)).toEqual([recent.id, older.id]);
  });

  it("reads the plan's seats and how many are taken as the seats limit counts them (members and pending, unexpired invitations) — in the page's one statement", async () => {
    const ws = await createWorkspace();
    // The suites' default plan limits no seats: nothing to count.
    expect((await membersPage(actorFor(ws.tenant, ws.owner), query())).seats).toEqual({ limit: null, used: null });

    const plan = `seats-${unique()}`;
    await owner().query("INSERT INTO plans (id, name, seats) VALUES ($1, $1, 9)", [plan]);
    await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenant.id, plan]);
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("seat"), invitedBy: ws.owner.id });
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("seat2"), invitedBy: ws.owner.id });
    // Listed as pending, but holding no seat: lapsed.
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("lapsed"), expiresAt: new Date(Date.now() - 60_000) });
    for (const status of ["declined", "revoked", "accepted", "expired"]) {
      await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail(status), status });
    }
    const trashed = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("trashed") });
    await owner().query("UPDATE tenant_invitations SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [trashed.id]);
    const elsewhere = await createWorkspace();
    await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [elsewhere.tenant.id, plan]);
    await insertInvitation({ tenantId: elsewhere.tenant.id, email: uniqueEmail("elsewhere") });

    const limitCounts = async () =>
      (await owner().query<{ n: number }>("SELECT app_plan_usage($1, 'seats')::int AS n", [ws.tenant.id])).rows[0]!.n;
    expect(await limitCounts()).toBe(6);
    for (const user of [ws.owner, ws.admin, ws.auditor, ws.member]) {
      const page = await membersPage(actorFor(ws.tenant, user), query());
      expect(page.seats).toEqual({ limit: 9, used: 6 });
      // Members and pending invitations as listed would say 8: the lapsed one and the one in the trash hold no seat.
      expect(page.total + page.invitationTotal).toBe(8);
    }
    // Sent with the page's entry, as the page sends it: one statement, the same count.
    const viewed = await resolveWithData(credentialOf(ws.admin), ws.tenant.id, { ip: null, userAgent: null }, membersPageRead(query({ q: "a", sort: "name" })));
    expect(viewed.data!.seats).toEqual({ limit: 9, used: 6 });
    // A seat freed is counted at once; a member added takes one.
    await owner().query("UPDATE tenant_invitations SET status = 'revoked' WHERE tenant_id = $1 AND email LIKE 'seat2%'", [ws.tenant.id]);
    await addMember(ws.tenant.id, (await createUser()).id, "member");
    expect((await membersPage(actorFor(ws.tenant, ws.admin), query())).seats).toEqual({ limit: 9, used: await limitCounts() });
    expect(await limitCounts()).toBe(6);
  });

  it("refuses a member of A who asks for B's members: the database will not enter B for them", async () => {
    const [a, b] = await Promise.all([createWorkspace(), createWorkspace()]);
    await insertInvitation({ tenantId: b.tenant.id, email: uniqueEmail("b-invite"), invitedBy: b.owner.id });
    await expect(membersPage({ ...actorFor(a.tenant, a.member), tenantId: b.tenant.id }, query())).rejects.toMatchObject({
      code: "not_member",
    });
  });

  it("refuses, at the start of the transaction, a member removed after their request began", async () => {
    const ws = await createWorkspace();
    await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.member.id]);
    await expect(membersPage(actorFor(ws.tenant, ws.member), query())).rejects.toMatchObject({
      code: "not_member",
    });
  });
});

describe("changeMemberRole", () => {
  it("lets an owner make a member an admin, audited with from and to", async () => {
    const ws = await createWorkspace();
    expect(await changeMemberRole(actorFor(ws.tenant, ws.owner), ws.member.id, "admin")).toEqual({ from: "member", to: "admin" });
    expect(await memberRole(ws.tenant.id, ws.member.id)).toBe("admin");
    const audit = await auditRows(ws.tenant.id, "member.role.change");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: ws.owner.id,
      target_type: "user",
      target_id: ws.member.id,
      ip: clientIpOf(ws.owner),
      metadata: { email: ws.member.email, from: "member", to: "admin" },
    });
  });

  it("lets an admin change a non-owner's role", async () => {
    const ws = await createWorkspace();
    expect(await changeMemberRole(actorFor(ws.tenant, ws.admin), ws.auditor.id, "member")).toEqual({ from: "auditor", to: "member" });
    expect(await memberRole(ws.tenant.id, ws.auditor.id)).toBe("member");
  });

  it("refuses an admin changing an owner's role", async () => {
    const ws = await createWorkspace();
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.admin), ws.owner.id, "member"), "forbidden");
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.admin), ws.owner.id, "admin"), "forbidden");
  });

  it("refuses an admin making someone an owner (including themselves)", async () => {
    const ws = await createWorkspace();
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.admin), ws.member.id, "owner"), "forbidden");
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.admin), ws.admin.id, "owner"), "forbidden");
  });

  it("refuses an owner too: only an ownership transfer makes an owner, and the form offers no owner", async () => {
    const ws = await createWorkspace();
    await expect(changeMemberRole(actorFor(ws.tenant, ws.owner), ws.admin.id, "owner")).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringContaining("Transfer ownership"),
    });
    expect(await memberRole(ws.tenant.id, ws.admin.id)).toBe("admin");
    expect(await auditRows(ws.tenant.id, "member.role.change")).toHaveLength(0);
    const parsed = changeRoleSchema.safeParse({ userId: ws.admin.id, role: "owner" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain("An owner is made by transferring ownership.");
  });

  it("refuses auditors and members any role change", async () => {
    const ws = await createWorkspace();
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.auditor), ws.member.id, "admin"), "forbidden");
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.member), ws.member.id, "admin"), "forbidden");
  });

  it("refuses demoting the last owner, even oneself: last_owner", async () => {
    const ws = await createWorkspace();
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.owner), ws.owner.id, "admin"), "last_owner");
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.owner), ws.owner.id, "member"), "last_owner");
  });

  it("tells the last owner demoting themselves that they are, and the one way on: 'You are the last owner', transfer ownership", async () => {
    const ws = await createWorkspace();
    const own = await changeMemberRole(actorFor(ws.tenant, ws.owner), ws.owner.id, "member").catch((e: unknown) => e);
    expect(own).toBeInstanceOf(DomainError);
    expect((own as DomainError).message).toMatch(/^You are the last owner/);
    // Only a transfer makes someone an owner: no advice to make someone else one by a role change.
    expect((own as DomainError).message).not.toMatch(/make someone else an owner/);
    expect((own as DomainError).message).toContain("transfer ownership to someone else");
    expect((own as DomainError).message).not.toContain(ws.owner.email);
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBe("owner");
  });

  it("counts only active owners: a deactivated co-owner does not let the last active owner step down", async () => {
    const ws = await createWorkspace();
    const dormant = await createUser({ active: false });
    await addMember(ws.tenant.id, dormant.id, "owner");
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.owner), ws.owner.id, "admin"), "last_owner");
  });

  it("with two owners, demotes one (oneself or the other)", async () => {
    const ws = await createWorkspace();
    const second = await createUser();
    await addMember(ws.tenant.id, second.id, "owner");
    expect(await changeMemberRole(actorFor(ws.tenant, ws.owner), second.id, "admin")).toEqual({ from: "owner", to: "admin" });
    expect(await memberRole(ws.tenant.id, second.id)).toBe("admin");
    // Now the sole owner again: cannot step down.
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.owner), ws.owner.id, "admin"), "last_owner");

    const ws2 = await createWorkspace();
    const other = await createUser();
    await addMember(ws2.tenant.id, other.id, "owner");
    expect(await changeMemberRole(actorFor(ws2.tenant, ws2.owner), ws2.owner.id, "member")).toEqual({ from: "owner", to: "member" });
    expect(await memberRole(ws2.tenant.id, ws2.owner.id)).toBe("member");
    expect(await memberRole(ws2.tenant.id, other.id)).toBe("owner");
  });

  it("refuses a change to the same role: no_change", async () => {
    const ws = await createWorkspace();
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.owner), ws.member.id, "member"), "no_change");
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.owner), ws.owner.id, "owner"), "no_change");
  });

  it("refuses a target who is not a member: not_found", async () => {
    const [ws, other] = await Promise.all([createWorkspace(), createWorkspace()]);
    const outsider = await createUser();
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.owner), outsider.id, "admin"), "not_found");
    // A member of another workspace is not reachable either, and keeps their role there.
    await expectRefused(ws.tenant, () => changeMemberRole(actorFor(ws.tenant, ws.owner), other.member.id, "admin"), "not_found");
    expect(await memberRole(other.tenant.id, other.member.id)).toBe("member");
  });

  it("uses the actor's current role: an admin demoted meanwhile is refused", async () => {
    const ws = await createWorkspace();
    const staleActor = actorFor(ws.tenant, ws.admin);
    await owner().query("UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.admin.id]);
    await expectRefused(ws.tenant, () => changeMemberRole(staleActor, ws.auditor.id, "admin"), "forbidden");
  });

  it("refuses an actor removed meanwhile: the database will not enter the workspace for them", async () => {
    const ws = await createWorkspace();
    const staleActor = actorFor(ws.tenant, ws.admin);
    await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.admin.id]);
    await expectRefused(ws.tenant, () => changeMemberRole(staleActor, ws.member.id, "auditor"), "not_member");
  });
});

describe("a delegate (an admin of a parent workspace, acting in its child)", () => {
  it("manages the child's members as the delegated role may — changes roles and removes, as it invites — and never touches an owner", async () => {
    const parent = await createTenantRow({ name: "Reseller" });
    const slug = `child-${randomUUID().slice(0, 8)}`;
    const { rows } = await owner().query<{ id: string }>(
      "INSERT INTO tenants (name, slug, parent_id, delegate_role) VALUES ('Customer', $1, $2, 'admin') RETURNING id",
      [slug, parent.id],
    );
    const child = { id: rows[0]!.id, name: "Customer", slug };
    const [delegate, childOwner, member, other] = await Promise.all([createUser(), createUser(), createUser(), createUser()]);
    await addMember(parent.id, delegate.id, "admin");
    await addMember(child.id, childOwner.id, "owner");
    await addMember(child.id, member.id, "member");
    await addMember(child.id, other.id, "member");
    const actor = actorFor(child, delegate);
    expect(await resolveTenantContext(credentialOf(delegate), child.id)).toMatchObject({ kind: "tenant", role: "admin" });

    expect(await changeMemberRole(actor, member.id, "auditor")).toEqual({ from: "member", to: "auditor" });
    expect(await removeMember(actor, other.id)).toEqual({ email: other.email });
    expect(await memberRole(child.id, member.id)).toBe("auditor");
    expect(await memberRole(child.id, other.id)).toBeNull();
    // An admin, delegated or not, does not touch an owner, nor make one.
    expect(await domainCode(changeMemberRole(actor, childOwner.id, "member"))).toBe("forbidden");
    expect(await domainCode(changeMemberRole(actor, member.id, "owner"))).toBe("forbidden");
    expect(await domainCode(removeMember(actor, childOwner.id))).toBe("forbidden");
    expect(await memberRole(child.id, childOwner.id)).toBe("owner");
  });
});

describe("removeMember", () => {
  it("refuses removing oneself (that is leaving) and writes nothing", async () => {
    const ws = await createWorkspace();
    await expectRefused(ws.tenant, () => removeMember(actorFor(ws.tenant, ws.admin), ws.admin.id), "self_removal");
    await expectRefused(ws.tenant, () => removeMember(actorFor(ws.tenant, ws.owner), ws.owner.id), "self_removal");
    // However the id is spelt (a UUID in capitals is the same UUID, and the schemas accept it).
    await expectRefused(ws.tenant, () => removeMember(actorFor(ws.tenant, ws.admin), ws.admin.id.toUpperCase()), "self_removal");
  });

  it("lets an admin remove a member, audited", async () => {
    const ws = await createWorkspace();
    expect(await removeMember(actorFor(ws.tenant, ws.admin), ws.member.id)).toEqual({ email: ws.member.email });
    expect(await memberRole(ws.tenant.id, ws.member.id)).toBeNull();
    const audit = await auditRows(ws.tenant.id, "member.remove");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: ws.admin.id,
      target_type: "user",
      target_id: ws.member.id,
      metadata: { email: ws.member.email, role: "member" },
    });
  });

  it("refuses an admin removing an owner, and auditors or members removing anyone", async () => {
    const ws = await createWorkspace();
    await expectRefused(ws.tenant, () => removeMember(actorFor(ws.tenant, ws.admin), ws.owner.id), "forbidden");
    await expectRefused(ws.tenant, () => removeMember(actorFor(ws.tenant, ws.auditor), ws.member.id), "forbidden");
    await expectRefused(ws.tenant, () => removeMember(actorFor(ws.tenant, ws.member), ws.auditor.id), "forbidden");
  });

  it("lets an owner remove another owner when there are two", async () => {
    const ws = await createWorkspace();
    const second = await createUser();
    await addMember(ws.tenant.id, second.id, "owner");
    expect(await removeMember(actorFor(ws.tenant, second), ws.owner.id)).toEqual({ email: ws.owner.email });
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBeNull();
    expect(await memberRole(ws.tenant.id, second.id)).toBe("owner");
    expect(await auditRows(ws.tenant.id, "member.remove")).toHaveLength(1);
  });

  it("keeps the only active owner: a co-owner deactivated meanwhile cannot act at all, an admin may not remove owners", async () => {
    const ws = await createWorkspace();
    const second = await createUser();
    await addMember(ws.tenant.id, second.id, "owner");
    const staleSecond = actorFor(ws.tenant, second);
    await owner().query("UPDATE users SET active = false WHERE id = $1", [second.id]);
    // ws.owner is now the only active owner: whoever asks, they stay.
    // Deactivation ended their sessions: they are signed out.
    await expectRefused(ws.tenant, () => removeMember(staleSecond, ws.owner.id), "signed_out");
    await expectRefused(ws.tenant, () => removeMember(actorFor(ws.tenant, ws.admin), ws.owner.id), "forbidden");
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBe("owner");
  });

  it("refuses a target who is not a member of this workspace: not_found", async () => {
    const [ws, other] = await Promise.all([createWorkspace(), createWorkspace()]);
    await expectRefused(ws.tenant, () => removeMember(actorFor(ws.tenant, ws.owner), other.member.id), "not_found");
    expect(await memberRole(other.tenant.id, other.member.id)).toBe("member");
  });

  it("ends access at once: the removed user's cookie no longer resolves to the workspace", async () => {
    const ws = await createWorkspace();
    const elsewhere = await createTenantRow();
    await addMember(elsewhere.id, ws.member.id, "member");
    const before = await resolveTenantContext(credentialOf(ws.member), ws.tenant.id);
    expect(before).toMatchObject({ kind: "tenant", tenantId: ws.tenant.id, source: "cookie" });

    await removeMember(actorFor(ws.tenant, ws.owner), ws.member.id);
    const after = await resolveTenantContext(credentialOf(ws.member), ws.tenant.id);
    expect(after).toMatchObject({ kind: "tenant", tenantId: elsewhere.id, source: "first" });
    expect(after.kind === "tenant" && after.memberships.map((m) => m.tenantId)).toEqual([elsewhere.id]);

    // Someone with no other workspace is left with none.
    await removeMember(actorFor(ws.tenant, ws.owner), ws.auditor.id);
    expect(await resolveTenantContext(credentialOf(ws.auditor), ws.tenant.id)).toMatchObject({ kind: "no-tenant" });
  });
});

describe("a remembered workspace", () => {
  it("is forgotten by the database when its member is removed, and kept when it is another one", async () => {
    const ws = await createWorkspace();
    const elsewhere = await createTenantRow();
    await addMember(elsewhere.id, ws.auditor.id, "member");
    await owner().query("UPDATE users SET last_tenant_id = $1 WHERE id = $2", [ws.tenant.id, ws.member.id]);
    await owner().query("UPDATE users SET last_tenant_id = $1 WHERE id = $2", [elsewhere.id, ws.auditor.id]);
    await removeMember(actorFor(ws.tenant, ws.owner), ws.member.id);
    await removeMember(actorFor(ws.tenant, ws.owner), ws.auditor.id);
    const { rows } = await owner().query<{ id: string; last_tenant_id: string | null }>(
      "SELECT id, last_tenant_id FROM users WHERE id = ANY($1)",
      [[ws.member.id, ws.auditor.id]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.last_tenant_id]))).toEqual({ [ws.member.id]: null, [ws.auditor.id]: elsewhere.id });
  });
});

describe("leaveTenant", () => {
  it("lets a member leave: audited, membership gone, last_tenant_id cleared", async () => {
    const ws = await createWorkspace();
    await owner().query("UPDATE users SET last_tenant_id = $1 WHERE id = $2", [ws.tenant.id, ws.member.id]);
    await leaveTenant(actorFor(ws.tenant, ws.member));
    expect(await memberRole(ws.tenant.id, ws.member.id)).toBeNull();
    const { rows } = await owner().query("SELECT last_tenant_id FROM users WHERE id = $1", [ws.member.id]);
    expect(rows[0].last_tenant_id).toBeNull();
    const audit = await auditRows(ws.tenant.id, "member.leave");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: ws.member.id,
      actor_email: ws.member.email,
      target_type: "user",
      target_id: ws.member.id,
      metadata: { role: "member" },
    });
  });

  it("leaves last_tenant_id alone when it points at another workspace", async () => {
    const ws = await createWorkspace();
    const other = await createTenantRow();
    await addMember(other.id, ws.auditor.id, "member");
    await owner().query("UPDATE users SET last_tenant_id = $1 WHERE id = $2", [other.id, ws.auditor.id]);
    await leaveTenant(actorFor(ws.tenant, ws.auditor));
    expect(await memberRole(ws.tenant.id, ws.auditor.id)).toBeNull();
    const { rows } = await owner().query("SELECT last_tenant_id FROM users WHERE id = $1", [ws.auditor.id]);
    expect(rows[0].last_tenant_id).toBe(other.id);
  });

  it("refuses the last owner leaving, changing nothing", async () => {
    const ws = await createWorkspace();
    await owner().query("UPDATE users SET last_tenant_id = $1 WHERE id = $2", [ws.tenant.id, ws.owner.id]);
    await expectRefused(ws.tenant, () => leaveTenant(actorFor(ws.tenant, ws.owner)), "last_owner");
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBe("owner");
    const { rows } = await owner().query("SELECT last_tenant_id FROM users WHERE id = $1", [ws.owner.id]);
    expect(rows[0].last_tenant_id).toBe(ws.tenant.id);
  });

  it("records the leaver's email as the target's, as a removal does: the target filter by email finds it", async () => {
    const ws = await createWorkspace();
    await leaveTenant(actorFor(ws.tenant, ws.member));
    const parsed = parseAuditFilters(new URLSearchParams({ target: ws.member.email.toUpperCase() }));
    if (!parsed.ok) throw new Error(parsed.error);
    const page = await withTenant(actorFor(ws.tenant, ws.owner), (tx) => listAuditEvents(tx, { tenantId: ws.tenant.id }, parsed.filters));
    const leave = page.events.find((e) => e.action === "member.leave");
    expect(leave).toBeDefined();
    expect(auditEventView(leave!)).toMatchObject({ targetType: "user", targetId: ws.member.id, targetEmail: ws.member.email });
  });

  it("lets an owner with a co-owner leave", async () => {
    const ws = await createWorkspace();
    const coOwner = await createUser();
    await addMember(ws.tenant.id, coOwner.id, "owner");
    await leaveTenant(actorFor(ws.tenant, ws.owner));
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBeNull();
    expect(await memberRole(ws.tenant.id, coOwner.id)).toBe("owner");
    expect((await auditRows(ws.tenant.id, "member.leave")).map((a) => a.metadata)).toEqual([{ email: ws.owner.email, role: "owner" }]);
  });

  it("refuses someone who is not a member: not_member", async () => {
    const ws = await createWorkspace();
    const outsider = await createUser();
    await expectRefused(ws.tenant, () => leaveTenant(actorFor(ws.tenant, outsider)), "not_member");
  });
});
