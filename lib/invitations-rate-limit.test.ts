// Invitations under their rate limits, against the real database and mail
// catcher: sending (per inviter, per workspace, resends included) and opening
// links (per client address, misses only). Each refusal is checked to leave
// no row, no email and no audit entry. Where a figure is large the count is
// arranged through the real limiter (as if those invitations had gone out)
// rather than by sending a hundred emails.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { acceptInvitationByToken, inspectInvitationToken, inviteMember, mintInviteToken, resendInvitation } from "@/lib/invitations";
import { createRateLimiter, ipKey, RATE_LIMITS, RateLimited, type RateLimitName } from "@/lib/rate-limit";
import {
  actorFor,
  auditRows,
  createUser,
  createWorkspace,
  domainCode,
  emailsTo,
  insertInvitation,
  invitationById,
  invitationsFor,
  memberCount,
  owner,
  uniqueEmail,
  uniqueIp,
  userActor,
} from "@/test/fixtures";

const pool = new pg.Pool({ connectionString: process.env.APP_DATABASE_URL, max: 4 });
afterAll(() => pool.end());

/** The app's own limiter for `name`, as another process of the app would hold it. */
const limiterFor = (name: RateLimitName) => createRateLimiter(name, RATE_LIMITS[name], pool);
/** Records `n` requests against a key, as if they had been made. */
const arrange = (name: RateLimitName, key: string, n: number) => limiterFor(name).consume(key, n);
const counted = async (name: RateLimitName, key: string) => (await limiterFor(name).get(key))?.consumedPoints ?? 0;

async function refusedBy(promise: Promise<unknown>): Promise<RateLimited> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RateLimited);
  return error as RateLimited;
}

const invitationCount = async (tenantId: string) =>
  (await owner().query<{ n: number }>("SELECT count(*)::int AS n FROM tenant_invitations WHERE tenant_id = $1", [tenantId])).rows[0]!.n;

describe("sending invitations", () => {
  it("refuses an inviter's 31st invitation within an hour: no invitation, no email, no audit row; a fellow admin still invites", async () => {
    const ws = await createWorkspace();
    const admin = actorFor(ws.tenant, ws.admin);
    for (let i = 0; i < 30; i++) await inviteMember(admin, { email: uniqueEmail(`batch${i}`), role: "member" });

    const email = uniqueEmail("thirty-first");
    const refused = await refusedBy(inviteMember(admin, { email, role: "member" }));
    expect(refused.limit).toBe("invitationsPerInviter");
    expect(refused.message).toMatch(/^You have sent too many invitations recently\. Try again in (59|60) minutes\.$/);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(await invitationsFor(ws.tenant.id, email)).toEqual([]);
    expect(await emailsTo(email, 0)).toEqual([]);
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(30);

    expect(await domainCode(inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "member" }))).toBe("ok");
  });

  it("counts a resend as an invitation: over the limit it leaves the invitation and its link as they were", async () => {
    const ws = await createWorkspace();
    const admin = actorFor(ws.tenant, ws.admin);
    const email = uniqueEmail("resent");
    const { id } = await insertInvitation({ tenantId: ws.tenant.id, email, invitedBy: ws.admin.id });
    await arrange("invitationsPerInviter", ws.admin.id, 29);

    const resent = await resendInvitation(admin, id);
    const before = await invitationById(resent.invitationId);
    const refused = await refusedBy(resendInvitation(admin, resent.invitationId));
    expect(refused.limit).toBe("invitationsPerInviter");
    expect(await invitationById(resent.invitationId)).toEqual(before);
    expect(before?.status).toBe("pending");
    expect(await invitationsFor(ws.tenant.id, email)).toHaveLength(2);
    expect(await emailsTo(email, 1)).toHaveLength(1);
    expect(await auditRows(ws.tenant.id, "member.invite.resend")).toHaveLength(1);
  });

  it("refuses a workspace's 101st invitation within an hour whoever sends it, without counting it against the sender; another workspace is unaffected", async () => {
    const ws = await createWorkspace();
    await arrange("invitationsPerWorkspace", ws.tenant.id, 99);
    await inviteMember(actorFor(ws.tenant, ws.admin), { email: uniqueEmail("hundredth"), role: "member" });

    const email = uniqueEmail("hundred-first");
    const refused = await refusedBy(inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "auditor" }));
    expect(refused.limit).toBe("invitationsPerWorkspace");
    expect(refused.message).toMatch(/^This workspace has sent too many invitations recently\. Try again in (59|60) minutes\.$/);
    expect(await invitationsFor(ws.tenant.id, email)).toEqual([]);
    expect(await emailsTo(email, 0)).toEqual([]);
    expect(await counted("invitationsPerInviter", ws.owner.id)).toBe(0);

    const other = await createWorkspace();
    expect(await domainCode(inviteMember(actorFor(other.tenant, other.admin), { email, role: "member" }))).toBe("ok");
  });

  it("lets exactly the remaining five of 20 simultaneous invitations go out", async () => {
    const ws = await createWorkspace();
    await arrange("invitationsPerWorkspace", ws.tenant.id, 95);
    const admin = actorFor(ws.tenant, ws.admin);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => domainCode(inviteMember(admin, { email: uniqueEmail(`rush${i}`), role: "member" }))),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(5);
    expect(outcomes.filter((o) => o === "rate_limited")).toHaveLength(15);
    expect(await invitationCount(ws.tenant.id)).toBe(5);
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(5);
    // The 15 refused took back what they had taken from the inviter.
    expect(await counted("invitationsPerInviter", ws.admin.id)).toBe(5);
  });

  it("does not count an invitation the domain refuses, which sends nothing", async () => {
    const ws = await createWorkspace();
    const admin = actorFor(ws.tenant, ws.admin);
    expect(await domainCode(inviteMember(admin, { email: ws.member.email, role: "member" }))).toBe("already_member");
    expect(await domainCode(inviteMember(admin, { email: ws.admin.email, role: "member" }))).toBe("self_invite");
    expect(await counted("invitationsPerInviter", ws.admin.id)).toBe(0);
    expect(await counted("invitationsPerWorkspace", ws.tenant.id)).toBe(0);
  });
});

describe("opening invitation links", () => {
  // The lib applies the limit itself, by the request's address (as the /invite page calls it).
  const inspect = (ip: string | null, token: string) => inspectInvitationToken(token, null, { ip, userAgent: "vitest" });
  const guess = () => mintInviteToken().token;

  it("refuses a client address's 31st link that matches nothing within 15 minutes, even a real one then; another address is unaffected", async () => {
    const ws = await createWorkspace();
    const real = mintInviteToken();
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("real"), tokenHash: real.tokenHash });
    const ip = uniqueIp();
    for (let i = 0; i < 30; i++) expect(await inspect(ip, guess())).toEqual({ ok: false, reason: "not_found" });

    const refused = await refusedBy(inspect(ip, real.token));
    expect(refused.limit).toBe("inviteTokenMissesPerIp");
    expect(refused.message).toMatch(/^Too many invitation links that match no invitation were opened from your network\. Try again in (14|15) minutes\.$/);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect((await inspect(uniqueIp(), real.token)).ok).toBe(true);
  });

  it("never counts a link that matches an invitation, whatever became of it", async () => {
    const ws = await createWorkspace();
    const tokens = [];
    for (const status of ["pending", "revoked", "accepted", "expired"]) {
      const { token, tokenHash } = mintInviteToken();
      await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail(status), status, tokenHash });
      tokens.push(token);
    }
    const ip = uniqueIp();
    for (let i = 0; i < 40; i++) await inspect(ip, tokens[i % tokens.length]!);
    expect(await counted("inviteTokenMissesPerIp", ipKey(ip)!)).toBe(0);
    for (let i = 0; i < 30; i++) await inspect(ip, guess());
    await refusedBy(inspect(ip, guess()));
  });

  it("over the limit, accepting through a link changes nothing", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { token, tokenHash } = mintInviteToken();
    const { id } = await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, tokenHash });
    const ip = uniqueIp();
    for (let i = 0; i < 30; i++) await inspect(ip, guess());
    const members = await memberCount(ws.tenant.id);
    const before = await invitationById(id);

    await refusedBy(acceptInvitationByToken({ ...userActor(invitee), request: { ip, userAgent: "vitest" } }, token));
    expect(await memberCount(ws.tenant.id)).toBe(members);
    expect(await invitationById(id)).toEqual(before);
    expect(await auditRows(ws.tenant.id, "member.invite.accept")).toEqual([]);
  });

  it("looks up only the remaining ten of 20 simultaneous guesses", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 20; i++) await inspect(ip, guess());
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => inspect(ip, guess())));
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(10);
    for (const s of settled.filter((s) => s.status === "rejected")) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(RateLimited);
  });

  it("is applied by the lib itself to every caller's look-up (the page's, the action's, the API's), counting each miss once", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const real = mintInviteToken();
    await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, tokenHash: real.tokenHash });
    const ip = uniqueIp();
    const from = { ip, userAgent: "vitest" };
    const asInvitee = { ...userActor(invitee), request: from };
    // Opening a link (the /invite page: the visitor's address, signed in or not).
    expect(await inspectInvitationToken(guess(), null, from)).toEqual({ ok: false, reason: "not_found" });
    expect(await counted("inviteTokenMissesPerIp", ipKey(ip)!)).toBe(1);
    expect(await inspectInvitationToken(guess(), asInvitee)).toEqual({ ok: false, reason: "not_found" });
    expect(await counted("inviteTokenMissesPerIp", ipKey(ip)!)).toBe(2);
    // Accepting through a link (the page's action and POST /invitations/accept: the actor's request).
    for (let i = 0; i < 28; i++) expect(await acceptInvitationByToken(asInvitee, guess())).toEqual({ ok: false, reason: "not_found" });
    expect(await counted("inviteTokenMissesPerIp", ipKey(ip)!)).toBe(30);
    await refusedBy(acceptInvitationByToken(asInvitee, real.token));
    await refusedBy(inspectInvitationToken(real.token, null, from));
    expect(await memberCount(ws.tenant.id)).toBe(4);
  });

  it("without a known client address, limits nothing (a shared bucket would let one client lock out every other)", async () => {
    for (let i = 0; i < 31; i++) expect(await inspect(null, guess())).toEqual({ ok: false, reason: "not_found" });
  });
});
