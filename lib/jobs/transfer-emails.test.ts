// The ownership transfer's emails on the queue, around a workspace's
// lifecycle: who is told what when a workspace is deleted and restored, or
// suspended and lifted, while a step's email waits to be sent; and a sweep
// that meets a transfer it cannot move on.
import { createHash } from "node:crypto";
import { runMigrations } from "graphile-worker";
import { beforeAll, describe, expect, it } from "vitest";
import { sendTransferEmail, sweepTransfers } from "@/lib/jobs/transfer";
import { deleteTenant, restoreTenant } from "@/lib/lifecycle";
import { purgeWorkspace as purgeTenantNow } from "@/lib/jobs/purge";
import { deleteWorkspace, purgeWorkspace } from "@/lib/platform/admin";
import { cancelTransfer, confirmTransfer, finalConfirmTransfer, startTransfer } from "@/lib/transfer";
import { actorFor, addMember, auditRows, createUser, createWorkspace, credentialOf, emailsTo, owner, platformAdmin, setTenantStatus, type TestUser, userActor } from "@/test/fixtures";

const HOUR = 3_600_000;

beforeAll(async () => {
  await runMigrations({ pgPool: owner() });
});

async function signInAgainAt(user: TestUser, at: Date) {
  const hash = createHash("sha256").update(user.sessionToken).digest("hex");
  await owner().query("UPDATE sessions SET created_at = $2 WHERE session_token = $1", [hash, at]);
}

async function queuedEmails(transferId: string) {
  const { rows } = await owner().query<{ id: string; key: string }>(
    "SELECT id::text, key FROM graphile_worker.jobs WHERE task_identifier = 'transfer_email' AND key LIKE $1 ORDER BY key",
    [`transfer-email:${transferId}:%`],
  );
  return rows;
}

async function transferRow(id: string) {
  const { rows } = await owner().query("SELECT status, end_reason, notified_status, to_told FROM ownership_transfers WHERE id = $1", [id]);
  return rows[0] ?? null;
}

/** A workspace whose owner's transfer to its member (or its admin) is in its cooling period (from t0 + 26 h). */
async function cooling(to: "member" | "admin" = "member") {
  const t0 = new Date();
  const ws = await createWorkspace();
  await signInAgainAt(ws.owner, t0);
  const at = (h: number) => new Date(t0.getTime() + h * HOUR);
  const { transferId } = await startTransfer(actorFor(ws.tenant, ws.owner), { toUserId: ws[to].id }, { now: t0 });
  const [mail] = (await emailsTo(ws.owner.email)).slice(-1);
  const token = mail!.text.match(/token=([A-Za-z0-9_-]+)/)![1]!;
  await confirmTransfer(actorFor(ws.tenant, ws.owner), { transferId, token }, { now: at(1) });
  await sweepTransfers(owner(), at(25));
  await finalConfirmTransfer(actorFor(ws.tenant, ws.owner), { transferId }, { now: at(26) });
  return { ...ws, newOwner: ws[to], transferId, at };
}

describe("a transfer ended by deleting its workspace", () => {
  it("is emailed, with the workspace in the trash, to the new owner who was asked to accept and to the owner another owner's deletion stopped", async () => {
    const c = await cooling();
    expect((await sweepTransfers(owner(), c.at(98))).moved[c.transferId]).toBe("awaiting_acceptance");
    const coOwner = await createUser({ name: "Cora Owner" });
    await addMember(c.tenant.id, coOwner.id, "owner");
    const before = (await queuedEmails(c.transferId)).map((job) => job.key);
    await deleteTenant(actorFor(c.tenant, coOwner), { confirmName: c.tenant.name });
    await sweepTransfers(owner(), c.at(99));
    const added = (await queuedEmails(c.transferId)).map((job) => job.key).filter((key) => !before.includes(key));
    expect(added.sort()).toEqual([`transfer-email:${c.transferId}:cancelled:${c.member.id}`, `transfer-email:${c.transferId}:cancelled:${c.owner.id}`].sort());
    expect(await transferRow(c.transferId)).toMatchObject({ status: "cancelled", end_reason: "workspace_deleted", notified_status: "cancelled" });

    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.member.id, status: "cancelled" })).toBe("sent");
    const [mail] = (await emailsTo(c.member.email, 2)).filter((m) => m.subject.startsWith("Ownership transfer cancelled"));
    expect(mail!.subject).toBe(`Ownership transfer cancelled: ${c.tenant.name}`);
    expect(mail!.text).toContain(`The transfer of ${c.tenant.name} from Olive Owner to you was cancelled: Cora Owner deleted the workspace.`);
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.owner.id, status: "cancelled" })).toBe("sent");

    // Restored, it is not told again.
    expect(await restoreTenant(userActor(coOwner), c.tenant.id)).toEqual({ name: c.tenant.name });
    await sweepTransfers(owner(), c.at(100));
    const again = (await queuedEmails(c.transferId)).map((job) => job.key).filter((key) => !before.includes(key));
    expect(again.sort()).toEqual(added.sort());
  });

  it("is emailed to nobody when the owner deleted it before the new owner was told of it, then or after a restore", async () => {
    const c = await cooling();
    const before = (await queuedEmails(c.transferId)).map((job) => job.key);
    await deleteTenant(actorFor(c.tenant, c.owner), { confirmName: c.tenant.name });
    await sweepTransfers(owner(), c.at(27));
    // Settled: the worker has dealt with the ending, and tells nobody.
    expect(await transferRow(c.transferId)).toMatchObject({ status: "cancelled", notified_status: "cancelled", to_told: false });
    expect(await restoreTenant(userActor(c.owner), c.tenant.id)).toEqual({ name: c.tenant.name });
    await sweepTransfers(owner(), c.at(28));
    const after = (await queuedEmails(c.transferId)).map((job) => job.key);
    expect(after.filter((key) => !before.includes(key))).toEqual([]);
  });

  it("is emailed to a new owner who is an admin, told of the cooling period", async () => {
    const c = await cooling("admin");
    await sweepTransfers(owner(), c.at(27));
    expect(await transferRow(c.transferId)).toMatchObject({ to_told: true });
    await deleteTenant(actorFor(c.tenant, c.owner), { confirmName: c.tenant.name });
    await sweepTransfers(owner(), c.at(28));
    expect((await queuedEmails(c.transferId)).map((job) => job.key)).toContain(`transfer-email:${c.transferId}:cancelled:${c.admin.id}`);
  });
});

describe("a transfer ended by the platform console's deletion of its workspace", () => {
  it("is cancelled as an owner's deletion cancels it, audited, and emailed to both parties as the platform's operators' deletion", async () => {
    const c = await cooling();
    expect((await sweepTransfers(owner(), c.at(98))).moved[c.transferId]).toBe("awaiting_acceptance");
    const admin = await platformAdmin();
    const before = (await queuedEmails(c.transferId)).map((job) => job.key);
    await deleteWorkspace(credentialOf(admin), { tenantId: c.tenant.id, confirmName: c.tenant.name });
    const { rows } = await owner().query("SELECT status, end_reason, ended_by, due_at, confirm_token_hash FROM ownership_transfers WHERE id = $1", [c.transferId]);
    expect(rows[0]).toEqual({ status: "cancelled", end_reason: "workspace_deleted", ended_by: null, due_at: null, confirm_token_hash: null });
    const cancels = (await auditRows(c.tenant.id)).filter((r) => r.action === "ownership.transfer.cancel");
    expect(cancels).toEqual([
      expect.objectContaining({ actor_user_id: admin.id, metadata: expect.objectContaining({ step: "awaiting_acceptance", reason: "workspace_deleted", by: "platform", to_email: c.member.email }) }),
    ]);

    await sweepTransfers(owner(), c.at(99));
    const added = (await queuedEmails(c.transferId)).map((job) => job.key).filter((key) => !before.includes(key));
    expect(added.sort()).toEqual([`transfer-email:${c.transferId}:cancelled:${c.member.id}`, `transfer-email:${c.transferId}:cancelled:${c.owner.id}`].sort());
    expect(await transferRow(c.transferId)).toMatchObject({ status: "cancelled", notified_status: "cancelled" });

    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.member.id, status: "cancelled" })).toBe("sent");
    const [toMember] = (await emailsTo(c.member.email, 2)).filter((m) => m.subject.startsWith("Ownership transfer cancelled"));
    expect(toMember!.text).toContain(`The transfer of ${c.tenant.name} from Olive Owner to you was cancelled: the platform's operators deleted the workspace.`);
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.owner.id, status: "cancelled" })).toBe("sent");
    const [toOwner] = (await emailsTo(c.owner.email, 3)).filter((m) => m.subject.startsWith("Ownership transfer cancelled"));
    expect(toOwner!.text).toContain(`The transfer of ${c.tenant.name} from you to Mel Member was cancelled: the platform's operators deleted the workspace.`);
  });

  it("is emailed to the owner alone when the new owner had not been told of it", async () => {
    const c = await cooling();
    const before = (await queuedEmails(c.transferId)).map((job) => job.key);
    await deleteWorkspace(credentialOf(await platformAdmin()), { tenantId: c.tenant.id, confirmName: c.tenant.name });
    await sweepTransfers(owner(), c.at(27));
    const added = (await queuedEmails(c.transferId)).map((job) => job.key).filter((key) => !before.includes(key));
    expect(added).toEqual([`transfer-email:${c.transferId}:cancelled:${c.owner.id}`]);
  });

  it("leaves nothing of the transfer once the workspace is purged", async () => {
    const c = await cooling();
    const admin = await platformAdmin();
    await deleteWorkspace(credentialOf(admin), { tenantId: c.tenant.id, confirmName: c.tenant.name });
    await purgeWorkspace(credentialOf(admin), { tenantId: c.tenant.id, confirmName: c.tenant.name });
    expect(await purgeTenantNow(owner(), c.tenant.id, { now: c.at(27) })).toMatchObject({ purged: true });
    expect(await transferRow(c.transferId)).toBeNull();
    // A queued email of it finds nothing to send.
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.owner.id, status: "cancelled" })).toBe("stale");
  });
});

describe("how a transfer ended, to a new owner never told of it", () => {
  it("is not emailed: a transfer that expired at its first step tells only the owner", async () => {
    const t0 = new Date();
    const ws = await createWorkspace();
    await signInAgainAt(ws.owner, t0);
    const { transferId } = await startTransfer(actorFor(ws.tenant, ws.owner), { toUserId: ws.member.id }, { now: t0 });
    expect((await sweepTransfers(owner(), new Date(t0.getTime() + 25 * HOUR))).moved[transferId]).toBe("expired");
    expect((await queuedEmails(transferId)).map((job) => job.key)).toEqual([`transfer-email:${transferId}:expired:${ws.owner.id}`]);
  });
});

describe("a transfer the new owner ends", () => {
  it("is told to the owner as declined by them", async () => {
    const c = await cooling();
    await cancelTransfer(actorFor(c.tenant, c.member), { transferId: c.transferId }, { now: c.at(27) });
    await sweepTransfers(owner(), c.at(27));
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.owner.id, status: "cancelled" })).toBe("sent");
    const [mail] = (await emailsTo(c.owner.email, 3)).filter((m) => m.subject.startsWith("Ownership transfer cancelled"));
    expect(mail!.text).toContain(`The transfer of ${c.tenant.name} from you to Mel Member was declined by Mel Member. Nobody's role changed.`);
  });
});

describe("a transfer email due while its workspace is suspended", () => {
  it("waits for the workspace to be lifted, then reaches its recipient, if the step is still current", async () => {
    const c = await cooling();
    expect((await sweepTransfers(owner(), c.at(98))).moved[c.transferId]).toBe("awaiting_acceptance");
    const key = `transfer-email:${c.transferId}:awaiting_acceptance:${c.member.id}`;
    const queued = (await queuedEmails(c.transferId)).find((job) => job.key === key);
    expect(queued).toBeDefined();

    // The job runs (the queue locks it) while the platform has suspended the
    // workspace; the queue then forgets the job it ran, as it does every job that returns.
    await setTenantStatus(c.tenant.id, "blocked");
    await owner().query("UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test' WHERE id = $1", [queued!.id]);
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.member.id, status: "awaiting_acceptance" })).not.toBe("sent");
    await owner().query("DELETE FROM graphile_worker._private_jobs WHERE id = $1", [queued!.id]);
    expect(await emailsTo(c.member.email, 1, 0)).toHaveLength(0);

    // Lifted within the acceptance window: the email is still on its way, and goes out.
    await setTenantStatus(c.tenant.id, "active");
    await sweepTransfers(owner(), c.at(100));
    expect((await queuedEmails(c.transferId)).map((job) => job.key)).toContain(key);
    expect(await sendTransferEmail(owner(), { transferId: c.transferId, userId: c.member.id, status: "awaiting_acceptance" })).toBe("sent");
    const [mail] = await emailsTo(c.member.email);
    expect(mail!.subject).toBe(`Accept ownership of ${c.tenant.name}`);
  });
});

describe("the transfer sweep", () => {
  it("moves every other transfer on, and queues their emails, when one of them cannot be moved", async () => {
    const broken = await cooling();
    const healthy = await cooling();
    // A fault in one transfer's row (here a trigger that refuses it, as any persistent error would).
    const name = `transfer_fault_${broken.transferId.replaceAll("-", "")}`;
    await owner().query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'this row cannot change'; END $$`);
    await owner().query(
      `CREATE TRIGGER ${name} BEFORE UPDATE ON ownership_transfers FOR EACH ROW WHEN (OLD.id = '${broken.transferId}') EXECUTE FUNCTION ${name}()`,
    );
    try {
      const sweep = await sweepTransfers(owner(), healthy.at(98));
      expect(sweep.moved[healthy.transferId]).toBe("awaiting_acceptance");
      expect(sweep.moved[broken.transferId]).toBeUndefined();
      expect(Object.keys(sweep.failed)).toEqual([broken.transferId]);
      expect((await queuedEmails(healthy.transferId)).map((job) => job.key)).toContain(
        `transfer-email:${healthy.transferId}:awaiting_acceptance:${healthy.member.id}`,
      );
    } finally {
      await owner().query(`DROP TRIGGER ${name} ON ownership_transfers`);
      await owner().query(`DROP FUNCTION ${name}()`);
    }
  });
});
