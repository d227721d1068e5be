import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createElement } from "react";
import { z } from "zod";
import { TransferConfirmEmail } from "@/emails/ownership-transfer";
import { recordAudit } from "@/lib/audit";
import { enteredTenant, runRead, sql, type Read, type Sql, type Tx } from "@/lib/db";
import { sendEmail } from "@/lib/email";
import { twoFactorEnabled } from "@/lib/two-factor";
import { DomainError, findPgError, isUniqueViolation, RELOAD_THE_PAGE } from "@/lib/errors";
import { can, lockTenant, ROLES, withTenant, type Credential, type Role, type TenantActor, type TenantContext } from "@/lib/tenancy";
import { appBaseUrl } from "@/lib/urls";
import { sameId, uuidSchema } from "@/lib/validation";
import { secondFactor as defaultSecondFactor, type SecondFactor } from "./second-factor";
import { isLive, LIVE_TRANSFER_STATUSES, STEP_OF, TRANSFER_PAGE, TRANSFER_TIMINGS, type TransferStatus } from "./steps";

// Ownership transfer with consent (seed 001's table of steps). Each step a
// person takes is a function here: one transaction entered as that person
// (withTenant), the row locked, the step's rules checked against the clock
// the caller passes (tests inject one), the move made and its audit row
// written. The timed steps are the worker's (lib/jobs/transfer.ts).

export { TRANSFER_PAGE, TRANSFER_TIMINGS } from "./steps";


export const startTransferSchema = z.object({
  toUserId: uuidSchema("Choose a member of this workspace to transfer ownership to."),
  code: z.string().trim().max(64).optional(),
});
export const transferIdSchema = z.object({ transferId: uuidSchema("That transfer does not exist.") });
export const confirmTransferSchema = transferIdSchema.extend({ token: z.string().max(128) });
export const acceptTransferSchema = transferIdSchema.extend({ code: z.string().trim().max(64).optional() });

export interface Person {
  id: string;
  email: string;
  name: string | null;
}

export interface TransferView {
  id: string;
  status: TransferStatus;
  live: boolean;
  step: number;
  waitingFor: string;
  from: Person;
  to: Person;
  createdAt: Date;
  confirmedAt: Date | null;
  finalConfirmedAt: Date | null;
  /** When the current step's time is up (a deadline, or when the worker moves it on); null once ended. */
  dueAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  /**
   * Who ended it, when a person did: the one who cancelled it (or accepted
   * it). Their address and name are null when the viewer may no longer see
   * them (they have left the workspace). Null when the schedule ended it: an
   * expiry, or a cancellation because a party left; and when the platform's
   * operators deleted the workspace (end_reason workspace_deleted).
   */
  endedBy: { id: string; email: string | null; name: string | null } | null;
}

export interface TransferCandidate extends Person {
  role: Role;
}

export interface TransferPage {
  /** The live transfer, else the latest that ended, that the user may see. */
  transfer: TransferView | null;
  /** Who the user could transfer to (owners only see this): members who are not owners. */
  candidates: TransferCandidate[];
  /** When the user's session was signed in, and until when it counts as fresh. */
  signedInAt: Date | null;
  freshUntil: Date | null;
  /** Whether the user's signed steps ask for a second-factor code. */
  needsCode: boolean;
}

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

interface TransferRow {
  id: string;
  tenant_id: string;
  status: TransferStatus;
  from_user_id: string;
  to_user_id: string;
  from_email: string;
  from_name: string | null;
  to_email: string;
  to_name: string | null;
  confirm_token_hash: string | null;
  due_at: Date | null;
  created_at: Date;
  confirmed_at: Date | null;
  final_confirmed_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
  ended_by: string | null;
  ended_by_email: string | null;
  ended_by_name: string | null;
}

const TRANSFER_COLUMNS = sql`
  t.id, t.tenant_id, t.status, t.from_user_id, t.to_user_id, t.confirm_token_hash, t.due_at, t.created_at, t.confirmed_at,
  t.final_confirmed_at, t.ended_at, t.end_reason, t.ended_by,
  (SELECT u.email FROM users u WHERE u.id = t.ended_by) AS ended_by_email, (SELECT u.name FROM users u WHERE u.id = t.ended_by) AS ended_by_name,
  (SELECT u.email FROM users u WHERE u.id = t.from_user_id) AS from_email, (SELECT u.name FROM users u WHERE u.id = t.from_user_id) AS from_name,
  (SELECT u.email FROM users u WHERE u.id = t.to_user_id) AS to_email, (SELECT u.name FROM users u WHERE u.id = t.to_user_id) AS to_name`;

function view(row: TransferRow): TransferView {
  return {
    id: row.id,
    status: row.status,
    live: isLive(row.status),
    ...STEP_OF[row.status],
    from: { id: row.from_user_id, email: row.from_email, name: row.from_name },
    to: { id: row.to_user_id, email: row.to_email, name: row.to_name },
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    finalConfirmedAt: row.final_confirmed_at,
    dueAt: row.due_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    endedBy: row.ended_by ? { id: row.ended_by, email: row.ended_by_email, name: row.ended_by_name } : null,
  };
}

/** When the request's session was signed in (the database reads it for the session's own user only). */
async function signedInAt(tx: Tx, ctx: Pick<TenantActor, "credential">): Promise<Date | null> {
  const row = await tx.one<{ at: Date | null }>(sql`SELECT app_session_authenticated_at(${ctx.credential.token}) AS at`);
  return row?.at ?? null;
}

/**
 * A step that needs a fresh sign-in: the session must have been signed in
 * within the last 10 minutes (a new magic link), and, when the user has a
 * second factor, `code` must be one of its codes.
 */
async function requireFreshSignIn(tx: Tx, actor: TenantActor, now: Date, code: string | undefined, factor: SecondFactor): Promise<void> {
  const at = await signedInAt(tx, actor);
  if (!at || now.getTime() - at.getTime() > TRANSFER_TIMINGS.reauthWindowMs || at.getTime() > now.getTime() + 60_000) {
    throw new DomainError("reauth_required", "For this step, sign in again with a fresh link (it counts for 10 minutes), then try again.");
  }
  // Second factor: ./second-factor.ts (lib/two-factor.ts).
  if (await factor.isEnabled(tx, actor.userId)) {
    if (!code) throw new DomainError("second_factor_required", "Enter the code from your authenticator app (or a recovery code).", "code");
    if (!(await factor.verify(tx, actor.userId, code))) {
      throw new DomainError("second_factor_invalid", "That code is not right. Enter the current code from your authenticator app, or a recovery code.", "code");
    }
  }
}

/** The transfer page's one row: the transfer's columns (all NULL without one), then the rest of the page. */
type TransferPageRow = { [K in keyof TransferRow]: TransferRow[K] | null } & {
  candidates: TransferCandidate[];
  signed_in_at: Date | null;
  needs_code: boolean;
};

/** The roles that may start a transfer (`can(role, "ownership.transfer")`): only they are offered candidates. */
const TRANSFERRING_ROLES: Role[] = ROLES.filter((role) => can(role, "ownership.transfer"));

/**
 * The transfer page's one statement, in the page's workspace: the live
 * transfer, else the latest that ended (the policies show it to its parties,
 * owners and admins); the candidates, for a role that may transfer (JSON:
 * no dates); when the session `token` was signed in (only its own user
 * learns it: app_session_authenticated_at, as requireFreshSignIn asks it);
 * whether the viewer has a second factor enabled (the policies show their
 * own row only: twoFactorEnabled, hasTwoFactor's question). `tenant`, `user` and `role` name the
 * workspace, the viewer and their role there: by default as the
 * transaction's entry signed them, so that the page sends it with its entry.
 * In no workspace it reads one row of nothing (no transfer, no candidate)
 * and fails nothing: app_session_authenticated_at answers NULL to anything.
 */
function transferPageStatement(token: string | null, tenant: Sql, user: Sql, role: Sql): Sql {
  return sql`
    SELECT t.*,
           (SELECT coalesce(json_agg(c), '[]') FROM (
              SELECT u.id, u.email, u.name, m.role FROM tenant_members m JOIN users u ON u.id = m.user_id
               WHERE ${role} = ANY (${TRANSFERRING_ROLES}::member_role[])
                 AND m.tenant_id = ${tenant} AND m.role <> 'owner' AND u.active AND m.user_id <> ${user}
               ORDER BY lower(coalesce(u.name, u.email)) LIMIT 500) c) AS candidates,
           app_session_authenticated_at(${token}) AS signed_in_at,
           ${twoFactorEnabled(user)} AS needs_code
      FROM (SELECT) AS page
      LEFT JOIN (SELECT ${TRANSFER_COLUMNS} FROM ownership_transfers t
                  WHERE t.tenant_id = ${tenant}
                  ORDER BY (t.due_at IS NULL), t.created_at DESC LIMIT 1) t ON true`;
}

function transferPageFrom(row: TransferPageRow | undefined): TransferPage {
  const at = row?.signed_in_at ?? null;
  return {
    transfer: row?.id ? view(row as TransferRow) : null,
    candidates: row?.candidates ?? [],
    signedInAt: at,
    freshUntil: at ? new Date(at.getTime() + TRANSFER_TIMINGS.reauthWindowMs) : null,
    needsCode: row?.needs_code === true,
  };
}

/**
 * The transfer page's data as a Read of the workspace the transaction
 * entered, for the user it signed in: what the page sends with its entry
 * (one round trip). `credential` is the request's own, the one the entry
 * checks (the page has it before the entry: currentRequest).
 */
export function transferPage(credential: Pick<Credential, "token"> | null): Read<TransferPage, TransferPageRow> {
  return {
    statement: transferPageStatement(credential?.token ?? null, enteredTenant, sql`(SELECT app_current_user_id())`, sql`(SELECT app_current_role())`),
    result: ([row]) => transferPageFrom(row),
  };
}

/** The transfer page's data, inside a transaction in the context's workspace: the page's statement. */
export async function loadTransferPage(tx: Tx, ctx: Pick<TenantContext, "tenantId" | "userId" | "role" | "credential">): Promise<TransferPage> {
  return runRead(tx, {
    statement: transferPageStatement(ctx.credential.token, sql`${ctx.tenantId}::uuid`, sql`${ctx.userId}::uuid`, sql`${ctx.role}::member_role`),
    result: ([row]: TransferPageRow[]) => transferPageFrom(row),
  });
}

async function lockTransfer(tx: Tx, actor: TenantActor, transferId: string): Promise<TransferRow> {
  const row = await tx.one<TransferRow>(sql`
    SELECT ${TRANSFER_COLUMNS} FROM ownership_transfers t
     WHERE t.id = ${transferId}::uuid AND t.tenant_id = ${actor.tenantId}::uuid FOR UPDATE OF t`);
  if (!row) throw new DomainError("not_found", "That transfer does not exist, or you are not party to it.");
  return row;
}

function requireStatus(row: TransferRow, status: TransferStatus, now: Date, what: string): void {
  if (row.status !== status) {
    const ended = !isLive(row.status);
    throw new DomainError(
      ended ? "transfer_ended" : "wrong_step",
      ended ? `This transfer has ${row.status === "completed" ? "completed" : `been ${row.status}`}; ${what} is no longer possible.` : `This transfer is not at the step where ${what} is possible.`,
      undefined,
      ended ? undefined : RELOAD_THE_PAGE,
    );
  }
  if (row.due_at && row.due_at.getTime() <= now.getTime()) {
    throw new DomainError("expired", `The time for ${what} is up: the transfer is expiring.`);
  }
}

/** The columns of who ended a transfer, when the actor did. */
const endedByActor = (actor: TenantActor) => ({ ended_by: actor.userId, ended_by_email: actor.user.email, ended_by_name: actor.user.name });

const parties = (row: TransferRow) => ({ from_email: row.from_email, to_email: row.to_email, from_user_id: row.from_user_id, to_user_id: row.to_user_id });

export interface StartedTransfer {
  transferId: string;
  emailDispatched: boolean;
  expiresAt: Date;
}

/**
 * Step 1: an owner, freshly signed in (and with their second factor if they
 * have one), starts transferring ownership to a member of the workspace. The
 * owner is emailed a confirmation link valid for 24 hours.
 * A transfer already in progress → `conflict` (409); a target who is not a
 * member (or is an owner already, or oneself) → `validation_error` (400).
 */
export async function startTransfer(
  actor: TenantActor,
  input: z.output<typeof startTransferSchema>,
  options: { now?: Date; secondFactor?: SecondFactor } = {},
): Promise<StartedTransfer> {
  const now = options.now ?? new Date();
  const factor = options.secondFactor ?? defaultSecondFactor;
  return withTenant(actor, async (tx, role) => {
    if (!can(role, "ownership.transfer")) throw new DomainError("forbidden", "Only an owner can transfer ownership.");
    await lockTenant(tx, actor.tenantId);
    await requireFreshSignIn(tx, actor, now, input.code, factor);
    if (sameId(input.toUserId, actor.userId)) {
      throw new DomainError("validation_error", "You cannot transfer ownership to yourself.", "toUserId");
    }
    const target = await tx.one<{ role: Role; email: string; name: string | null; active: boolean }>(sql`
      SELECT m.role, u.email, u.name, u.active FROM tenant_members m JOIN users u ON u.id = m.user_id
       WHERE m.tenant_id = ${actor.tenantId}::uuid AND m.user_id = ${input.toUserId}::uuid`);
    if (!target || !target.active) {
      throw new DomainError("validation_error", "The new owner must be a member of this workspace.", "toUserId");
    }
    if (target.role === "owner") throw new DomainError("validation_error", `${target.email} is already an owner.`, "toUserId");

    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + TRANSFER_TIMINGS.confirmWindowMs);
    let transferId: string;
    try {
      const inserted = await tx.one<{ id: string }>(sql`
        INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, status, confirm_token_hash, due_at, created_at)
        VALUES (${actor.tenantId}::uuid, ${actor.userId}::uuid, ${input.toUserId}::uuid, 'pending_confirmation', ${hashToken(token)},
                ${expiresAt}, ${now})
        RETURNING id`);
      transferId = inserted!.id;
    } catch (error) {
      if (isUniqueViolation(error, "ownership_transfers_one_live")) {
        throw new DomainError("conflict", "A transfer of ownership is already in progress in this workspace. Cancel it first.");
      }
      throw error;
    }
    const sent = await sendConfirmation(actor, transferId, token, target.name ?? target.email, expiresAt);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "ownership.transfer.start",
      target: { type: "ownership_transfer", id: transferId },
      metadata: { from_email: actor.user.email, to_email: target.email, to_user_id: input.toUserId, to_role: target.role, email_dispatched: sent.delivered, expires_at: expiresAt.toISOString() },
      request: actor.request,
    });
    return { transferId, emailDispatched: sent.delivered, expiresAt };
  });
}

/** The confirmation link of step 2, to the owner who started the transfer. */
function sendConfirmation(actor: TenantActor, transferId: string, token: string, toName: string, expiresAt: Date) {
  const url = `${appBaseUrl()}${TRANSFER_PAGE}/confirm?${new URLSearchParams({ tenant: actor.tenantId, transfer: transferId, token })}`;
  return sendEmail({
    to: actor.user.email,
    subject: `Confirm the transfer of ${actor.tenant.name}`,
    react: createElement(TransferConfirmEmail, {
      workspaceName: actor.tenant.name,
      fromName: actor.user.name ?? actor.user.email,
      toName,
      url,
      expiresAt,
    }),
  });
}

/**
 * Step 2 again: a new confirmation link (the previous one stops working),
 * valid until the same deadline — for an email that did not arrive.
 */
export async function resendTransferConfirmation(
  actor: TenantActor,
  input: z.output<typeof transferIdSchema>,
  options: { now?: Date } = {},
): Promise<{ emailDispatched: boolean }> {
  const now = options.now ?? new Date();
  return withTenant(actor, async (tx) => {
    const row = await lockTransfer(tx, actor, input.transferId);
    if (row.from_user_id !== actor.userId) throw new DomainError("forbidden", "Only the owner who started this transfer can be sent its link.");
    requireStatus(row, "pending_confirmation", now, "sending the link again");
    const token = randomBytes(32).toString("base64url");
    await tx.exec(sql`UPDATE ownership_transfers SET confirm_token_hash = ${hashToken(token)} WHERE id = ${row.id}::uuid`);
    const sent = await sendConfirmation(actor, row.id, token, row.to_name ?? row.to_email, row.due_at!);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "ownership.transfer.resend",
      target: { type: "ownership_transfer", id: row.id },
      metadata: { ...parties(row), email_dispatched: sent.delivered },
      request: actor.request,
    });
    return { emailDispatched: sent.delivered };
  });
}

/** Step 2: the owner who started it confirms from the emailed link, within 24 hours. */
export async function confirmTransfer(actor: TenantActor, input: z.output<typeof confirmTransferSchema>, options: { now?: Date } = {}): Promise<TransferView> {
  const now = options.now ?? new Date();
  return withTenant(actor, async (tx) => {
    const row = await lockTransfer(tx, actor, input.transferId);
    if (row.from_user_id !== actor.userId) throw new DomainError("forbidden", "Only the owner who started this transfer can confirm it.");
    requireStatus(row, "pending_confirmation", now, "confirming it");
    const expected = Buffer.from(row.confirm_token_hash ?? "", "hex");
    const given = Buffer.from(hashToken(input.token), "hex");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new DomainError("invalid_link", "This confirmation link is not valid. Use the latest link we emailed you.");
    }
    const due = new Date(now.getTime() + TRANSFER_TIMINGS.finalDelayMs);
    await tx.exec(sql`
      UPDATE ownership_transfers SET status = 'confirmed', confirmed_at = ${now}, confirm_token_hash = NULL, due_at = ${due}
       WHERE id = ${row.id}::uuid`);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "ownership.transfer.confirm",
      target: { type: "ownership_transfer", id: row.id },
      metadata: { ...parties(row), final_confirmation_at: due.toISOString() },
      request: actor.request,
    });
    return view({ ...row, status: "confirmed", confirmed_at: now, confirm_token_hash: null, due_at: due });
  });
}

/** Step 3's answer: the owner confirms the transfer is irreversible; the 72-hour cooling period begins. */
export async function finalConfirmTransfer(actor: TenantActor, input: z.output<typeof transferIdSchema>, options: { now?: Date } = {}): Promise<TransferView> {
  const now = options.now ?? new Date();
  return withTenant(actor, async (tx) => {
    const row = await lockTransfer(tx, actor, input.transferId);
    if (row.from_user_id !== actor.userId) throw new DomainError("forbidden", "Only the owner who started this transfer can confirm it.");
    requireStatus(row, "awaiting_final", now, "the final confirmation");
    const due = new Date(now.getTime() + TRANSFER_TIMINGS.coolingMs);
    await tx.exec(sql`
      UPDATE ownership_transfers SET status = 'cooling', final_confirmed_at = ${now}, due_at = ${due} WHERE id = ${row.id}::uuid`);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "ownership.transfer.final_confirm",
      target: { type: "ownership_transfer", id: row.id },
      metadata: { ...parties(row), cooling_ends_at: due.toISOString() },
      request: actor.request,
    });
    // The worker emails every admin now rather than at its next sweep.
    await tx.exec(sql`SELECT pg_notify('tenantry_jobs', 'transfer')`);
    return view({ ...row, status: "cooling", final_confirmed_at: now, due_at: due });
  });
}

/**
 * Steps 5 and 6: the new owner, freshly signed in (and with their second
 * factor), accepts; in the same transaction they become an owner and then
 * the former owner a member (app_complete_ownership_transfer), so the
 * workspace has an owner at every instant — and the deferred last-owner
 * trigger checks it again at commit.
 */
export async function acceptTransfer(
  actor: TenantActor,
  input: z.output<typeof acceptTransferSchema>,
  options: { now?: Date; secondFactor?: SecondFactor } = {},
): Promise<TransferView> {
  const now = options.now ?? new Date();
  const factor = options.secondFactor ?? defaultSecondFactor;
  return withTenant(actor, async (tx) => {
    await lockTenant(tx, actor.tenantId);
    const row = await lockTransfer(tx, actor, input.transferId);
    if (row.to_user_id !== actor.userId) throw new DomainError("forbidden", "Only the new owner can accept this transfer.");
    requireStatus(row, "awaiting_acceptance", now, "accepting it");
    await requireFreshSignIn(tx, actor, now, input.code, factor);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "ownership.transfer.accept",
      target: { type: "ownership_transfer", id: row.id },
      metadata: parties(row),
      request: actor.request,
    });
    try {
      await tx.query(sql`SELECT app_complete_ownership_transfer(${row.id}::uuid)`);
    } catch (error) {
      if (findPgError(error)?.hint === "transfer_party_gone") {
        throw new DomainError("party_gone", "The owner who started this transfer is no longer an owner, or you are no longer a member.", undefined, RELOAD_THE_PAGE);
      }
      throw error;
    }
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "ownership.transfer.complete",
      target: { type: "ownership_transfer", id: row.id },
      metadata: { ...parties(row), email: row.from_email, from_role: "owner", to_role: "member" },
      request: actor.request,
    });
    // The worker tells the former owner.
    await tx.exec(sql`SELECT pg_notify('tenantry_jobs', 'transfer')`);
    return view({ ...row, status: "completed", due_at: null, ended_at: now, end_reason: "accepted", ...endedByActor(actor) });
  });
}

/**
 * Ends the workspace's transfer in progress, if there is one, as part of
 * deleting the workspace (in its transaction, by the owner deleting it;
 * audited). A transfer's deadlines would run on in the trash, and a restore
 * would find its cooling period over — passed unseen by the admins and
 * owners it exists for. A restored workspace starts a new transfer if it
 * wants one. The worker emails each party who did not delete it that the
 * deletion cancelled it (the new owner only if they had been told of the
 * transfer), with the workspace in the trash. The platform console's
 * deletion does the same in the database (app_private.tenant_delete), with
 * no ended_by: no member ended it.
 */
export async function endTransferWithWorkspace(tx: Tx, actor: TenantActor, now = new Date()): Promise<string | null> {
  const row = await tx.one<TransferRow>(sql`
    SELECT ${TRANSFER_COLUMNS} FROM ownership_transfers t
     WHERE t.tenant_id = ${actor.tenantId}::uuid AND t.status::text = ANY (${[...LIVE_TRANSFER_STATUSES]}::text[]) FOR UPDATE OF t`);
  if (!row) return null;
  await cancelLocked(tx, actor, row, now, "workspace_deleted", { reason: "workspace_deleted" });
  // The worker tells the parties now rather than at its next sweep.
  await tx.exec(sql`SELECT pg_notify('tenantry_jobs', 'transfer')`);
  return row.id;
}

/** Cancels a locked live transfer in the actor's name, audited with `metadata` beside the parties and the step. */
async function cancelLocked(tx: Tx, actor: TenantActor, row: TransferRow, now: Date, endReason: string, metadata: Record<string, string>): Promise<void> {
  await tx.exec(sql`
    UPDATE ownership_transfers
       SET status = 'cancelled', due_at = NULL, confirm_token_hash = NULL, ended_at = ${now}, ended_by = ${actor.userId}::uuid, end_reason = ${endReason}
     WHERE id = ${row.id}::uuid`);
  await recordAudit(tx, {
    tenantId: actor.tenantId,
    actor: actor.user,
    action: "ownership.transfer.cancel",
    target: { type: "ownership_transfer", id: row.id },
    metadata: { ...parties(row), step: row.status, ...metadata },
    request: actor.request,
  });
}

/** Either party, or any other owner, cancels a live transfer at any step. */
export async function cancelTransfer(actor: TenantActor, input: z.output<typeof transferIdSchema>, options: { now?: Date } = {}): Promise<TransferView> {
  const now = options.now ?? new Date();
  return withTenant(actor, async (tx, role) => {
    const row = await lockTransfer(tx, actor, input.transferId);
    const party = row.from_user_id === actor.userId || row.to_user_id === actor.userId;
    if (!party && !can(role, "ownership.transfer")) throw new DomainError("forbidden", "Only the two parties or an owner can cancel this transfer.");
    if (!isLive(row.status)) {
      throw new DomainError("transfer_ended", `This transfer has already ${row.status === "completed" ? "completed" : `been ${row.status}`}.`);
    }
    await cancelLocked(tx, actor, row, now, "cancelled", {
      by: row.from_user_id === actor.userId ? "owner" : row.to_user_id === actor.userId ? "new_owner" : "other_owner",
    });
    // The worker tells the other party.
    await tx.exec(sql`SELECT pg_notify('tenantry_jobs', 'transfer')`);
    return view({ ...row, status: "cancelled", due_at: null, ended_at: now, end_reason: "cancelled", ...endedByActor(actor) });
  });
}
