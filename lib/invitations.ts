import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createElement } from "react";
import { z } from "zod";
import InvitationEmail from "@/emails/invitation";
import InvitationDeclinedEmail, { invitationDeclinedSubject } from "@/emails/invitation-declined";
import { recordAudit } from "@/lib/audit";
import { runRead, sql, type Read, type Tx } from "@/lib/db";
import { sendEmail } from "@/lib/email";
import { DomainError, RELOAD_THE_PAGE } from "@/lib/errors";
import { isInviteTokenShape } from "@/lib/invite-token";
import { restorableTrashIds } from "@/lib/lifecycle";
import { workspaceOverview, type WorkspaceOverview } from "@/lib/tenants";
import { withinInvitationLimits, withinInviteTokenLimit } from "@/lib/rate-limit";
import {
  enterTenantToJoin,
  INVITABLE_ROLES,
  lockTenant,
  withInvitationToken,
  withTenant,
  withUser,
  type Actor,
  type InvitableRole,
  type RequestInfo,
  type Role,
  type SignedInUser,
  type TenantActor,
  SIGNED_OUT,
  SIGNED_OUT_CODE,
} from "@/lib/tenancy";
import { appBaseUrl } from "@/lib/urls";
import { emailSchema, uuidSchema } from "@/lib/validation";

export const INVITATION_TTL_DAYS = 7;

export const inviteSchema = z.object({
  email: emailSchema,
  role: z.enum(INVITABLE_ROLES, { error: "Choose a role: admin, auditor or member." }),
});
export const invitationIdSchema = z.object({ invitationId: uuidSchema("That invitation does not exist.") });

/** 32 random bytes, base64url: the token travels only in the link; the database keeps its SHA-256. */
export function mintInviteToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashInviteToken(token) };
}

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface InviteResult {
  invitationId: string;
  email: string;
  role: InvitableRole;
  emailDispatched: boolean;
  /** The invitation link, handed back only when the email could not be sent. */
  link: string | null;
}

async function assertNotMember(tx: Tx, tenantId: string, email: string) {
  const found = await tx.one(sql`
    SELECT 1 FROM tenant_members m JOIN users u ON u.id = m.user_id
     WHERE m.tenant_id = ${tenantId}::uuid AND u.email = ${email}`);
  if (found) throw new DomainError("already_member", `${email} is already a member of this workspace.`, "email");
}

/** The invitation a new one took the place of: its role, and whether it had lapsed. */
export interface ReplacedInvitation {
  id: string;
  role: InvitableRole;
  expired: boolean;
}

/**
 * Retires the live invitation for (tenant, email), if any, so that the new
 * one `replacedBy` can take its place. It is marked replaced (`replaced_by`),
 * not merely revoked: its link then says a newer one was sent.
 */
async function retirePending(tx: Tx, tenantId: string, email: string, replacedBy: string): Promise<ReplacedInvitation | null> {
  const row = await tx.one<ReplacedInvitation>(sql`
    UPDATE tenant_invitations
       SET status = CASE WHEN expires_at <= now() THEN 'expired'::invitation_status ELSE 'revoked'::invitation_status END,
           revoked_at = now(), replaced_by = ${replacedBy}::uuid
     WHERE tenant_id = ${tenantId}::uuid AND email = ${email} AND status = 'pending'
     RETURNING id, role, status = 'expired' AS expired`);
  return row ?? null;
}

/**
 * What an invitation's confirmation says of the one it replaced: nothing when
 * there was none, else that it replaces it, with the change of role if any.
 */
export function replacementNote(replaced: Pick<ReplacedInvitation, "role" | "expired"> | null, role: InvitableRole): string | null {
  if (!replaced) return null;
  const which = replaced.expired ? "the expired one" : "the pending one";
  return replaced.role === role ? `It replaces ${which}.` : `It replaces ${which} (${replaced.role} → ${role}).`;
}

/**
 * Stores a new invitation `invitationId` and sends its email; an email not
 * sent is marked on the invitation (email_dispatched), and the caller audits
 * it with the outcome.
 */
async function issueInvitation(tx: Tx, actor: TenantActor, invitationId: string, email: string, role: InvitableRole): Promise<InviteResult> {
  const inviterName = actor.user.name || actor.user.email;
  const { token, tokenHash } = mintInviteToken();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
  await tx.exec(sql`
    INSERT INTO tenant_invitations (id, tenant_id, email, role, token_hash, expires_at, invited_by, inviter_name)
    VALUES (${invitationId}::uuid, ${actor.tenantId}::uuid, ${email}, ${role}::member_role, ${tokenHash}, ${expiresAt},
            ${actor.userId}::uuid, ${inviterName})`);
  const link = `${appBaseUrl()}/invite/${token}`;
  const sent = await sendEmail({
    to: email,
    subject: `${inviterName} invited you to ${actor.tenant.name} on Tenantry`,
    react: createElement(InvitationEmail, { url: link, workspaceName: actor.tenant.name, inviterName, role, expiresAt }),
  });
  if (!sent.delivered) {
    console.warn(`[invitations] email to ${email} not sent: ${sent.error}`);
    // Said on the invitation too (stored as sent), as the audit row says it: its row on the members page shows it after a reload.
    await tx.exec(sql`UPDATE tenant_invitations SET email_dispatched = false WHERE id = ${invitationId}::uuid`);
  }
  return { invitationId, email, role, emailDispatched: sent.delivered, link: sent.delivered ? null : link };
}

/**
 * Invites an email address to the actor's workspace with a role other than
 * owner. Re-inviting the same address revokes its pending invitation and
 * mints a new token, so at most one invitation per (tenant, email) is live —
 * the database's partial unique index holds that too; the result names the
 * invitation it replaced (its role may differ). If the email cannot be sent
 * the invitation still stands; the audit row says so.
 */
export async function inviteMember(
  actor: TenantActor,
  input: z.output<typeof inviteSchema>,
): Promise<InviteResult & { replaced: ReplacedInvitation | null }> {
  if (input.email === actor.user.email) {
    throw new DomainError("self_invite", "You cannot invite yourself: you are signed in with that address.", "email");
  }
  return withinInvitationLimits(actor, () => withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    await assertNotMember(tx, actor.tenantId, input.email);
    const invitationId = randomUUID();
    const replaced = await retirePending(tx, actor.tenantId, input.email, invitationId);
    const result = await issueInvitation(tx, actor, invitationId, input.email, input.role);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.invite",
      target: { type: "invitation", id: result.invitationId },
      metadata: { email: input.email, role: input.role, email_dispatched: result.emailDispatched, replaced_invitation_id: replaced?.id ?? null },
      request: actor.request,
    });
    return { ...result, replaced };
  }));
}

/** The statuses of an invitation (invitation_status); declined: its addressee declined it. */
export const INVITATION_STATUSES = ["pending", "accepted", "revoked", "expired", "declined"] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** An invitation as the workspace that sent it manages it (revoke, resend). */
interface ManagedInvitation {
  id: string;
  tenant_id: string;
  email: string;
  role: InvitableRole;
  status: InvitationStatus;
  expired: boolean;
}

async function managedInvitation(tx: Tx, actor: TenantActor, invitationId: string): Promise<ManagedInvitation> {
  const invitation = await tx.one<ManagedInvitation>(sql`
    SELECT i.id, i.tenant_id, i.email, i.role, i.status, i.expires_at <= now() AS expired
      FROM tenant_invitations i WHERE i.id = ${invitationId}::uuid`);
  if (!invitation || invitation.tenant_id !== actor.tenantId) {
    throw new DomainError("not_found", "That invitation no longer exists.", undefined, RELOAD_THE_PAGE);
  }
  return invitation;
}

/** An invitation as its addressee may know it, whatever became of it (app_addressed_invitation). */
interface InvitationRow {
  id: string;
  tenant_id: string;
  email: string;
  role: InvitableRole;
  status: InvitationStatus;
  expired: boolean;
  /** A newer invitation for the address took its place (retirePending). */
  replaced: boolean;
  accepted_by: string | null;
  tenant_status: "active" | "blocked" | "deleted";
  tenant_name: string;
  /** Whether the transaction's user belongs to the invitation's workspace now. */
  member: boolean;
}

/**
 * The invitation whose token the transaction holds, or the one with this id
 * addressed to the transaction's user — in any state, so that a refusal can
 * say why (revoked, replaced, expired, used, its workspace deleted) where the
 * policies would hide all but a pending one. A database function
 * (app_addressed_invitation) shows the addressee no one else's invitation.
 */
async function findInvitation(tx: Tx, where: { id: string } | "token"): Promise<InvitationRow | null> {
  return tx.one<InvitationRow>(sql`SELECT * FROM app_addressed_invitation(${where === "token" ? null : where.id}::uuid)`);
}

/** Revokes a pending invitation: its link stops working at once. */
export async function revokeInvitation(actor: TenantActor, invitationId: string): Promise<{ email: string }> {
  return withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const invitation = await managedInvitation(tx, actor, invitationId);
    if (invitation.status !== "pending") {
      throw new DomainError("not_pending", `That invitation was already ${invitation.status}.`);
    }
    await tx.exec(sql`UPDATE tenant_invitations SET status = 'revoked', revoked_at = now() WHERE id = ${invitation.id}::uuid`);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.invite.revoke",
      target: { type: "invitation", id: invitation.id },
      metadata: { email: invitation.email, role: invitation.role, was_expired: invitation.expired },
      request: actor.request,
    });
    return { email: invitation.email };
  });
}

/**
 * Sends a pending (or lapsed) invitation again. Only the token's hash is
 * stored, so this revokes the old link and mints a new one with a fresh
 * seven days.
 */
export async function resendInvitation(actor: TenantActor, invitationId: string): Promise<InviteResult> {
  return withinInvitationLimits(actor, () => withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const previous = await managedInvitation(tx, actor, invitationId);
    if (previous.status === "accepted" || previous.status === "revoked" || previous.status === "declined") {
      throw new DomainError("not_pending", `That invitation was ${previous.status}; invite ${previous.email} again instead.`);
    }
    await assertNotMember(tx, actor.tenantId, previous.email);
    const replacementId = randomUUID();
    await retirePending(tx, actor.tenantId, previous.email, replacementId);
    const result = await issueInvitation(tx, actor, replacementId, previous.email, previous.role);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "member.invite.resend",
      target: { type: "invitation", id: result.invitationId },
      metadata: {
        email: previous.email,
        role: previous.role,
        email_dispatched: result.emailDispatched,
        previous_invitation_id: previous.id,
      },
      request: actor.request,
    });
    return result;
  }));
}

/**
 * Where /invite/<token> sends someone it cannot enrol (seed 004's redirects,
 * and two of our own: the workspace was deleted; the user joined with this
 * invitation and has been removed or left since).
 */
export type InviteFailure =
  | "invalid"
  | "not_found"
  | "already_used"
  | "no_longer_member"
  | "replaced"
  | "revoked"
  | "declined"
  | "expired"
  | "workspace_deleted"
  | "workspace_suspended"
  | "email_mismatch";

/** A refusal; "you are no longer a member of X", "X was deleted" and "X is suspended" name the workspace. */
export type InviteRefusal = { ok: false; reason: InviteFailure; tenantName?: string };

export type AcceptOutcome = { ok: true; tenantId: string; alreadyMember: boolean } | InviteRefusal;

/**
 * Why an invitation cannot enrol this user, or null when it can; "mine" when
 * they joined with it and still belong to its workspace.
 */
function classify(invitation: InvitationRow, user: SignedInUser | null): InviteFailure | "mine" | null {
  // Signed in with another address than the invitation's: what became of a
  // deleted workspace or a declined invitation is its addressee's to hear
  // (the workspace's name, "you declined"); to anyone else the link is one
  // for another address.
  const someoneElse = user !== null && invitation.email !== user.email;
  // A deleted workspace (in its owners' trash) takes no one in; nor, while it lasts, a suspended one.
  if (invitation.tenant_status === "deleted") return someoneElse ? "email_mismatch" : "workspace_deleted";
  if (invitation.tenant_status === "blocked") return someoneElse ? "email_mismatch" : "workspace_suspended";
  if (invitation.tenant_status !== "active") return "not_found";
  if (invitation.status === "accepted") {
    if (!user || invitation.accepted_by !== user.id) return "already_used";
    return invitation.member ? "mine" : "no_longer_member";
  }
  // Replaced by a re-invite or a resend: a newer link is in a later email.
  if (invitation.replaced) return "replaced";
  if (invitation.status === "revoked") return "revoked";
  if (invitation.status === "declined") return someoneElse ? "email_mismatch" : "declined";
  if (invitation.status === "expired" || invitation.expired) return "expired";
  if (user && invitation.email !== user.email) return "email_mismatch";
  return null;
}

export type InvitationPreview =
  | { ok: true; joined: false; email: string; role: InvitableRole; tenantName: string; inviterName: string | null }
  | { ok: true; joined: true; tenantId: string }
  | InviteRefusal;

/** The refusal for `reason`; the two that are about the workspace itself name it. */
const refusal = (reason: InviteFailure, invitation: InvitationRow): InviteRefusal =>
  reason === "no_longer_member" || reason === "workspace_deleted" || reason === "workspace_suspended" ? { ok: false, reason, tenantName: invitation.tenant_name } : { ok: false, reason };

/**
 * What a link is worth, read-only through the token's capability: for a
 * visitor who is not signed in, whom it invites; for a signed-in user, what
 * accepting would do (the page asks before joining — a link opened by a
 * cross-site GET never enrols anyone), or that they already joined with it.
 * Within the client address's limit on tokens that match nothing
 * (`withinInviteTokenLimit`): `request` is where the visitor is (the actor's
 * by default); the callers do not count again.
 */
export async function inspectInvitationToken(token: string, actor: Actor | null = null, request: RequestInfo | null = actor?.request ?? null): Promise<InvitationPreview> {
  return withinInviteTokenLimit(request?.ip ?? null, () => inspectToken(token, actor));
}

async function inspectToken(token: string, actor: Actor | null): Promise<InvitationPreview> {
  if (!isInviteTokenShape(token)) return { ok: false, reason: "invalid" };
  return withInvitationToken(token, actor?.credential ?? null, async (tx, user) => {
    const invitation = await findInvitation(tx, "token");
    if (!invitation) return { ok: false, reason: "not_found" };
    const failure = classify(invitation, actor ? user : null);
    if (failure === "mine") return { ok: true, joined: true, tenantId: invitation.tenant_id };
    if (failure) return refusal(failure, invitation);
    const details = await tx.one<{ inviter_name: string | null }>(sql`
      SELECT i.inviter_name FROM tenant_invitations i WHERE i.id = ${invitation.id}::uuid`);
    return { ok: true, joined: false, email: invitation.email, role: invitation.role, tenantName: invitation.tenant_name, inviterName: details?.inviter_name ?? null };
  });
}

/**
 * Joins the invitation's workspace with its role. Idempotent on
 * (tenant_id, user_id): someone who already belongs keeps their role (it is
 * never lowered) and the invitation is used up; re-opening a link one has
 * accepted is harmless. Every refusal changes nothing.
 */
async function acceptInvitation(tx: Tx, user: SignedInUser, found: InvitationRow, request?: RequestInfo): Promise<AcceptOutcome> {
  await enterTenantToJoin(tx, found.tenant_id);
  await lockTenant(tx, found.tenant_id);
  // Read again under the lock: a concurrent acceptance, revocation or
  // re-invite may have just committed.
  const invitation = await findInvitation(tx, { id: found.id });
  if (!invitation) return { ok: false, reason: "not_found" };
  const failure = classify(invitation, user);
  if (failure === "mine") return { ok: true, tenantId: invitation.tenant_id, alreadyMember: true };
  if (failure) return refusal(failure, invitation);

  const existing = await tx.one<{ role: Role }>(sql`
    SELECT role FROM tenant_members WHERE tenant_id = ${invitation.tenant_id}::uuid AND user_id = ${user.id}::uuid`);
  if (!existing) {
    await tx.exec(sql`
      INSERT INTO tenant_members (tenant_id, user_id, role) VALUES (${invitation.tenant_id}::uuid, ${user.id}::uuid, ${invitation.role}::member_role)
      ON CONFLICT (tenant_id, user_id) DO NOTHING`);
  }
  await tx.exec(sql`
    UPDATE tenant_invitations SET status = 'accepted', accepted_by = ${user.id}::uuid, accepted_at = now()
     WHERE id = ${invitation.id}::uuid AND status = 'pending'`);
  await recordAudit(tx, {
    tenantId: invitation.tenant_id,
    actor: user,
    action: "member.invite.accept",
    target: { type: "invitation", id: invitation.id },
    metadata: {
      email: invitation.email,
      role: existing ? existing.role : invitation.role,
      invited_role: invitation.role,
      already_member: Boolean(existing),
    },
    request,
  });
  return { ok: true, tenantId: invitation.tenant_id, alreadyMember: Boolean(existing) };
}

/**
 * Accepts the invitation a link's token names, as the signed-in user: the
 * /invite page's action and POST /invitations/accept. Within the client
 * address's limit on tokens that match nothing (the actor's request; over it,
 * RateLimited and nothing changes) — here, once, so that every caller has it.
 */
export async function acceptInvitationByToken(actor: Actor, token: string): Promise<AcceptOutcome> {
  return withinInviteTokenLimit(actor.request?.ip ?? null, () => acceptByToken(actor, token));
}

async function acceptByToken(actor: Actor, token: string): Promise<AcceptOutcome> {
  if (!isInviteTokenShape(token)) return { ok: false, reason: "invalid" };
  return withInvitationToken(token, actor.credential, async (tx, user) => {
    if (!user) throw new DomainError(SIGNED_OUT_CODE, SIGNED_OUT);
    const found = await findInvitation(tx, "token");
    if (!found) return { ok: false, reason: "not_found" };
    return acceptInvitation(tx, user, found, actor.request);
  });
}

/** Accepts a pending invitation addressed to the user's email, from the onboarding page (no link needed). */
export async function acceptInvitationById(actor: Actor, invitationId: string): Promise<AcceptOutcome> {
  return withUser(actor.credential, async (tx, user) => {
    const found = await findInvitation(tx, { id: invitationId });
    if (!found) return { ok: false, reason: "not_found" };
    return acceptInvitation(tx, user, found, actor.request);
  });
}

export type DeclineOutcome = { ok: true; tenantName: string } | InviteRefusal;

/** Whom app_decline_invitation says to tell, and what: the inviter, while they still belong to the workspace. */
interface DeclinedNotice {
  inviterEmail: string;
  invitee: string;
  workspaceName: string;
  role: string;
}

/**
 * Declines a pending invitation addressed to the signed-in user (onboarding's
 * and the dashboard's lists): it is marked declined, leaves the lists of
 * pending invitations and the workspace's seats (the members page lists it as
 * declined for 30 days), its link says so, and the workspace's log records
 * member.invite.decline with the invitee as its actor. The addressee is no
 * member of the workspace, so a database function does it
 * (app_decline_invitation), for an invitation addressed to them only. One it
 * no longer can decline (used, revoked, replaced, expired, its workspace
 * deleted or suspended) is refused with the reason, as accepting it would be;
 * someone else's is not_found. Once the decline has committed, whoever sent
 * the invitation is emailed, if they still belong to the workspace; an email
 * not sent is logged and changes nothing.
 */
export async function declineInvitation(actor: Actor, invitationId: string): Promise<DeclineOutcome> {
  const { outcome, notice } = await withUser(actor.credential, async (tx, user): Promise<{ outcome: DeclineOutcome; notice?: DeclinedNotice }> => {
    const done = await tx.one<{ declined: boolean; tenant_name: string | null; role: string | null; inviter_email: string | null }>(sql`
      SELECT declined, tenant_name, role, inviter_email FROM app_decline_invitation(${invitationId}::uuid, ${actor.request?.ip ?? null},
                                                                                  ${actor.request?.userAgent ?? null})`);
    if (done?.declined) {
      const tenantName = done.tenant_name ?? "";
      const invitee = user.name ? `${user.name} (${user.email})` : user.email;
      return {
        outcome: { ok: true, tenantName },
        notice: done.inviter_email ? { inviterEmail: done.inviter_email, invitee, workspaceName: tenantName, role: done.role ?? "" } : undefined,
      };
    }
    const invitation = await findInvitation(tx, { id: invitationId });
    if (!invitation || invitation.email !== user.email) return { outcome: { ok: false, reason: "not_found" } };
    const failure = classify(invitation, user);
    // Joined with it (and still a member): it is used.
    if (failure === "mine" || failure === null) return { outcome: { ok: false, reason: failure === "mine" ? "already_used" : "not_found" } };
    return { outcome: refusal(failure, invitation) };
  });
  if (notice) await tellInviterOfDecline(notice);
  return outcome;
}

/** The email to an invitation's sender that its addressee declined it; sent after the decline committed, never undoing it. */
async function tellInviterOfDecline({ inviterEmail, invitee, workspaceName, role }: DeclinedNotice): Promise<void> {
  const sent = await sendEmail({
    to: inviterEmail,
    subject: invitationDeclinedSubject({ invitee, workspaceName }),
    react: createElement(InvitationDeclinedEmail, { invitee, workspaceName, role, url: `${appBaseUrl()}/app/settings` }),
  });
  if (!sent.delivered) console.warn(`[invitations] email to ${inviterEmail} that an invitation was declined not sent: ${sent.error}`);
}

export interface PendingInvitationForUser {
  id: string;
  tenantName: string;
  role: Role;
  invitedBy: string | null;
  expiresAt: Date;
}

/**
 * Pending, unexpired invitations addressed to the email of the user the
 * transaction's entry signed in (`app_current_user_email()`), for onboarding:
 * the page sends it with its entry (requireUserWith).
 */
export function invitationsForUserRead(): Read<PendingInvitationForUser[], PendingForUserRow> {
  return {
    statement: sql`
      SELECT i.id, t.name AS tenant_name, i.role, i.inviter_name AS inviter, i.expires_at
        ${pendingForUser}
       ORDER BY i.created_at DESC`,
    result: (rows) => rows.map(pendingInvitationOf),
  };
}

interface PendingForUserRow {
  id: string;
  tenant_name: string;
  role: Role;
  inviter: string | null;
  expires_at: Date;
}

/** The invitations invitationsForUserRead lists (`i`, with their workspace `t`). */
const pendingForUser = sql`
  FROM tenant_invitations i
  JOIN tenants t ON t.id = i.tenant_id AND t.status = 'active'
 WHERE i.email = (SELECT app_current_user_email()) AND i.status = 'pending' AND i.expires_at > now()`;

const pendingInvitationOf = (r: PendingForUserRow): PendingInvitationForUser => ({ id: r.id, tenantName: r.tenant_name, role: r.role, invitedBy: r.inviter, expiresAt: r.expires_at });

export interface Onboarding {
  /** As invitationsForUserRead lists them. */
  invitations: PendingInvitationForUser[];
  /** The workspaces in the user's trash they can still restore, by id (lib/lifecycle.ts, restorableTrashIds). */
  restorable: string[];
}

/**
 * The onboarding page's read: the user's pending invitations
 * (invitationsForUserRead's, newest first) and the ids of the workspaces they
 * can restore from their trash, in one statement — one row per invitation,
 * each carrying the ids, or a single row of no invitation when there is none.
 */
export function onboardingRead(): Read<Onboarding, { restorable: string[] } & { [K in keyof PendingForUserRow]: PendingForUserRow[K] | null }> {
  return {
    statement: sql`
      SELECT trash.ids AS restorable, p.id, p.tenant_name, p.role, p.inviter, p.expires_at
        FROM (SELECT ${restorableTrashIds} AS ids) trash
        LEFT JOIN (SELECT i.id, t.name AS tenant_name, i.role, i.inviter_name AS inviter, i.expires_at, i.created_at ${pendingForUser}) p ON true
       ORDER BY p.created_at DESC`,
    result: (rows) => ({
      invitations: rows.flatMap((r) => (r.id === null ? [] : [pendingInvitationOf(r as PendingForUserRow)])),
      restorable: rows[0]?.restorable ?? [],
    }),
  };
}

export interface Dashboard {
  /** lib/tenants.ts, workspaceOverview: the workspace's own figures. */
  overview: WorkspaceOverview;
  /** As invitationsForUserRead lists them, to the workspaces the user does not belong to yet. */
  invitations: PendingInvitationForUser[];
}

/**
 * The dashboard's read: the entered workspace's overview and the invitations
 * addressed to the viewer to other workspaces (newest first), in one
 * statement sent with the page's entry — one row per invitation, each
 * carrying the overview, or a single row of no invitation when there is none.
 */
export const dashboardRead: Read<Dashboard, { created_at: Date; members: number; pending: number } & { [K in keyof PendingForUserRow]: PendingForUserRow[K] | null }> = {
  statement: sql`
    SELECT o.created_at, o.members, o.pending, p.id, p.tenant_name, p.role, p.inviter, p.expires_at
      FROM (${workspaceOverview.statement}) o
      LEFT JOIN (SELECT i.id, t.name AS tenant_name, i.role, i.inviter_name AS inviter, i.expires_at, i.created_at ${pendingForUser}
                    AND NOT EXISTS (SELECT 1 FROM tenant_members m WHERE m.tenant_id = i.tenant_id AND m.user_id = (SELECT app_current_user_id()))) p ON true
     ORDER BY p.created_at DESC`,
  result: (rows) => ({
    overview: workspaceOverview.result(rows.slice(0, 1)),
    invitations: rows.flatMap((r) => (r.id === null ? [] : [pendingInvitationOf(r as PendingForUserRow)])),
  }),
};

/** Pending, unexpired invitations addressed to the user's email, for onboarding. */
export async function listInvitationsForUser(actor: Pick<Actor, "credential">): Promise<PendingInvitationForUser[]> {
  return withUser(actor.credential, (tx) => runRead(tx, invitationsForUserRead()));
}
