import net from "node:net";
// Invitations at the lib level, against the real database and mail catcher:
// every guardrail, with the rows and audit entries each outcome leaves (or,
// for a refusal, does not leave).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import {
  acceptInvitationById,
  acceptInvitationByToken,
  dashboardRead,
  declineInvitation,
  hashInviteToken,
  INVITATION_TTL_DAYS,
  inspectInvitationToken,
  inviteMember,
  inviteSchema,
  invitationsForUserRead,
  listInvitationsForUser,
  mintInviteToken,
  replacementNote,
  resendInvitation,
  revokeInvitation,
} from "@/lib/invitations";
import { INVITE_TOKEN_LENGTH, isInviteTokenShape } from "@/lib/invite-token";
import { readWorkspacePlan } from "@/lib/billing/limits";
import { deleteTenant } from "@/lib/lifecycle";
import { getMembersPage, memberListQuerySchema, removeMember } from "@/lib/members";
import { withTenant } from "@/lib/tenancy";
import { resolveWithUserData } from "@/lib/tenancy/resolve";
import {
  actorFor,
  auditRows,
  createTenantRow,
  createUser,
  createWorkspace,
  credentialOf,
  emailsTo,
  insertInvitation,
  invitationById,
  invitationsFor,
  memberCount,
  memberRole,
  owner,
  clientIpOf,
  TEST_REQUEST,
  unique,
  uniqueEmail,
  userActor,
  type TestUser,
  setTenantStatus,
  withBrokenSmtp,
} from "@/test/fixtures";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const signedIn = (user: TestUser) => userActor(user);
const DAY = 86_400_000;

/** A pending invitation with a known token, written directly (fast, no email). */
async function invitationWithToken(fields: { tenantId: string; email: string; role?: string; status?: string; expiresAt?: Date; invitedBy?: string }) {
  const { token, tokenHash } = mintInviteToken();
  const { id } = await insertInvitation({ ...fields, tokenHash });
  return { id, token, tokenHash };
}

/** What a refused acceptance must leave exactly as it was. */
async function snapshot(tenantId: string, invitationId: string | null) {
  return {
    members: await memberCount(tenantId),
    invitation: invitationId ? await invitationById(invitationId) : null,
    accepts: (await auditRows(tenantId, "member.invite.accept")).length,
  };
}

/** The /invite/<token> link of the latest invitation email to `address`. */
async function tokenFromEmail(address: string, expectedCount = 1): Promise<string> {
  const emails = await emailsTo(address, expectedCount);
  expect(emails).toHaveLength(expectedCount);
  // The catcher lists emails in arrival order; their `time` is whole seconds.
  const latest = emails.at(-1)!;
  const match = /\/invite\/([A-Za-z0-9_-]+)/.exec(latest.text);
  expect(match, "invitation link in the email text").not.toBeNull();
  return match![1]!;
}

describe("inviteSchema", () => {
  it("accepts the invitable roles and lower-cases and trims the email", () => {
    for (const role of ["admin", "auditor", "member"] as const) {
      expect(inviteSchema.safeParse({ email: "  Bob@Example.TEST ", role })).toEqual({
        success: true,
        data: { email: "bob@example.test", role },
      });
    }
  });

  it("refuses owner and unknown roles", () => {
    for (const role of ["owner", "superuser", "", "Admin", undefined]) {
      const parsed = inviteSchema.safeParse({ email: "bob@example.test", role });
      expect(parsed.success, String(role)).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path.join("."))).toEqual(["role"]);
    }
  });

  it("refuses malformed and over-long emails", () => {
    const tooLong = `${"a".repeat(300 - "@example.test".length)}@example.test`;
    expect(tooLong).toHaveLength(300);
    for (const email of ["", "   ", "not-an-email", "bob@", "@example.test", "bob@example", "bob example@test.com", tooLong]) {
      const parsed = inviteSchema.safeParse({ email, role: "member" });
      expect(parsed.success, email).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain("email");
    }
  });
});

describe("inviteMember", () => {
  it("stores only the token's SHA-256, emails the link, expires in 7 days and audits the invitation", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("invitee");
    const before = Date.now();
    const result = await inviteMember(actorFor(ws.tenant, ws.admin), { email, role: "auditor" });
    expect(result).toMatchObject({ email, role: "auditor", emailDispatched: true, link: null });

    const row = (await invitationById(result.invitationId))!;
    expect(row).toMatchObject({ tenant_id: ws.tenant.id, email, role: "auditor", status: "pending", invited_by: ws.admin.id });
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.accepted_by).toBeNull();
    expect(row.revoked_at).toBeNull();
    const expectedExpiry = before + INVITATION_TTL_DAYS * DAY;
    expect(row.expires_at.getTime()).toBeGreaterThanOrEqual(expectedExpiry - 60_000);
    expect(row.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + INVITATION_TTL_DAYS * DAY + 60_000);

    const token = await tokenFromEmail(email);
    expect(token).toHaveLength(INVITE_TOKEN_LENGTH);
    expect(isInviteTokenShape(token)).toBe(true);
    expect(sha256(token)).toBe(row.token_hash);
    expect(hashInviteToken(token)).toBe(row.token_hash);
    const [mail] = await emailsTo(email);
    expect(mail!.subject).toContain(ws.tenant.name);
    expect(mail!.html).toContain(`/invite/${token}`);

    // The token itself is nowhere in the database.
    const stored = await owner().query("SELECT count(*)::int AS n FROM tenant_invitations i WHERE row_to_json(i)::text LIKE $1", [`%${token}%`]);
    expect(stored.rows[0].n).toBe(0);
    const audited = await owner().query("SELECT count(*)::int AS n FROM audit_log a WHERE row_to_json(a)::text LIKE $1", [`%${token}%`]);
    expect(audited.rows[0].n).toBe(0);

    const audit = await auditRows(ws.tenant.id, "member.invite");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: ws.admin.id,
      actor_email: ws.admin.email,
      target_type: "invitation",
      target_id: result.invitationId,
      ip: clientIpOf(ws.admin),
      user_agent: TEST_REQUEST.userAgent,
      metadata: { email, role: "auditor", email_dispatched: true, replaced_invitation_id: null },
    });
  });

  it("refuses to invite oneself, on the email field, and writes nothing", async () => {
    const ws = await createWorkspace();
    const error = await inviteMember(actorFor(ws.tenant, ws.owner), { email: ws.owner.email, role: "member" }).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "self_invite", field: "email" });
    expect(await invitationsFor(ws.tenant.id, ws.owner.email)).toEqual([]);
    expect(await auditRows(ws.tenant.id)).toEqual([]);
  });

  it("refuses to invite an existing member and writes nothing", async () => {
    const ws = await createWorkspace();
    const error = await inviteMember(actorFor(ws.tenant, ws.owner), { email: ws.member.email, role: "admin" }).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "already_member", field: "email" });
    expect(await invitationsFor(ws.tenant.id, ws.member.email)).toEqual([]);
    expect(await auditRows(ws.tenant.id, "member.invite")).toEqual([]);
    expect(await memberRole(ws.tenant.id, ws.member.id)).toBe("member");
  });

  it("re-inviting an address revokes its pending invitation, leaving exactly one pending, case-insensitively", async () => {
    const ws = await createWorkspace();
    const local = `bob-${unique()}`;
    const first = await inviteMember(actorFor(ws.tenant, ws.owner), inviteSchema.parse({ email: `${local}@example.test`, role: "member" }));
    const second = await inviteMember(actorFor(ws.tenant, ws.owner), inviteSchema.parse({ email: `${local.toUpperCase()}@Example.TEST`, role: "admin" }));
    expect(second.email).toBe(`${local}@example.test`);
    expect(second.invitationId).not.toBe(first.invitationId);
    // The result names what it replaced, with the role that invitation had.
    expect(first.replaced).toBeNull();
    expect(second.replaced).toEqual({ id: first.invitationId, role: "member", expired: false });

    const rows = await invitationsFor(ws.tenant.id, `${local}@example.test`);
    expect(rows.map((r) => [r.id, r.status, r.role])).toEqual([
      [first.invitationId, "revoked", "member"],
      [second.invitationId, "pending", "admin"],
    ]);
    expect(rows[0]!.revoked_at).toBeInstanceOf(Date);
    expect(rows[1]!.revoked_at).toBeNull();
    expect(rows[0]!.token_hash).not.toBe(rows[1]!.token_hash);

    const audit = await auditRows(ws.tenant.id, "member.invite");
    expect(audit.map((a) => a.metadata)).toEqual([
      { email: `${local}@example.test`, role: "member", email_dispatched: true, replaced_invitation_id: null },
      { email: `${local}@example.test`, role: "admin", email_dispatched: true, replaced_invitation_id: first.invitationId },
    ]);
  });

  it("tells a replaced invitation's link apart from a revoked one: re-invited or resent, the old link says it was replaced", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("replaced");
    await inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "member" });
    const firstToken = await tokenFromEmail(email, 1);
    const second = await inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "member" });
    const secondToken = await tokenFromEmail(email, 2);
    // Opened signed out, and accepted by the invitee: replaced, not revoked.
    expect(await inspectInvitationToken(firstToken)).toEqual({ ok: false, reason: "replaced" });
    const invitee = await createUser({ email });
    expect(await acceptInvitationByToken(signedIn(invitee), firstToken)).toEqual({ ok: false, reason: "replaced" });
    // A resend replaces too.
    await resendInvitation(actorFor(ws.tenant, ws.owner), second.invitationId);
    expect(await inspectInvitationToken(secondToken)).toEqual({ ok: false, reason: "replaced" });
    // The newest link still works.
    const latest = await tokenFromEmail(email, 3);
    expect(await acceptInvitationByToken(signedIn(invitee), latest)).toEqual({ ok: true, tenantId: ws.tenant.id, alreadyMember: false });
    // Revoked by hand is still revoked.
    const other = uniqueEmail("revoked-by-hand");
    const revoked = await inviteMember(actorFor(ws.tenant, ws.owner), { email: other, role: "member" });
    await revokeInvitation(actorFor(ws.tenant, ws.owner), revoked.invitationId);
    expect(await inspectInvitationToken(await tokenFromEmail(other, 1))).toEqual({ ok: false, reason: "revoked" });
  });

  it("re-inviting an address whose invitation lapsed (still marked pending) names it as expired", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("lapsed");
    const { id } = await insertInvitation({ tenantId: ws.tenant.id, email, role: "auditor", expiresAt: new Date(Date.now() - 60_000) });
    const result = await inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "admin" });
    expect(result.replaced).toEqual({ id, role: "auditor", expired: true });
    expect((await invitationById(id))!.status).toBe("expired");
  });

  it("keeps the invitation when the email cannot be sent, hands back the link and audits email_dispatched false", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("unreachable");
    const result = await withBrokenSmtp(() => inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "member" }));
    expect(result.emailDispatched).toBe(false);
    expect(result.link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = result.link!.split("/invite/")[1]!;
    const row = (await invitationById(result.invitationId))!;
    expect(row.status).toBe("pending");
    expect(row.token_hash).toBe(sha256(token));
    const audit = await auditRows(ws.tenant.id, "member.invite");
    expect(audit).toHaveLength(1);
    expect(audit[0]!.metadata).toMatchObject({ email, email_dispatched: false });
    // The handed-back link works.
    const invitee = await createUser({ email });
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual({ ok: true, tenantId: ws.tenant.id, alreadyMember: false });
  });

  it("gives up on a mail server that accepts the connection and never answers, and keeps the invitation", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const saved = process.env.SMTP_URL;
    process.env.SMTP_URL = `smtp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const ws = await createWorkspace();
      const email = uniqueEmail("silent-server");
      const result = await inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "auditor" });
      expect(result).toMatchObject({ emailDispatched: false, link: expect.stringMatching(/\/invite\/[A-Za-z0-9_-]{43}$/) });
      expect((await invitationById(result.invitationId))!.status).toBe("pending");
      expect((await auditRows(ws.tenant.id, "member.invite"))[0]!.metadata).toMatchObject({ email_dispatched: false });
    } finally {
      process.env.SMTP_URL = saved;
      silent.close();
    }
  }, 30_000);

  it("restores SMTP after the failure test (the catcher receives mail again)", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("after");
    const result = await inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "member" });
    expect(result).toMatchObject({ emailDispatched: true, link: null });
    expect(await emailsTo(email)).toHaveLength(1);
  });
});

describe("replacementNote", () => {
  it("says nothing without a replaced invitation, else that it replaces it and any change of role", () => {
    expect(replacementNote(null, "member")).toBeNull();
    expect(replacementNote({ role: "admin", expired: false }, "member")).toBe("It replaces the pending one (admin → member).");
    expect(replacementNote({ role: "member", expired: false }, "member")).toBe("It replaces the pending one.");
    expect(replacementNote({ role: "auditor", expired: true }, "admin")).toBe("It replaces the expired one (auditor → admin).");
  });
});

describe("revokeInvitation", () => {
  it("revokes a pending invitation and audits it; revoking again is not_pending", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("revoked");
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email, role: "admin", invitedBy: ws.owner.id });
    expect(await revokeInvitation(actorFor(ws.tenant, ws.admin), id)).toEqual({ email });
    const row = (await invitationById(id))!;
    expect(row.status).toBe("revoked");
    expect(row.revoked_at).toBeInstanceOf(Date);
    const audit = await auditRows(ws.tenant.id, "member.invite.revoke");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: ws.admin.id, target_id: id, metadata: { email, role: "admin", was_expired: false } });

    const again = await revokeInvitation(actorFor(ws.tenant, ws.admin), id).catch((e) => e);
    expect(again).toBeInstanceOf(DomainError);
    expect(again.code).toBe("not_pending");
    expect(await auditRows(ws.tenant.id, "member.invite.revoke")).toHaveLength(1);
    // The link is dead.
    const invitee = await createUser({ email });
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual({ ok: false, reason: "revoked" });
  });

  it("cannot reach another workspace's invitation: not_found, and that invitation is untouched", async () => {
    const [mine, theirs] = await Promise.all([createWorkspace(), createWorkspace()]);
    const { id } = await invitationWithToken({ tenantId: theirs.tenant.id, email: uniqueEmail("foreign") });
    const before = await invitationById(id);
    const error = await revokeInvitation(actorFor(mine.tenant, mine.owner), id).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe("not_found");
    expect(await invitationById(id)).toEqual(before);
    expect(before!.status).toBe("pending");
    expect(await auditRows(mine.tenant.id, "member.invite.revoke")).toEqual([]);
    expect(await auditRows(theirs.tenant.id, "member.invite.revoke")).toEqual([]);
  });
});

describe("resendInvitation", () => {
  it("revokes the old row and issues a new pending one with a fresh token, same email and role, audited", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("resend");
    const original = await inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "auditor" });
    const oldRow = (await invitationById(original.invitationId))!;
    const resent = await resendInvitation(actorFor(ws.tenant, ws.admin), original.invitationId);
    expect(resent).toMatchObject({ email, role: "auditor", emailDispatched: true, link: null });
    expect(resent.invitationId).not.toBe(original.invitationId);

    const rows = await invitationsFor(ws.tenant.id, email);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [original.invitationId, "revoked"],
      [resent.invitationId, "pending"],
    ]);
    const newRow = rows[1]!;
    expect(newRow).toMatchObject({ email, role: "auditor", invited_by: ws.admin.id });
    expect(newRow.token_hash).not.toBe(oldRow.token_hash);
    expect(rows[0]!.revoked_at).toBeInstanceOf(Date);

    const audit = await auditRows(ws.tenant.id, "member.invite.resend");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: ws.admin.id,
      target_id: resent.invitationId,
      metadata: { email, role: "auditor", email_dispatched: true, previous_invitation_id: original.invitationId },
    });
    // The second email carries the new token; the old one is revoked.
    const newToken = await tokenFromEmail(email, 2);
    expect(sha256(newToken)).toBe(newRow.token_hash);
  });

  it("refuses to resend an accepted invitation and changes nothing", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toMatchObject({ ok: true });
    const error = await resendInvitation(actorFor(ws.tenant, ws.owner), id).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe("not_pending");
    const rows = await invitationsFor(ws.tenant.id, invitee.email);
    expect(rows.map((r) => r.status)).toEqual(["accepted"]);
    expect(await auditRows(ws.tenant.id, "member.invite.resend")).toEqual([]);
  });
});

describe("acceptInvitationByToken", () => {
  it("refuses malformed tokens as invalid, changing nothing", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    const before = await snapshot(ws.tenant.id, id);
    const malformed = [
      "",
      "garbage",
      token.slice(0, 42),
      `${token}A`,
      `${token.slice(0, 42)}+`, // wrong alphabet (base64, not base64url)
      `${token.slice(0, 20)}/${token.slice(21)}`,
      `${token.slice(0, 20)}=${token.slice(21)}`,
      `${token.slice(0, 42)}B`, // right alphabet, but not a canonical 32-byte encoding
      " ".repeat(43),
    ];
    for (const bad of malformed) {
      expect(await acceptInvitationByToken(signedIn(invitee), bad), JSON.stringify(bad)).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
  });

  it("refuses a well-formed token no invitation has: not_found", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    const before = await snapshot(ws.tenant.id, id);
    const unknown = mintInviteToken().token;
    expect(isInviteTokenShape(unknown)).toBe(true);
    expect(await acceptInvitationByToken(signedIn(invitee), unknown)).toEqual({ ok: false, reason: "not_found" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
  });

  it("refuses a revoked invitation: revoked", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, status: "revoked" });
    const before = await snapshot(ws.tenant.id, id);
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual({ ok: false, reason: "revoked" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
  });

  it("refuses an invitation past its expiry (still marked pending): expired", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({
      tenantId: ws.tenant.id,
      email: invitee.email,
      expiresAt: new Date(Date.now() - 60_000),
    });
    const before = await snapshot(ws.tenant.id, id);
    expect(before.invitation!.status).toBe("pending");
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual({ ok: false, reason: "expired" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
  });

  it("refuses an invitation marked expired: expired", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, status: "expired" });
    const before = await snapshot(ws.tenant.id, id);
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual({ ok: false, reason: "expired" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
  });

  it("refuses an invitation someone else accepted: already_used", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toMatchObject({ ok: true });
    const latecomer = await createUser();
    const before = await snapshot(ws.tenant.id, id);
    expect(await acceptInvitationByToken(signedIn(latecomer), token)).toEqual({ ok: false, reason: "already_used" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(before.invitation!.accepted_by).toBe(invitee.id);
    expect(await memberRole(ws.tenant.id, latecomer.id)).toBeNull();
  });

  it("refuses a signed-in user whose email differs from the invitation's: email_mismatch", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const stranger = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, role: "admin" });
    const before = await snapshot(ws.tenant.id, id);
    expect(await acceptInvitationByToken(signedIn(stranger), token)).toEqual({ ok: false, reason: "email_mismatch" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(before.invitation!.status).toBe("pending");
    expect(await memberRole(ws.tenant.id, stranger.id)).toBeNull();
    // The rightful invitee can still use it.
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toMatchObject({ ok: true, alreadyMember: false });
    expect(await memberRole(ws.tenant.id, invitee.id)).toBe("admin");
  });

  it("enrols the invitee with the invited role, consumes the invitation and audits it", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser({ name: "Ivy Invitee" });
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, role: "auditor", invitedBy: ws.owner.id });
    const membersBefore = await memberCount(ws.tenant.id);
    const outcome = await acceptInvitationByToken(signedIn(invitee), token);
    expect(outcome).toEqual({ ok: true, tenantId: ws.tenant.id, alreadyMember: false });
    expect(await memberRole(ws.tenant.id, invitee.id)).toBe("auditor");
    expect(await memberCount(ws.tenant.id)).toBe(membersBefore + 1);
    const row = (await invitationById(id))!;
    expect(row).toMatchObject({ status: "accepted", accepted_by: invitee.id });
    expect(row.accepted_at).toBeInstanceOf(Date);
    const audit = await auditRows(ws.tenant.id, "member.invite.accept");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: invitee.id,
      actor_email: invitee.email,
      target_type: "invitation",
      target_id: id,
      ip: clientIpOf(invitee),
      metadata: { email: invitee.email, role: "auditor", invited_role: "auditor", already_member: false },
    });
  });

  it("matches the email case-insensitively: an invite sent to Carol@Example.TEST is accepted by carol@example.test", async () => {
    const ws = await createWorkspace();
    const mixed = `Carol-${unique()}@Example.TEST`;
    const invited = await inviteMember(actorFor(ws.tenant, ws.owner), inviteSchema.parse({ email: mixed, role: "member" }));
    expect(invited.email).toBe(mixed.toLowerCase());
    const carol = await createUser({ email: mixed });
    expect(carol.email).toBe(mixed.toLowerCase());
    const token = await tokenFromEmail(carol.email);
    expect(await acceptInvitationByToken(signedIn(carol), token)).toEqual({ ok: true, tenantId: ws.tenant.id, alreadyMember: false });
    expect(await memberRole(ws.tenant.id, carol.id)).toBe("member");
    expect((await invitationById(invited.invitationId))!.status).toBe("accepted");
  });

  it("is idempotent for the same user: re-accepting is ok, alreadyMember, with no duplicate row or audit", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, role: "member" });
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual({ ok: true, tenantId: ws.tenant.id, alreadyMember: false });
    const after = await snapshot(ws.tenant.id, id);
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual({ ok: true, tenantId: ws.tenant.id, alreadyMember: true });
    expect(await snapshot(ws.tenant.id, id)).toEqual(after);
    expect(after.accepts).toBe(1);
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [
      ws.tenant.id,
      invitee.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it("never lowers an existing member's role: an admin accepting a member invitation stays admin, invitation consumed", async () => {
    const ws = await createWorkspace();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: ws.admin.email, role: "member" });
    const membersBefore = await memberCount(ws.tenant.id);
    expect(await acceptInvitationByToken(signedIn(ws.admin), token)).toEqual({ ok: true, tenantId: ws.tenant.id, alreadyMember: true });
    expect(await memberRole(ws.tenant.id, ws.admin.id)).toBe("admin");
    expect(await memberCount(ws.tenant.id)).toBe(membersBefore);
    expect(await invitationById(id)).toMatchObject({ status: "accepted", accepted_by: ws.admin.id });
    const audit = await auditRows(ws.tenant.id, "member.invite.accept");
    expect(audit).toHaveLength(1);
    expect(audit[0]!.metadata).toEqual({ email: ws.admin.email, role: "admin", invited_role: "member", already_member: true });
  });
});

describe("inspectInvitationToken", () => {
  it("returns the invited email, workspace, role and inviter for a valid token and changes nothing", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("visitor");
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email, role: "admin", invitedBy: ws.owner.id });
    const before = await snapshot(ws.tenant.id, id);
    const preview = { ok: true, joined: false, email, role: "admin", tenantName: ws.tenant.name, inviterName: "Olive Owner" };
    expect(await inspectInvitationToken(token)).toEqual(preview);
    const invitee = await createUser({ email });
    expect(await inspectInvitationToken(token, signedIn(invitee))).toEqual(preview);
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
  });

  it("tells a signed-in user whose address it is not, and one who already joined with it", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const stranger = await createUser();
    const { token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    expect(await inspectInvitationToken(token, signedIn(stranger))).toEqual({ ok: false, reason: "email_mismatch" });
    await acceptInvitationByToken(signedIn(invitee), token);
    expect(await inspectInvitationToken(token, signedIn(invitee))).toEqual({ ok: true, joined: true, tenantId: ws.tenant.id });
    expect(await inspectInvitationToken(token, signedIn(stranger))).toEqual({ ok: false, reason: "already_used" });
  });

  it("reports each failure reason and changes nothing", async () => {
    const ws = await createWorkspace();
    const blocked = await createTenantRow();
    const acceptor = await createUser();
    const cases = {
      revoked: await invitationWithToken({ tenantId: ws.tenant.id, email: uniqueEmail("r"), status: "revoked" }),
      expired: await invitationWithToken({ tenantId: ws.tenant.id, email: uniqueEmail("e"), expiresAt: new Date(Date.now() - DAY) }),
      used: await invitationWithToken({ tenantId: ws.tenant.id, email: acceptor.email }),
      blocked: await invitationWithToken({ tenantId: blocked.id, email: uniqueEmail("b") }),
    };
    expect(await acceptInvitationByToken(signedIn(acceptor), cases.used.token)).toMatchObject({ ok: true });
    await setTenantStatus(blocked.id, "blocked");
    const before = await Promise.all(Object.values(cases).map((c) => invitationById(c.id)));
    const membersBefore = await memberCount(ws.tenant.id);

    expect(await inspectInvitationToken("not-a-token")).toEqual({ ok: false, reason: "invalid" });
    expect(await inspectInvitationToken(mintInviteToken().token)).toEqual({ ok: false, reason: "not_found" });
    expect(await inspectInvitationToken(cases.revoked.token)).toEqual({ ok: false, reason: "revoked" });
    expect(await inspectInvitationToken(cases.expired.token)).toEqual({ ok: false, reason: "expired" });
    expect(await inspectInvitationToken(cases.used.token)).toEqual({ ok: false, reason: "already_used" });
    expect(await inspectInvitationToken(cases.blocked.token)).toEqual({ ok: false, reason: "workspace_suspended", tenantName: blocked.name });

    expect(await Promise.all(Object.values(cases).map((c) => invitationById(c.id)))).toEqual(before);
    expect(await memberCount(ws.tenant.id)).toBe(membersBefore);
  });
});

describe("acceptInvitationById (onboarding)", () => {
  it("enrols the invitee by invitation id", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, role: "admin" });
    expect(await acceptInvitationById(signedIn(invitee), id)).toEqual({ ok: true, tenantId: ws.tenant.id, alreadyMember: false });
    expect(await memberRole(ws.tenant.id, invitee.id)).toBe("admin");
    expect(await invitationById(id)).toMatchObject({ status: "accepted", accepted_by: invitee.id });
    expect(await auditRows(ws.tenant.id, "member.invite.accept")).toHaveLength(1);
  });

  it("returns not_found to someone with another email, who cannot even see it, and changes nothing", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const stranger = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, role: "admin" });
    const before = await snapshot(ws.tenant.id, id);
    expect(await acceptInvitationById(signedIn(stranger), id)).toEqual({ ok: false, reason: "not_found" });
    // Even a member of the workspace, with no tenant chosen, does not reach it by id.
    expect(await acceptInvitationById(signedIn(ws.member), id)).toEqual({ ok: false, reason: "not_found" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(await memberRole(ws.tenant.id, stranger.id)).toBeNull();
  });
});

describe("an invitation used, replaced or retired, as its addressee is told", () => {
  it("tells a member who joined with a link and was removed since that they are no longer a member of the workspace, not that they joined", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toMatchObject({ ok: true, alreadyMember: false });
    await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, invitee.id]);
    const before = await snapshot(ws.tenant.id, id);
    const refused = { ok: false, reason: "no_longer_member", tenantName: ws.tenant.name };
    expect(await inspectInvitationToken(token, signedIn(invitee))).toEqual(refused);
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual(refused);
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
    // Anyone else is told it was used, as before.
    expect(await inspectInvitationToken(token, signedIn(await createUser()))).toMatchObject({ ok: false, reason: "already_used" });
  });

  it("accepting from the list by id says why an invitation can no longer be accepted: revoked, replaced, expired, used", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const revoked = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    await revokeInvitation(actorFor(ws.tenant, ws.owner), revoked.id);
    const other = await createWorkspace();
    const first = await inviteMember(actorFor(other.tenant, other.owner), { email: invitee.email, role: "member" });
    await inviteMember(actorFor(other.tenant, other.owner), { email: invitee.email, role: "admin" });
    const third = await createWorkspace();
    const lapsed = await invitationWithToken({ tenantId: third.tenant.id, email: invitee.email, expiresAt: new Date(Date.now() - 60_000) });
    const used = await invitationWithToken({ tenantId: third.tenant.id, email: invitee.email, status: "accepted" });
    const before = await Promise.all([revoked.id, first.invitationId, lapsed.id, used.id].map((id) => invitationById(id)));

    expect(await acceptInvitationById(signedIn(invitee), revoked.id)).toEqual({ ok: false, reason: "revoked" });
    expect(await acceptInvitationById(signedIn(invitee), first.invitationId)).toEqual({ ok: false, reason: "replaced" });
    expect(await acceptInvitationById(signedIn(invitee), lapsed.id)).toEqual({ ok: false, reason: "expired" });
    expect(await acceptInvitationById(signedIn(invitee), used.id)).toEqual({ ok: false, reason: "already_used" });

    expect(await Promise.all([revoked.id, first.invitationId, lapsed.id, used.id].map((id) => invitationById(id)))).toEqual(before);
    for (const tenant of [ws.tenant, other.tenant, third.tenant]) expect(await memberRole(tenant.id, invitee.id)).toBeNull();
    // Someone else's invitation, in any state, is still not found by its id.
    expect(await acceptInvitationById(signedIn(await createUser()), revoked.id)).toEqual({ ok: false, reason: "not_found" });
    expect(await acceptInvitationById(signedIn(ws.member), revoked.id)).toEqual({ ok: false, reason: "not_found" });
  });

  it("says the workspace was deleted, not that the invitation cannot be found, by link and from the list", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    const before = await snapshot(ws.tenant.id, id);
    const refused = { ok: false, reason: "workspace_deleted", tenantName: ws.tenant.name };
    expect(await inspectInvitationToken(token)).toEqual(refused);
    expect(await inspectInvitationToken(token, signedIn(invitee))).toEqual(refused);
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual(refused);
    expect(await acceptInvitationById(signedIn(invitee), id)).toEqual(refused);
    // Anyone else signed in is told the link is for another address, not the deleted workspace's name.
    expect(await inspectInvitationToken(token, signedIn(ws.member))).toEqual({ ok: false, reason: "email_mismatch" });
    expect(await acceptInvitationByToken(signedIn(await createUser()), token)).toEqual({ ok: false, reason: "email_mismatch" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
  });
});

describe("an invitation to a workspace the platform suspended", () => {
  it("says the workspace is suspended to its addressee (its name when signed in), for another address to anyone else, and enrols no one", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    await setTenantStatus(ws.tenant.id, "blocked");
    const before = await snapshot(ws.tenant.id, id);
    const refused = { ok: false, reason: "workspace_suspended", tenantName: ws.tenant.name };
    expect(await inspectInvitationToken(token)).toEqual(refused);
    expect(await inspectInvitationToken(token, signedIn(invitee))).toEqual(refused);
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual(refused);
    expect(await inspectInvitationToken(token, signedIn(await createUser()))).toEqual({ ok: false, reason: "email_mismatch" });
    expect(await snapshot(ws.tenant.id, id)).toEqual(before);
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
    // Once lifted, the same link enrols.
    await setTenantStatus(ws.tenant.id, "active");
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toMatchObject({ ok: true, tenantId: ws.tenant.id });
  });
});

describe("an invitation revoked while an acceptance waits for the tenant lock", () => {
  /**
   * Holds the tenant's advisory lock (the one lockTenant takes), starts `accept`,
   * waits until it is queued on that lock, revokes the invitation, then lets go.
   */
  async function revokeDuringAcceptance<T>(tenantId: string, invitationId: string, accept: () => Promise<T>) {
    const locker = await owner().connect();
    try {
      const { rows } = await locker.query<{ key: string }>("SELECT hashtextextended('tenant:' || $1, 0)::text AS key", [tenantId]);
      await locker.query("SELECT pg_advisory_lock($1::bigint)", [rows[0]!.key]);
      let settled = false;
      const outcome = accept().then(
        (value) => {
          settled = true;
          return { value };
        },
        (error: unknown) => {
          settled = true;
          return { error };
        },
      );
      // Until the acceptance queues on the lock (or, were it never to take the lock, settles).
      for (let waiting = 0; waiting === 0 && !settled; ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const q = await owner().query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
          [rows[0]!.key],
        );
        waiting = q.rows[0]!.n;
      }
      await owner().query("UPDATE tenant_invitations SET status = 'revoked', revoked_at = now() WHERE id = $1", [invitationId]);
      await locker.query("SELECT pg_advisory_unlock($1::bigint)", [rows[0]!.key]);
      return await outcome;
    } finally {
      locker.release();
    }
  }

  it("by token: refused as revoked, nothing written", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id, token } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    const outcome = await revokeDuringAcceptance(ws.tenant.id, id, () => acceptInvitationByToken(signedIn(invitee), token));
    expect(outcome).toEqual({ value: { ok: false, reason: "revoked" } });
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
    expect(await auditRows(ws.tenant.id, "member.invite.accept")).toEqual([]);
  });

  it("by id (onboarding): refused with an outcome, not a database error, nothing written", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    const outcome = await revokeDuringAcceptance(ws.tenant.id, id, () => acceptInvitationById(signedIn(invitee), id));
    expect("error" in outcome ? String(outcome.error).slice(0, 200) : null).toBeNull();
    expect(outcome).toMatchObject({ value: { ok: false } });
    expect((outcome as { value: { reason: string } }).value.reason).toBe("revoked");
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
    expect((await invitationById(id))!.status).toBe("revoked");
  });
});

describe("listInvitationsForUser", () => {
  it("lists only pending, unexpired invitations to the user's email in active workspaces, with the workspace name", async () => {
    const user = await createUser();
    const inviter = await createUser({ name: "Ines Inviter" });
    const [live, revoked, expired, accepted, blocked, other] = await Promise.all(
      Array.from({ length: 6 }, (_, i) => createTenantRow({ name: `List ${i} ${unique()}` })),
    );
    const liveInvitation = await invitationWithToken({ tenantId: live!.id, email: user.email, role: "auditor", invitedBy: inviter.id });
    await invitationWithToken({ tenantId: revoked!.id, email: user.email, status: "revoked" });
    await invitationWithToken({ tenantId: expired!.id, email: user.email, expiresAt: new Date(Date.now() - 1000) });
    await invitationWithToken({ tenantId: accepted!.id, email: user.email, status: "accepted" });
    await invitationWithToken({ tenantId: blocked!.id, email: user.email });
    await setTenantStatus(blocked!.id, "blocked");
    await invitationWithToken({ tenantId: other!.id, email: uniqueEmail("someone-else") });

    const list = await listInvitationsForUser(signedIn(user));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: liveInvitation.id, tenantName: live!.name, role: "auditor", invitedBy: "Ines Inviter" });
    expect(list[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now());

    // Someone else sees none of these.
    const stranger = await createUser();
    expect(await listInvitationsForUser(signedIn(stranger))).toEqual([]);
  });

  it("is read with the onboarding page's entry (invitationsForUserRead): the user's own, never the invitations their workspace's role may read", async () => {
    const ws = await createWorkspace();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: ws.admin.email });
    await invitationWithToken({ tenantId: ws.tenant.id, email: uniqueEmail("invited-by-the-workspace") });
    const request = { ip: null, userAgent: null };
    // In the workspace, an admin may read all its invitations; the page lists only those to their own address.
    const entered = await resolveWithUserData(credentialOf(ws.admin), ws.tenant.id, request, invitationsForUserRead);
    expect(entered.resolution.kind).toBe("tenant");
    expect(entered.data!.map((i) => i.id)).toEqual([id]);
    expect(entered.data).toEqual(await listInvitationsForUser(signedIn(ws.admin)));
    const newcomer = await createUser();
    const invited = await invitationWithToken({ tenantId: ws.tenant.id, email: newcomer.email, role: "auditor" });
    const alone = await resolveWithUserData(credentialOf(newcomer), null, request, invitationsForUserRead);
    expect(alone).toMatchObject({ resolution: { kind: "no-tenant" }, data: [{ id: invited.id, tenantName: ws.tenant.name, role: "auditor" }] });
    expect(alone.data).toEqual(await listInvitationsForUser(signedIn(newcomer)));
  });

  it("drops an invitation from the list once it is accepted", async () => {
    const ws = await createWorkspace();
    const user = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: user.email });
    expect((await listInvitationsForUser(signedIn(user))).map((i) => i.id)).toEqual([id]);
    await acceptInvitationById(signedIn(user), id);
    expect(await listInvitationsForUser(signedIn(user))).toEqual([]);
  });
});

describe("dashboardRead", () => {
  it("reads the workspace's overview and the viewer's invitations to the workspaces they are not in yet, with the page's entry", async () => {
    const ws = await createWorkspace();
    const [other, older] = await Promise.all([createTenantRow({ name: `Other ${unique()}` }), createTenantRow({ name: `Older ${unique()}` })]);
    const first = await invitationWithToken({ tenantId: older.id, email: ws.member.email, role: "admin" });
    const latest = await invitationWithToken({ tenantId: other.id, email: ws.member.email, role: "auditor" });
    // Addressed to them in a workspace they already belong to: nothing to accept.
    await invitationWithToken({ tenantId: ws.tenant.id, email: ws.member.email });
    // The workspace's own invitation to someone else counts among those it sent, and is not the viewer's.
    await invitationWithToken({ tenantId: ws.tenant.id, email: uniqueEmail("someone") });
    await owner().query("UPDATE tenant_invitations SET created_at = created_at - interval '1 hour' WHERE id = $1", [first.id]);
    const entered = await resolveWithUserData(credentialOf(ws.member), ws.tenant.id, { ip: null, userAgent: null }, () => dashboardRead);
    expect(entered.resolution.kind).toBe("tenant");
    expect(entered.data!.overview).toMatchObject({ memberCount: await memberCount(ws.tenant.id), pendingInvitations: 2 });
    expect(entered.data!.invitations.map((i) => [i.id, i.tenantName, i.role])).toEqual([
      [latest.id, other.name, "auditor"],
      [first.id, older.name, "admin"],
    ]);
    const alone = await resolveWithUserData(credentialOf(ws.owner), ws.tenant.id, { ip: null, userAgent: null }, () => dashboardRead);
    expect(alone.data!.invitations).toEqual([]);
    expect(alone.data!.overview.pendingInvitations).toBe(2);
  });
});

describe("declineInvitation", () => {
  const managerView = (ws: Awaited<ReturnType<typeof createWorkspace>>) =>
    withTenant(actorFor(ws.tenant, ws.owner), async (tx) => ({
      pending: (await getMembersPage(tx, { tenantId: ws.tenant.id }, memberListQuerySchema.parse({}))).invitations.map((i) => i.id),
      seats: (await readWorkspacePlan(tx, ws.tenant.id))!.seatsUsed,
    }));

  it("marks it declined, audits member.invite.decline with the invitee as actor, and takes it off the lists and the seats", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const invited = await inviteMember(actorFor(ws.tenant, ws.owner), { email: invitee.email, role: "auditor" });
    const token = await tokenFromEmail(invitee.email);
    const before = await managerView(ws);
    expect(before.pending).toEqual([invited.invitationId]);

    expect(await declineInvitation(signedIn(invitee), invited.invitationId)).toEqual({ ok: true, tenantName: ws.tenant.name });
    expect(await invitationById(invited.invitationId)).toMatchObject({ status: "declined", accepted_by: null, declined_at: expect.any(Date) });
    const audit = await auditRows(ws.tenant.id, "member.invite.decline");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_user_id: invitee.id,
      actor_email: invitee.email,
      target_type: "invitation",
      target_id: invited.invitationId,
      metadata: { email: invitee.email, role: "auditor" },
      ip: clientIpOf(invitee),
      user_agent: TEST_REQUEST.userAgent,
    });
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
    expect(await listInvitationsForUser(signedIn(invitee))).toEqual([]);
    expect(await managerView(ws)).toEqual({ pending: [], seats: before.seats - 1 });

    // Its link says it was declined, to anyone; it no longer enrols.
    expect(await inspectInvitationToken(token, signedIn(invitee))).toEqual({ ok: false, reason: "declined" });
    expect(await inspectInvitationToken(token)).toEqual({ ok: false, reason: "declined" });
    expect(await acceptInvitationByToken(signedIn(invitee), token)).toEqual({ ok: false, reason: "declined" });
    // Anyone else signed in holds a link for another address: that its addressee declined it is not theirs to hear.
    const stranger = await createUser();
    expect(await inspectInvitationToken(token, signedIn(stranger))).toEqual({ ok: false, reason: "email_mismatch" });
    expect(await acceptInvitationByToken(signedIn(stranger), token)).toEqual({ ok: false, reason: "email_mismatch" });
    expect(await acceptInvitationById(signedIn(invitee), invited.invitationId)).toEqual({ ok: false, reason: "declined" });
    // Declining again says so, and writes nothing more.
    expect(await declineInvitation(signedIn(invitee), invited.invitationId)).toEqual({ ok: false, reason: "declined" });
    expect(await auditRows(ws.tenant.id, "member.invite.decline")).toHaveLength(1);
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
  });

  it("cannot decline someone else's invitation: not_found, and nothing changes — for another user, a member of the workspace, or its owner", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    const before = await invitationById(id);
    for (const who of [await createUser(), ws.member, ws.owner]) {
      expect(await declineInvitation(signedIn(who), id)).toEqual({ ok: false, reason: "not_found" });
    }
    expect(await declineInvitation(signedIn(invitee), "00000000-0000-4000-8000-000000000000")).toEqual({ ok: false, reason: "not_found" });
    expect(await invitationById(id)).toEqual(before);
    expect(await auditRows(ws.tenant.id, "member.invite.decline")).toEqual([]);
  });

  it("the database function itself declines only the signed-in user's own pending invitation", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const stranger = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    const { rows } = await owner().query<{ declined: boolean }>(
      `SELECT (app_decline_invitation($1::uuid)).declined`,
      [id],
    ).catch((e: Error) => ({ rows: [{ declined: e.message }] as unknown as { declined: boolean }[] }));
    // Without a signed-in user's context it is refused outright.
    expect(String(rows[0]!.declined)).toMatch(/no signed-in user/);
    expect(await declineInvitation(signedIn(stranger), id)).toEqual({ ok: false, reason: "not_found" });
    expect(await invitationById(id)).toMatchObject({ status: "pending", declined_at: null });
  });

  it("refuses an invitation no longer pending with the reason, changing nothing: revoked, replaced, expired, used, workspace deleted", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const revoked = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    await revokeInvitation(actorFor(ws.tenant, ws.owner), revoked.id);
    const other = await createWorkspace();
    const first = await inviteMember(actorFor(other.tenant, other.owner), { email: invitee.email, role: "member" });
    await inviteMember(actorFor(other.tenant, other.owner), { email: invitee.email, role: "admin" });
    const third = await createWorkspace();
    const lapsed = await invitationWithToken({ tenantId: third.tenant.id, email: invitee.email, expiresAt: new Date(Date.now() - 60_000) });
    const used = await invitationWithToken({ tenantId: third.tenant.id, email: invitee.email, status: "accepted" });
    const gone = await createWorkspace();
    const deleted = await invitationWithToken({ tenantId: gone.tenant.id, email: invitee.email });
    await deleteTenant(actorFor(gone.tenant, gone.owner), { confirmName: gone.tenant.name });
    const ids = [revoked.id, first.invitationId, lapsed.id, used.id, deleted.id];
    const before = await Promise.all(ids.map((id) => invitationById(id)));

    expect(await declineInvitation(signedIn(invitee), revoked.id)).toEqual({ ok: false, reason: "revoked" });
    expect(await declineInvitation(signedIn(invitee), first.invitationId)).toEqual({ ok: false, reason: "replaced" });
    expect(await declineInvitation(signedIn(invitee), lapsed.id)).toEqual({ ok: false, reason: "expired" });
    expect(await declineInvitation(signedIn(invitee), used.id)).toEqual({ ok: false, reason: "already_used" });
    expect(await declineInvitation(signedIn(invitee), deleted.id)).toEqual({ ok: false, reason: "workspace_deleted", tenantName: gone.tenant.name });
    expect(await Promise.all(ids.map((id) => invitationById(id)))).toEqual(before);
    for (const tenant of [ws.tenant, other.tenant, third.tenant]) expect(await auditRows(tenant.id, "member.invite.decline")).toEqual([]);
  });

  it("inviting the address again after a decline works as after a revocation: a new pending invitation, the declined one kept", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email });
    expect(await declineInvitation(signedIn(invitee), id)).toMatchObject({ ok: true });
    const again = await inviteMember(actorFor(ws.tenant, ws.owner), { email: invitee.email, role: "member" });
    expect(again.replaced).toBeNull();
    expect(await invitationById(id)).toMatchObject({ status: "declined", replaced_by: null });
    expect(await invitationById(again.invitationId)).toMatchObject({ status: "pending" });
    expect((await listInvitationsForUser(signedIn(invitee))).map((i) => i.id)).toEqual([again.invitationId]);
    expect(await acceptInvitationById(signedIn(invitee), again.invitationId)).toMatchObject({ ok: true, alreadyMember: false });
  });

  it("emails whoever sent it once the decline has committed: “<invitee> declined your invitation to <workspace>”", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser({ name: "Dee Cliner" });
    const invited = await inviteMember(actorFor(ws.tenant, ws.admin), { email: invitee.email, role: "auditor" });
    expect(await declineInvitation(signedIn(invitee), invited.invitationId)).toMatchObject({ ok: true });
    const mails = (await emailsTo(ws.admin.email)).filter((m) => m.subject.includes("declined"));
    expect(mails.map((m) => m.subject)).toEqual([`Dee Cliner (${invitee.email}) declined your invitation to ${ws.tenant.name}`]);
    const text = mails[0]!.text.replace(/\s+/g, " ");
    expect(text).toContain(`Dee Cliner (${invitee.email}) declined your invitation to join ${ws.tenant.name} as an auditor.`);
    expect(text).toContain("/app/settings");
    // No one else hears of it: not the workspace's owner, who did not send it.
    expect((await emailsTo(ws.owner.email, 1, 300)).filter((m) => m.subject.includes("declined"))).toEqual([]);
    // Declining again (refused) sends nothing more.
    expect(await declineInvitation(signedIn(invitee), invited.invitationId)).toEqual({ ok: false, reason: "declined" });
    expect((await emailsTo(ws.admin.email, 2, 300)).filter((m) => m.subject.includes("declined"))).toHaveLength(1);
  });

  it("names an invitee without a name by their address", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, invitedBy: ws.owner.id });
    expect(await declineInvitation(signedIn(invitee), id)).toMatchObject({ ok: true });
    const mails = (await emailsTo(ws.owner.email)).filter((m) => m.subject.includes("declined"));
    expect(mails.map((m) => m.subject)).toEqual([`${invitee.email} declined your invitation to ${ws.tenant.name}`]);
  });

  it("an email that cannot be sent does not undo the decline", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, invitedBy: ws.admin.id });
    expect(await withBrokenSmtp(() => declineInvitation(signedIn(invitee), id))).toEqual({ ok: true, tenantName: ws.tenant.name });
    expect(await invitationById(id)).toMatchObject({ status: "declined", declined_at: expect.any(Date) });
    expect(await auditRows(ws.tenant.id, "member.invite.decline")).toHaveLength(1);
  });

  it("emails no one when whoever sent it no longer belongs to the workspace", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { id } = await invitationWithToken({ tenantId: ws.tenant.id, email: invitee.email, invitedBy: ws.admin.id });
    await removeMember(actorFor(ws.tenant, ws.owner), ws.admin.id);
    expect(await declineInvitation(signedIn(invitee), id)).toEqual({ ok: true, tenantName: ws.tenant.name });
    expect(await invitationById(id)).toMatchObject({ status: "declined" });
    expect((await emailsTo(ws.admin.email, 1, 1_000)).filter((m) => m.subject.includes("declined"))).toEqual([]);
  });

  it("leaves the dashboard's list of invitations for the viewer", async () => {
    const ws = await createWorkspace();
    const other = await createTenantRow({ name: `Other ${unique()}` });
    const { id } = await invitationWithToken({ tenantId: other.id, email: ws.member.email });
    const read = () => resolveWithUserData(credentialOf(ws.member), ws.tenant.id, { ip: null, userAgent: null }, () => dashboardRead);
    expect((await read()).data!.invitations.map((i) => i.id)).toEqual([id]);
    expect(await declineInvitation(signedIn(ws.member), id)).toMatchObject({ ok: true, tenantName: other.name });
    expect((await read()).data!.invitations).toEqual([]);
  });
});
