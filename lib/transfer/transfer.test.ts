// Ownership transfer with consent (seed 001's table of steps), against the
// real database and the real queue: each step, its deadlines, cancelling by
// each party, the last-owner invariant during activation, 20 racing
// activations and cancellations, and what the database lets each role do.
// Time is the tests' clock: every step takes `now`, the worker's sweep too.
import { createHash, randomUUID } from "node:crypto";
import { runMigrations, runOnce } from "graphile-worker";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEventView, listAuditEvents, parseAuditFilters } from "@/lib/audit";
import { purgeWorkspace } from "@/lib/jobs/purge";
import { sendTransferEmail, sweepTransfers } from "@/lib/jobs/transfer";
import { taskList } from "@/lib/jobs/worker";
import { deleteTenant, restoreTenant } from "@/lib/lifecycle";
import { removeMember } from "@/lib/members";
import {
  acceptTransfer,
  cancelTransfer,
  confirmTransfer,
  finalConfirmTransfer,
  loadTransferPage,
  resendTransferConfirmation,
  startTransfer,
  TRANSFER_TIMINGS,
  transferPage,
} from "@/lib/transfer";
import type { SecondFactor } from "@/lib/transfer/second-factor";
import { isLive, STEP_OF } from "@/lib/transfer/steps";
import { can, ROLES, withTenant, withUser } from "@/lib/tenancy";
import { resolveWithData } from "@/lib/tenancy/resolve";
import { confirmEnrolment, startEnrolment, twoFactorState } from "@/lib/two-factor";
import { generate } from "otplib";
import {
  actorFor,
  addMember,
  asApp,
  auditRows,
  createUser,
  createWorkspace,
  credentialOf,
  domainCode,
  emailsTo,
  memberRole,
  owner,
  ownerCount,
  pgErrorCode,
  setTenantStatus,
  TEST_REQUEST,
  type TestUser,
  userActor,
} from "@/test/fixtures";

const MIN = 60_000;
const HOUR = 60 * MIN;

beforeAll(async () => {
  await runMigrations({ pgPool: owner() });
});

/** The user signs in again at `at` (a fresh magic link): their session's sign-in time. */
async function signInAgainAt(user: TestUser, at: Date) {
  const hash = createHash("sha256").update(user.sessionToken).digest("hex");
  await owner().query("UPDATE sessions SET created_at = $2 WHERE session_token = $1", [hash, at]);
}

async function transferRow(id: string) {
  const { rows } = await owner().query("SELECT * FROM ownership_transfers WHERE id = $1", [id]);
  return rows[0] ?? null;
}

async function queuedEmails(transferId: string) {
  const { rows } = await owner().query<{ key: string }>(
    "SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'transfer_email' AND key LIKE $1 ORDER BY key",
    [`transfer-email:${transferId}:%`],
  );
  return rows.map((r) => r.key);
}

/** The token of the confirmation link emailed to `address` (the latest). */
async function confirmationToken(address: string): Promise<string> {
  const [mail] = (await emailsTo(address)).slice(-1);
  const match = mail!.text.match(/token=([A-Za-z0-9_-]+)/);
  return match![1]!;
}

/** A workspace with a transfer from its owner to its member (or to another of its users), started at `t0`. */
async function started(t0 = new Date(), to: "member" | "admin" = "member") {
  const ws = await createWorkspace();
  await signInAgainAt(ws.owner, t0);
  const { transferId } = await startTransfer(actorFor(ws.tenant, ws.owner), { toUserId: ws[to].id }, { now: t0 });
  return { ...ws, transferId, t0 };
}

/** The same, moved on to the cooling period: confirmed at t0+1h, final request at t0+25h, confirmed at t0+26h. */
async function cooling(to: "member" | "admin" = "member") {
  const s = await started(new Date(), to);
  const at = (h: number) => new Date(s.t0.getTime() + h * HOUR);
  await confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token: await confirmationToken(s.owner.email) }, { now: at(1) });
  await sweepTransfers(owner(), at(25) );
  await finalConfirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId }, { now: at(26) });
  return { ...s, at };
}

/** …and to acceptance: the cooling period ends at t0+98h. */
async function awaitingAcceptance() {
  const c = await cooling();
  expect((await sweepTransfers(owner(), c.at(98))).moved[c.transferId]).toBe("awaiting_acceptance");
  await signInAgainAt(c.member, c.at(99));
  return c;
}

describe("step 1: starting a transfer", () => {
  it("needs a fresh sign-in: a session signed in 11 minutes ago is refused, and nothing is written", async () => {
    const ws = await createWorkspace();
    const now = new Date();
    await signInAgainAt(ws.owner, new Date(now.getTime() - 11 * MIN));
    expect(await domainCode(startTransfer(actorFor(ws.tenant, ws.owner), { toUserId: ws.member.id }, { now }))).toBe("reauth_required");
    await signInAgainAt(ws.owner, new Date(now.getTime() - 9 * MIN));
    expect(await domainCode(startTransfer(actorFor(ws.tenant, ws.owner), { toUserId: ws.member.id }, { now }))).toBe("ok");
    expect(await auditRows(ws.tenant.id, "ownership.transfer.start")).toHaveLength(1);
  });

  it("emails the owner a confirmation link valid 24 hours, and audits the start", async () => {
    const s = await started();
    const row = await transferRow(s.transferId);
    expect(row).toMatchObject({ status: "pending_confirmation", from_user_id: s.owner.id, to_user_id: s.member.id });
    expect(row.due_at.getTime() - s.t0.getTime()).toBe(TRANSFER_TIMINGS.confirmWindowMs);
    const [mail] = await emailsTo(s.owner.email);
    expect(mail!.subject).toContain(s.tenant.name);
    expect(mail!.text).toContain(`/app/settings/transfer/confirm?tenant=${s.tenant.id}&transfer=${s.transferId}&token=`);
    // Only the token's hash is stored.
    expect(row.confirm_token_hash).toBe(createHash("sha256").update(await confirmationToken(s.owner.email)).digest("hex"));
    const [audit] = await auditRows(s.tenant.id, "ownership.transfer.start");
    expect(audit).toMatchObject({ actor_user_id: s.owner.id, target_id: s.transferId, metadata: { to_email: s.member.email, email_dispatched: true } });
  });

  it("refuses a target who is not a member (validation error), an owner, or oneself, writing nothing", async () => {
    const ws = await createWorkspace();
    const outsider = await createUser();
    const coOwner = await createUser();
    await addMember(ws.tenant.id, coOwner.id, "owner");
    for (const toUserId of [outsider.id, coOwner.id, ws.owner.id]) {
      expect(await domainCode(startTransfer(actorFor(ws.tenant, ws.owner), { toUserId }))).toBe("validation_error");
    }
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM ownership_transfers WHERE tenant_id = $1", [ws.tenant.id]);
    expect(rows[0].n).toBe(0);
  });

  it("allows one live transfer per workspace: a second is a conflict, until the first is cancelled", async () => {
    const s = await started();
    const again = () => startTransfer(actorFor(s.tenant, s.owner), { toUserId: s.admin.id }, { now: s.t0 });
    expect(await domainCode(again())).toBe("conflict");
    // The database holds the line on its own (the partial unique index).
    expect(
      await pgErrorCode(owner().query("INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, due_at) VALUES ($1, $2, $3, now())", [s.tenant.id, s.owner.id, s.admin.id])),
    ).toBe("23505");
    await cancelTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId });
    expect(await domainCode(again())).toBe("ok");
  });

  it("is for owners: an admin is refused by the lib and by the database", async () => {
    const ws = await createWorkspace();
    expect(await domainCode(startTransfer(actorFor(ws.tenant, ws.admin), { toUserId: ws.member.id }))).toBe("forbidden");
    const code = await pgErrorCode(
      asApp({ tenantId: ws.tenant.id, user: ws.admin }, (c) =>
        c.query("INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, due_at) VALUES ($1, $2, $3, now() + interval '1 day')", [ws.tenant.id, ws.admin.id, ws.member.id]),
      ),
    );
    expect(code).toBe("42501");
  });

  it("asks an owner with two-factor for a code: none or a wrong one refused, a recovery code accepted (lib/two-factor.ts)", async () => {
    const ws = await createWorkspace();
    await startEnrolment({ credential: credentialOf(ws.owner) });
    const secret = await withUser(credentialOf(ws.owner), async (tx, u) => (await twoFactorState(tx, u)).enrolment!.secret);
    const [recovery] = await confirmEnrolment({ credential: credentialOf(ws.owner) }, await generate({ secret }));
    const start = (code?: string) => startTransfer(actorFor(ws.tenant, ws.owner), { toUserId: ws.member.id, code });
    expect(await domainCode(start())).toBe("second_factor_required");
    expect(await domainCode(start("000000"))).toBe("second_factor_invalid");
    expect(await auditRows(ws.tenant.id, "ownership.transfer.start")).toHaveLength(0);
    expect(await domainCode(start(recovery))).toBe("ok");
  });

  it("asks for the second factor through the interface it is given", async () => {
    const ws = await createWorkspace();
    const factor: SecondFactor = { isEnabled: async (_tx, id) => id === ws.owner.id, verify: async (_tx, _id, code) => code === "123456" };
    const start = (code?: string) => startTransfer(actorFor(ws.tenant, ws.owner), { toUserId: ws.member.id, code }, { secondFactor: factor });
    expect(await domainCode(start())).toBe("second_factor_required");
    expect(await domainCode(start("000000"))).toBe("second_factor_invalid");
    expect(await domainCode(start("123456"))).toBe("ok");
  });
});

describe("steps 2 and 3: the owner's two confirmations", () => {
  it("takes only the emailed link's token, only from the owner who started it", async () => {
    const s = await started();
    const token = await confirmationToken(s.owner.email);
    const now = new Date(s.t0.getTime() + HOUR);
    expect(await domainCode(confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token: `${token}x` }, { now }))).toBe("invalid_link");
    const coOwner = await createUser();
    await addMember(s.tenant.id, coOwner.id, "owner");
    expect(await domainCode(confirmTransfer(actorFor(s.tenant, coOwner), { transferId: s.transferId, token }, { now }))).toBe("forbidden");
    expect(await domainCode(confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token }, { now }))).toBe("ok");
    const row = await transferRow(s.transferId);
    expect(row).toMatchObject({ status: "confirmed", confirm_token_hash: null });
    expect(row.due_at.getTime() - now.getTime()).toBe(TRANSFER_TIMINGS.finalDelayMs);
    // The link is single-use.
    expect(await domainCode(confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token }, { now }))).toBe("wrong_step");
  });

  it("can be sent again by the owner only: the new link works, the old one no longer does, the deadline stays", async () => {
    const s = await started();
    const first = await confirmationToken(s.owner.email);
    expect(await domainCode(resendTransferConfirmation(actorFor(s.tenant, s.member), { transferId: s.transferId }))).toBe("forbidden");
    const before = await transferRow(s.transferId);
    await resendTransferConfirmation(actorFor(s.tenant, s.owner), { transferId: s.transferId }, { now: new Date(s.t0.getTime() + HOUR) });
    await emailsTo(s.owner.email, 2);
    const second = await confirmationToken(s.owner.email);
    expect(second).not.toBe(first);
    expect((await transferRow(s.transferId)).due_at).toEqual(before.due_at);
    const now = new Date(s.t0.getTime() + 2 * HOUR);
    expect(await domainCode(confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token: first }, { now }))).toBe("invalid_link");
    expect(await domainCode(confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token: second }, { now }))).toBe("ok");
    expect(await auditRows(s.tenant.id, "ownership.transfer.resend")).toHaveLength(1);
  });

  it("expires when the link is not used within 24 hours: refused by the lib, ended by the worker", async () => {
    const s = await started();
    const token = await confirmationToken(s.owner.email);
    const late = new Date(s.t0.getTime() + 24 * HOUR + MIN);
    expect(await domainCode(confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token }, { now: late }))).toBe("expired");
    // Not yet due a minute before: nothing moves.
    expect((await sweepTransfers(owner(), new Date(s.t0.getTime() + 24 * HOUR - MIN))).moved[s.transferId]).toBeUndefined();
    expect((await sweepTransfers(owner(), late)).moved[s.transferId]).toBe("expired");
    expect(await transferRow(s.transferId)).toMatchObject({ status: "expired", end_reason: "expired", due_at: null });
    const [audit] = await auditRows(s.tenant.id, "ownership.transfer.expire");
    expect(audit).toMatchObject({ actor_user_id: null, metadata: { step: "pending_confirmation" } });
  });

  it("sends the irreversible confirmation 24 hours after the first, and cools for 72 hours once it is given", async () => {
    const s = await started();
    const at = (h: number) => new Date(s.t0.getTime() + h * HOUR);
    await confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token: await confirmationToken(s.owner.email) }, { now: at(1) });
    // Too early for the final confirmation.
    expect(await domainCode(finalConfirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId }, { now: at(2) }))).toBe("wrong_step");
    expect((await sweepTransfers(owner(), at(24.9))).moved[s.transferId]).toBeUndefined();
    const sweep = await sweepTransfers(owner(), at(25));
    expect(sweep.moved[s.transferId]).toBe("awaiting_final");
    expect(await queuedEmails(s.transferId)).toEqual([`transfer-email:${s.transferId}:awaiting_final:${s.owner.id}`]);
    // The new owner cannot give the owner's confirmation.
    expect(await domainCode(finalConfirmTransfer(actorFor(s.tenant, s.member), { transferId: s.transferId }, { now: at(26) }))).toBe("forbidden");
    await finalConfirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId }, { now: at(26) });
    const row = await transferRow(s.transferId);
    expect(row.status).toBe("cooling");
    expect(row.due_at.getTime() - at(26).getTime()).toBe(TRANSFER_TIMINGS.coolingMs);
  });

  it("expires when the final confirmation is not given within 24 hours", async () => {
    const s = await started();
    const at = (h: number) => new Date(s.t0.getTime() + h * HOUR);
    await confirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId, token: await confirmationToken(s.owner.email) }, { now: at(1) });
    await sweepTransfers(owner(), at(25));
    expect(await domainCode(finalConfirmTransfer(actorFor(s.tenant, s.owner), { transferId: s.transferId }, { now: at(49.5) }))).toBe("expired");
    expect((await sweepTransfers(owner(), at(49.5))).moved[s.transferId]).toBe("expired");
  });
});

describe("step 4: the cooling period", () => {
  it("emails every admin and every other owner (once, however often the sweep runs), through the queue", async () => {
    const c = await cooling();
    const coOwner = await createUser();
    await addMember(c.tenant.id, coOwner.id, "owner");
    await owner().query("UPDATE ownership_transfers SET notified_status = NULL WHERE id = $1", [c.transferId]);
    await sweepTransfers(owner(), c.at(27));
    await sweepTransfers(owner(), c.at(28));
    const keys = await queuedEmails(c.transferId);
    const notices = keys.filter((k) => k.includes(":cooling:"));
    expect(notices.sort()).toEqual([c.admin.id, coOwner.id].map((id) => `transfer-email:${c.transferId}:cooling:${id}`).sort());
    // The worker sends them.
    await runOnce({ pgPool: owner(), taskList: taskList(owner(), () => c.at(28)), noHandleSignals: true });
    const [toAdmin] = await emailsTo(c.admin.email);
    expect(toAdmin!.subject).toContain(`Ownership of ${c.tenant.name} is being transferred`);
    expect(await emailsTo(coOwner.email)).toHaveLength(1);
    expect((await emailsTo(c.auditor.email, 0, 0)).length).toBe(0);
  });

  it("is not cut short: the new owner cannot accept before it ends", async () => {
    const c = await cooling();
    await signInAgainAt(c.member, c.at(97));
    expect(await domainCode(acceptTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: c.at(97) }))).toBe("wrong_step");
    expect((await sweepTransfers(owner(), c.at(97.9))).moved[c.transferId]).toBeUndefined();
  });
});

/** The audit trail of a transfer up to the new owner's acceptance, in order. */
const STEPS_TO_ACCEPTANCE = [
  "ownership.transfer.start",
  "ownership.transfer.confirm",
  "ownership.transfer.final_request",
  "ownership.transfer.notify",
  "ownership.transfer.final_confirm",
  "ownership.transfer.notify",
  "ownership.transfer.acceptance_open",
  "ownership.transfer.notify",
  "ownership.transfer.accept",
];

describe("steps 5 and 6: acceptance and activation", () => {
  it("makes the new owner an owner and the former owner a member, in one transaction, every step audited", async () => {
    const c = await awaitingAcceptance();
    expect(await queuedEmails(c.transferId)).toContain(`transfer-email:${c.transferId}:awaiting_acceptance:${c.member.id}`);
    await acceptTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: c.at(99) });
    expect(await memberRole(c.tenant.id, c.member.id)).toBe("owner");
    expect(await memberRole(c.tenant.id, c.owner.id)).toBe("member");
    expect(await ownerCount(c.tenant.id)).toBe(1);
    expect(await transferRow(c.transferId)).toMatchObject({ status: "completed", end_reason: "accepted", due_at: null });
    const steps = (await auditRows(c.tenant.id)).filter((r) => r.action.startsWith("ownership.transfer")).map((r) => r.action);
    expect(steps).toEqual([...STEPS_TO_ACCEPTANCE, "ownership.transfer.complete"]);
  });

  it("is found in the audit log by the new owner's address, which the Target column shows", async () => {
    const c = await awaitingAcceptance();
    await acceptTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: c.at(99) });
    const parsed = parseAuditFilters(new URLSearchParams({ target: c.member.email.toUpperCase() }));
    if (!parsed.ok) throw new Error(parsed.error);
    const page = await withTenant(actorFor(c.tenant, c.member), (tx) => listAuditEvents(tx, actorFor(c.tenant, c.member), parsed.filters));
    // Every step names the new owner as its target, but the completion: that one concerns the former owner, now a member.
    expect(page.events.map((e) => e.action).reverse()).toEqual(STEPS_TO_ACCEPTANCE);
    expect(new Set(page.events.map((e) => auditEventView(e).targetEmail))).toEqual(new Set([c.member.email.toLowerCase()]));
  });

  it("needs the new owner freshly signed in, and nobody else", async () => {
    const c = await awaitingAcceptance();
    await signInAgainAt(c.member, c.at(98));
    expect(await domainCode(acceptTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: c.at(99) }))).toBe("reauth_required");
    await signInAgainAt(c.owner, c.at(99));
    expect(await domainCode(acceptTransfer(actorFor(c.tenant, c.owner), { transferId: c.transferId }, { now: c.at(99) }))).toBe("forbidden");
    // An admin sees the transfer but cannot lock it for a change (the UPDATE policy): as if absent.
    expect(await domainCode(acceptTransfer(actorFor(c.tenant, c.admin), { transferId: c.transferId }, { now: c.at(99) }))).toBe("not_found");
    expect(await domainCode(acceptTransfer(actorFor(c.tenant, c.auditor), { transferId: c.transferId }, { now: c.at(99) }))).toBe("not_found");
    expect(await memberRole(c.tenant.id, c.owner.id)).toBe("owner");
  });

  it("expires when the new owner does not accept within 7 days", async () => {
    const c = await awaitingAcceptance();
    const late = new Date(c.at(98).getTime() + TRANSFER_TIMINGS.acceptWindowMs);
    await signInAgainAt(c.member, late);
    expect(await domainCode(acceptTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: late }))).toBe("expired");
    expect((await sweepTransfers(owner(), late)).moved[c.transferId]).toBe("expired");
    expect(await memberRole(c.tenant.id, c.owner.id)).toBe("owner");
  });

  it("keeps an owner at every instant: activation passes the last-owner check even when it runs after each statement", async () => {
    const c = await awaitingAcceptance();
    await asApp({ tenantId: c.tenant.id, user: c.member }, async (client) => {
      // The last-owner trigger is deferred to commit; made immediate, it checks after every statement of the activation.
      await client.query("SET CONSTRAINTS ALL IMMEDIATE");
      await client.query("SELECT app_complete_ownership_transfer($1)", [c.transferId]);
      const { rows } = await client.query("SELECT user_id, role FROM tenant_members WHERE tenant_id = $1 AND role = 'owner'", [c.tenant.id]);
      expect(rows).toEqual([{ user_id: c.member.id, role: "owner" }]);
    });
    // The opposite order would have been refused at its first statement.
    const client = await owner().connect();
    try {
      await client.query("BEGIN");
      await client.query("SET CONSTRAINTS ALL IMMEDIATE");
      expect(await pgErrorCode(client.query("UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [c.tenant.id, c.owner.id]))).toBe("P0001");
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
    expect(await memberRole(c.tenant.id, c.owner.id)).toBe("owner");
  });

  it("cannot complete for a new owner who left: the worker cancels the transfer", async () => {
    const c = await awaitingAcceptance();
    await removeMember(actorFor(c.tenant, c.owner), c.member.id);
    expect((await sweepTransfers(owner(), c.at(99))).moved[c.transferId]).toBe("cancelled");
    expect(await transferRow(c.transferId)).toMatchObject({ status: "cancelled", end_reason: "party_left" });
    expect(await memberRole(c.tenant.id, c.owner.id)).toBe("owner");
  });
});

describe("cancelling", () => {
  it("is open to the owner, the new owner and any other owner, at any step — not to an admin or another member", async () => {
    for (const who of ["owner", "member", "coOwner"] as const) {
      const s = await started();
      const coOwner = await createUser();
      await addMember(s.tenant.id, coOwner.id, "owner");
      expect(await domainCode(cancelTransfer(actorFor(s.tenant, s.admin), { transferId: s.transferId }))).toBe("not_found");
      expect(await domainCode(cancelTransfer(actorFor(s.tenant, s.auditor), { transferId: s.transferId }))).toBe("not_found");
      const actor = who === "coOwner" ? coOwner : s[who];
      await cancelTransfer(actorFor(s.tenant, actor), { transferId: s.transferId });
      expect(await transferRow(s.transferId)).toMatchObject({ status: "cancelled", ended_by: actor.id });
      expect((await auditRows(s.tenant.id, "ownership.transfer.cancel"))[0]).toMatchObject({ actor_user_id: actor.id });
      expect(await domainCode(cancelTransfer(actorFor(s.tenant, actor), { transferId: s.transferId }))).toBe("transfer_ended");
    }
  });

  it("works during the cooling period and while acceptance is open; a completed transfer cannot be cancelled", async () => {
    const c = await cooling();
    await cancelTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: c.at(50) });
    expect(await transferRow(c.transferId)).toMatchObject({ status: "cancelled" });
    // A cancelled transfer's queued email (the final confirmation's) is not sent when its job runs.
    expect(await queuedEmails(c.transferId)).toEqual([`transfer-email:${c.transferId}:awaiting_final:${c.owner.id}`]);
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.owner.id, status: "awaiting_final" })).toBe("stale");
    expect(await emailsTo(c.owner.email, 2, 500)).toHaveLength(1);
    const d = await awaitingAcceptance();
    await acceptTransfer(actorFor(d.tenant, d.member), { transferId: d.transferId }, { now: d.at(99) });
    expect(await domainCode(cancelTransfer(actorFor(d.tenant, d.owner), { transferId: d.transferId }))).toBe("transfer_ended");
    expect(await domainCode(cancelTransfer(actorFor(d.tenant, d.member), { transferId: d.transferId }))).toBe("transfer_ended");
    expect(await memberRole(d.tenant.id, d.member.id)).toBe("owner");
  });
});

describe("how it ended, told to the parties", () => {
  it("emails each party who did not end it: the owner when the new owner cancels, the former owner when it completes", async () => {
    const s = await started();
    await cancelTransfer(actorFor(s.tenant, s.member), { transferId: s.transferId });
    await sweepTransfers(owner(), new Date());
    await sweepTransfers(owner(), new Date());
    expect(await queuedEmails(s.transferId)).toEqual([`transfer-email:${s.transferId}:cancelled:${s.owner.id}`]);
    expect(await sendTransferEmail(owner(), { transferId: s.transferId, userId: s.owner.id, status: "cancelled" })).toBe("sent");
    expect((await emailsTo(s.owner.email, 2)).map((m) => m.subject)).toContain(`Ownership transfer cancelled: ${s.tenant.name}`);

    const c = await awaitingAcceptance();
    await acceptTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: c.at(99) });
    await sweepTransfers(owner(), c.at(99));
    expect((await queuedEmails(c.transferId)).filter((k) => k.includes(":completed:"))).toEqual([`transfer-email:${c.transferId}:completed:${c.owner.id}`]);
  });
});

describe("emails to a party", () => {
  it("speak of them as 'you': the cooling notice to a new owner who is an admin, how it ended to the former owner", async () => {
    const c = await cooling("admin");
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.admin.id, status: "cooling" })).toBe("sent");
    const notice = (await emailsTo(c.admin.email)).find((m) => m.subject.startsWith("Ownership of"))!;
    expect(notice.subject).toBe(`Ownership of ${c.tenant.name} is being transferred to you`);
    expect(notice.text).toContain(`confirmed the transfer of ownership of ${c.tenant.name} to you.`);
    expect(notice.text).toContain("then you may accept it, and Olive Owner becomes a member.");
    expect(notice.text).not.toContain("Adam Admin");

    const d = await awaitingAcceptance();
    await acceptTransfer(actorFor(d.tenant, d.member), { transferId: d.transferId }, { now: d.at(99) });
    expect(await sendTransferEmail(owner(), { transferId: d.transferId, userId: d.owner.id, status: "completed" })).toBe("sent");
    const done = (await emailsTo(d.owner.email)).find((m) => m.subject.startsWith("Ownership transferred"))!;
    expect(done.text).toContain(`Mel Member accepted: Mel Member is now an owner of ${d.tenant.name}, and you are a member.`);
    expect(done.text).not.toContain("Olive Owner");
  });
});

describe("who ended it, told on the page and in the email", () => {
  const pageOf = (ws: { tenant: Parameters<typeof actorFor>[0] }, user: TestUser) =>
    withTenant(actorFor(ws.tenant, user), (tx, role) => loadTransferPage(tx, { ...actorFor(ws.tenant, user), role }));
  const endedEmail = async (address: string) => (await emailsTo(address)).find((m) => m.subject.startsWith("Ownership transfer cancelled"))!.text;

  it("names the person who cancelled it; a cancellation because a party left, the schedule", async () => {
    const s = await started();
    const coOwner = await createUser({ name: "Cora Owner" });
    await addMember(s.tenant.id, coOwner.id, "owner");
    await cancelTransfer(actorFor(s.tenant, coOwner), { transferId: s.transferId });
    for (const viewer of [s.owner, s.member]) {
      expect((await pageOf(s, viewer)).transfer).toMatchObject({ status: "cancelled", endedBy: { id: coOwner.id, email: coOwner.email, name: "Cora Owner" } });
    }
    expect(await sendTransferEmail(owner(), { transferId: s.transferId, userId: s.member.id, status: "cancelled" })).toBe("sent");
    expect(await endedEmail(s.member.email)).toContain("was cancelled by Cora Owner. Nobody's role changed.");

    const c = await awaitingAcceptance();
    await removeMember(actorFor(c.tenant, c.owner), c.member.id);
    expect((await sweepTransfers(owner(), c.at(99))).moved[c.transferId]).toBe("cancelled");
    expect((await pageOf(c, c.owner)).transfer).toMatchObject({ status: "cancelled", endReason: "party_left", endedBy: null });
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.owner.id, status: "cancelled" })).toBe("sent");
    expect(await endedEmail(c.owner.email)).toContain(
      "was cancelled automatically: the owner who started it is no longer an owner, or the new owner is no longer a member.",
    );
  });
});

describe("20 activations and cancellations at once", () => {
  it("end in exactly one outcome: completed with the roles swapped, or cancelled with them untouched", async () => {
    const c = await awaitingAcceptance();
    const coOwner = await createUser();
    await addMember(c.tenant.id, coOwner.id, "owner");
    const now = c.at(99);
    const attempts = Array.from({ length: 20 }, (_, i) => {
      if (i % 2 === 0) return acceptTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now });
      const who = [c.owner, coOwner, c.member][i % 3]!;
      return cancelTransfer(actorFor(c.tenant, who), { transferId: c.transferId }, { now });
    });
    const outcomes = await Promise.allSettled(attempts);
    const succeeded = outcomes.filter((o) => o.status === "fulfilled");
    expect(succeeded).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect(String((o.reason as { code?: string }).code)).toMatch(/^(transfer_ended|not_found|forbidden)$/);
    const row = await transferRow(c.transferId);
    const completions = await auditRows(c.tenant.id, "ownership.transfer.complete");
    const cancels = await auditRows(c.tenant.id, "ownership.transfer.cancel");
    if (row.status === "completed") {
      expect([completions.length, cancels.length]).toEqual([1, 0]);
      expect([await memberRole(c.tenant.id, c.member.id), await memberRole(c.tenant.id, c.owner.id)]).toEqual(["owner", "member"]);
    } else {
      expect(row.status).toBe("cancelled");
      expect([completions.length, cancels.length]).toEqual([0, 1]);
      expect([await memberRole(c.tenant.id, c.member.id), await memberRole(c.tenant.id, c.owner.id)]).toEqual(["member", "owner"]);
    }
    expect(await ownerCount(c.tenant.id)).toBeGreaterThanOrEqual(1);
  });
});

describe("a workspace that is suspended or deleted", () => {
  it("suspended, holds its transfer where it is; deleted, ends it (audited), so a restore resumes nothing; a purge removes it", async () => {
    const c = await awaitingAcceptance();
    await setTenantStatus(c.tenant.id, "blocked");
    expect(await domainCode(acceptTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: c.at(99) }))).toBe("tenant_suspended");
    expect((await sweepTransfers(owner(), c.at(400))).moved[c.transferId]).toBeUndefined();
    expect(await transferRow(c.transferId)).toMatchObject({ status: "awaiting_acceptance" });

    // Deleted in its cooling period: the transfer ends with the workspace. Held, its
    // deadline would run on in the trash, and a restore days later would open
    // acceptance at once — the cooling period passed unseen by those it exists for.
    const d = await cooling();
    await deleteTenant(actorFor(d.tenant, d.owner), { confirmName: d.tenant.name });
    expect(await transferRow(d.transferId)).toMatchObject({ status: "cancelled", end_reason: "workspace_deleted", due_at: null, ended_by: d.owner.id });
    const cancels = await auditRows(d.tenant.id, "ownership.transfer.cancel");
    expect(cancels.map((row) => row.metadata)).toEqual([expect.objectContaining({ step: "cooling", reason: "workspace_deleted" })]);
    expect((await sweepTransfers(owner(), d.at(99))).moved[d.transferId]).toBeUndefined();
    expect(await restoreTenant(userActor(d.owner), d.tenant.id)).toEqual({ name: d.tenant.name });
    expect((await sweepTransfers(owner(), d.at(99))).moved[d.transferId]).toBeUndefined();
    expect(await domainCode(acceptTransfer(actorFor(d.tenant, d.member), { transferId: d.transferId }, { now: d.at(99) }))).toBe("transfer_ended");
    expect([await memberRole(d.tenant.id, d.member.id), await memberRole(d.tenant.id, d.owner.id)]).toEqual(["member", "owner"]);

    // Purged, the workspace takes its transfers with it.
    await deleteTenant(actorFor(d.tenant, d.owner), { confirmName: d.tenant.name });
    const purged = await purgeWorkspace(owner(), d.tenant.id, { now: new Date(Date.now() + 40 * 24 * HOUR) });
    expect(purged).toMatchObject({ purged: true, rows: { ownership_transfers: 1 } });
    expect(await transferRow(d.transferId)).toBeNull();
  });
});

describe("the roles matrix", () => {
  it("lets owners and admins see a transfer they are no party to, and nobody else", () => {
    expect(ROLES.filter((r) => can(r, "ownership.transfer.read"))).toEqual(["owner", "admin"]);
    expect(ROLES.filter((r) => can(r, "ownership.transfer"))).toEqual(["owner"]);
  });
});

describe("row-level security", () => {
  it("shows a transfer to its parties, owners and admins (ownership.transfer.read) only", async () => {
    const s = await started();
    const visible = async (user: TestUser) =>
      asApp({ tenantId: s.tenant.id, user }, async (client) => (await client.query("SELECT id FROM ownership_transfers")).rows.length);
    expect(await visible(s.owner)).toBe(1);
    expect(await visible(s.member)).toBe(1);
    expect(await visible(s.admin)).toBe(1);
    expect(await visible(s.auditor)).toBe(0);
    const outsider = await createUser();
    await addMember(s.tenant.id, outsider.id, "member");
    expect(await visible(outsider)).toBe(0);
  });

  it("lets each party make only its own moves", async () => {
    const s = await started();
    const attempt = (user: TestUser, statement: string) =>
      pgErrorCode(asApp({ tenantId: s.tenant.id, user }, (client) => client.query(statement, [s.transferId])));
    // The new owner cannot confirm for the owner, nor the owner skip ahead or complete it.
    expect(await attempt(s.member, "UPDATE ownership_transfers SET status = 'confirmed' WHERE id = $1")).toBe("42501");
    expect(await attempt(s.owner, "UPDATE ownership_transfers SET status = 'cooling' WHERE id = $1")).toBe("42501");
    expect(await attempt(s.owner, "UPDATE ownership_transfers SET status = 'completed', due_at = NULL, ended_at = now() WHERE id = $1")).toBe("42501");
    // Nor may the owner complete it through the activation function: it is the new owner's.
    expect(await attempt(s.owner, "SELECT app_complete_ownership_transfer($1)")).toBe("42501");
    // Past its deadline, not even the owner's own confirmation is accepted by the database.
    await owner().query("UPDATE ownership_transfers SET due_at = now() - interval '1 minute' WHERE id = $1", [s.transferId]);
    expect(await attempt(s.owner, "UPDATE ownership_transfers SET status = 'confirmed' WHERE id = $1")).toBe("42501");
    // An admin, who may see it, and an auditor, who may not, change nothing.
    for (const user of [s.admin, s.auditor]) {
      const touched = await asApp({ tenantId: s.tenant.id, user }, async (client) =>
        (await client.query("UPDATE ownership_transfers SET status = 'cancelled', ended_at = now(), due_at = NULL, ended_by = $2 WHERE id = $1", [s.transferId, user.id])).rowCount,
      );
      expect(touched).toBe(0);
    }
    expect(await transferRow(s.transferId)).toMatchObject({ status: "pending_confirmation" });
  });

  it("tells a session's sign-in time only to its own user", async () => {
    const ws = await createWorkspace();
    const at = new Date(Date.now() - 3 * MIN);
    await signInAgainAt(ws.owner, at);
    const read = (user: TestUser, token: string) =>
      asApp({ tenantId: ws.tenant.id, user }, async (client) => (await client.query("SELECT app_session_authenticated_at($1) AS at", [token])).rows[0].at);
    expect((await read(ws.owner, ws.owner.sessionToken))?.getTime()).toBe(at.getTime());
    expect(await read(ws.member, ws.owner.sessionToken)).toBeNull();
  });
});

describe("the transfer page's one statement", () => {
  // The page's data as the page reads it: its one statement sent with the
  // entry (it read the same with four statements after the entry — the
  // expectations below were checked against that).
  const pageAs = (user: TestUser, tenantId: string) => resolveWithData(credentialOf(user), tenantId, TEST_REQUEST, transferPage(credentialOf(user)));
  const dataAs = async (user: TestUser, tenantId: string) => {
    const { resolution, data } = await pageAs(user, tenantId);
    expect(resolution.kind).toBe("tenant");
    return data!;
  };
  const person = (u: TestUser) => ({ id: u.id, email: u.email, name: u.name });
  const signedIn = (at: Date) => ({ signedInAt: at, freshUntil: new Date(at.getTime() + TRANSFER_TIMINGS.reauthWindowMs) });
  /** A second factor in the state enrolment leaves it: confirmed (enabled) or still waiting for its first code. */
  const withSecondFactor = (user: TestUser, enabled: boolean) =>
    owner().query("INSERT INTO user_two_factor (user_id, secret_sealed, enabled_at) VALUES ($1, $2, $3)", [
      user.id,
      `v1.${"a".repeat(16)}.${"b".repeat(22)}.${"c".repeat(16)}`,
      enabled ? new Date() : null,
    ]);
  const view = (row: Record<string, unknown>, from: TestUser, to: TestUser, endedBy: TestUser | null = null) => {
    const status = row.status as keyof typeof STEP_OF;
    return {
      id: row.id,
      status,
      live: isLive(status),
      ...STEP_OF[status],
      from: person(from),
      to: person(to),
      createdAt: row.created_at,
      confirmedAt: row.confirmed_at,
      finalConfirmedAt: row.final_confirmed_at,
      dueAt: row.due_at,
      endedAt: row.ended_at,
      endReason: row.end_reason,
      endedBy: endedBy && person(endedBy),
    };
  };

  it("with no transfer: the owner's candidates (members who are not owners, active, not themselves), their sign-in, no second factor", async () => {
    const ws = await createWorkspace();
    const [coOwner, gone] = await Promise.all([createUser({ name: "Another Owner" }), createUser({ name: "Gone Member", active: false })]);
    await Promise.all([addMember(ws.tenant.id, coOwner.id, "owner"), addMember(ws.tenant.id, gone.id, "member")]);
    const at = new Date(Date.now() - 3 * MIN);
    await signInAgainAt(ws.owner, at);
    expect(await dataAs(ws.owner, ws.tenant.id)).toEqual({
      transfer: null,
      candidates: [
        { ...person(ws.admin), role: "admin" },
        { ...person(ws.auditor), role: "auditor" },
        { ...person(ws.member), role: "member" },
      ],
      ...signedIn(at),
      needsCode: false,
    });
    // Not fresh any more: the same time, past its window.
    const old = new Date(Date.now() - 45 * MIN);
    await signInAgainAt(ws.owner, old);
    expect(await dataAs(ws.owner, ws.tenant.id)).toMatchObject({ ...signedIn(old), needsCode: false });
    // Anyone else may transfer to nobody.
    for (const role of ["admin", "auditor", "member"] as const) {
      await signInAgainAt(ws[role], at);
      expect(await dataAs(ws[role], ws.tenant.id)).toEqual({ transfer: null, candidates: [], ...signedIn(at), needsCode: false });
    }
  });

  it("asks for a code when the viewer's own second factor is on, not while it is being enrolled, not for someone else's", async () => {
    const ws = await createWorkspace();
    await withSecondFactor(ws.owner, true);
    await withSecondFactor(ws.admin, false);
    expect((await dataAs(ws.owner, ws.tenant.id)).needsCode).toBe(true);
    expect((await dataAs(ws.admin, ws.tenant.id)).needsCode).toBe(false);
    expect((await dataAs(ws.member, ws.tenant.id)).needsCode).toBe(false);
  });

  it("shows a pending transfer to its owner, its new owner and admins — with their own sign-in — and not to an auditor", async () => {
    const s = await started();
    const transfer = view(await transferRow(s.transferId), s.owner, s.member);
    expect(transfer).toMatchObject({ status: "pending_confirmation", live: true, createdAt: s.t0, dueAt: new Date(s.t0.getTime() + TRANSFER_TIMINGS.confirmWindowMs) });
    expect(await dataAs(s.owner, s.tenant.id)).toEqual({
      transfer,
      candidates: [
        { ...person(s.admin), role: "admin" },
        { ...person(s.auditor), role: "auditor" },
        { ...person(s.member), role: "member" },
      ],
      ...signedIn(s.t0),
      needsCode: false,
    });
    const at = new Date(Date.now() - 20 * MIN);
    await Promise.all([signInAgainAt(s.member, at), signInAgainAt(s.admin, at), signInAgainAt(s.auditor, at)]);
    await withSecondFactor(s.member, true);
    expect(await dataAs(s.member, s.tenant.id)).toEqual({ transfer, candidates: [], ...signedIn(at), needsCode: true });
    expect(await dataAs(s.admin, s.tenant.id)).toEqual({ transfer, candidates: [], ...signedIn(at), needsCode: false });
    expect(await dataAs(s.auditor, s.tenant.id)).toEqual({ transfer: null, candidates: [], ...signedIn(at), needsCode: false });
  });

  it("shows a transfer due for acceptance to the new owner, with every step's time", async () => {
    const c = await awaitingAcceptance();
    const row = await transferRow(c.transferId);
    expect(row).toMatchObject({ status: "awaiting_acceptance", confirmed_at: c.at(1), final_confirmed_at: c.at(26) });
    expect(await dataAs(c.member, c.tenant.id)).toEqual({ transfer: view(row, c.owner, c.member), candidates: [], ...signedIn(c.at(99)), needsCode: false });
  });

  it("shows the latest ended transfer when none is live, and a live one before any that ended", async () => {
    const s = await started();
    await cancelTransfer(actorFor(s.tenant, s.member), { transferId: s.transferId });
    const cancelled = view(await transferRow(s.transferId), s.owner, s.member, s.member);
    expect(cancelled).toMatchObject({ status: "cancelled", live: false, dueAt: null, endReason: "cancelled", endedAt: expect.any(Date) });
    expect((await dataAs(s.owner, s.tenant.id)).transfer).toEqual(cancelled);
    expect((await dataAs(s.member, s.tenant.id)).transfer).toEqual(cancelled);
    const { transferId } = await startTransfer(actorFor(s.tenant, s.owner), { toUserId: s.admin.id }, { now: new Date(s.t0.getTime() + MIN) });
    const live = view(await transferRow(transferId), s.owner, s.admin);
    expect((await dataAs(s.owner, s.tenant.id)).transfer).toEqual(live);
    expect((await dataAs(s.admin, s.tenant.id)).transfer).toEqual(live);
    // The member, party to the cancelled one only, may not read the live one (ownership.transfer.read): still the cancelled one.
    expect((await dataAs(s.member, s.tenant.id)).transfer).toEqual(cancelled);
  });

  it("sent with an entry that enters no workspace, reads nothing and fails nothing", async () => {
    const s = await started();
    const [stranger, suspendedMember] = await Promise.all([createUser(), createUser()]);
    await setTenantStatus(s.tenant.id, "blocked");
    await addMember(s.tenant.id, suspendedMember.id, "owner");
    expect(await pageAs(stranger, s.tenant.id)).toMatchObject({ resolution: { kind: "no-tenant" }, data: null });
    expect(await pageAs(s.owner, s.tenant.id)).toMatchObject({ resolution: { kind: "suspended" }, data: null });
    expect(await pageAs({ ...stranger, sessionToken: randomUUID() }, s.tenant.id)).toMatchObject({ resolution: { kind: "signed-out" }, data: null });
    // The statement itself, as the app role with no context or as a user in no workspace, a real session's token
    // or a malformed one: its one row holds nothing of the workspace (nor the session's sign-in, without its user).
    const nothing = { id: null, status: null, from_user_id: null, candidates: [], needs_code: false };
    for (const token of [s.owner.sessionToken, "short", null]) {
      const { text, values } = transferPage(token === null ? null : { token }).statement;
      expect(await asApp({}, async (c) => (await c.query(text, values)).rows)).toEqual([expect.objectContaining({ ...nothing, signed_in_at: null })]);
      expect(await asApp({ user: stranger }, async (c) => (await c.query(text, values)).rows)).toEqual([expect.objectContaining(nothing)]);
    }
  });

  it("reads the same through loadTransferPage, inside a transaction in the workspace", async () => {
    const s = await started();
    await withSecondFactor(s.member, true);
    for (const user of [s.owner, s.admin, s.auditor, s.member]) {
      const { resolution, data } = await pageAs(user, s.tenant.id);
      if (resolution.kind !== "tenant") throw new Error(resolution.kind);
      expect(await withTenant(actorFor(s.tenant, user), (tx, role) => loadTransferPage(tx, { ...actorFor(s.tenant, user), role }))).toEqual(data);
    }
  });
});
