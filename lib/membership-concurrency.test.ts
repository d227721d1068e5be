// Conflicting membership requests fired at once against the real database
// (the lib's pool has 10 connections; the tenant advisory lock and the
// deferred last-owner trigger serialise what matters). Whatever the
// interleaving, a workspace keeps an owner, an address has one live
// invitation and a token enrols once.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { acceptInvitationByToken, inviteMember, mintInviteToken } from "@/lib/invitations";
import { changeMemberRole, leaveTenant, removeMember } from "@/lib/members";
import {
  actorFor,
  addMember,
  auditRows,
  createUser,
  createWorkspace,
  domainCode,
  insertInvitation,
  invitationsFor,
  memberRole,
  owner,
  ownerCount,
  uniqueEmail,
  userActor,
  type TestUser,
} from "@/test/fixtures";

const PARALLEL = 20;

/** Outcome codes of settled calls: "ok", a DomainError code, or "unexpected: …". */
const codes = (calls: Array<Promise<unknown>>) => Promise.all(calls.map(domainCode));

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

/** Two owners A and B of one workspace. */
async function twoOwners() {
  const ws = await createWorkspace();
  const b = await createUser({ name: "Bea Owner" });
  await addMember(ws.tenant.id, b.id, "owner");
  return { ws, a: ws.owner, b };
}

describe("owners removing or demoting each other at once", () => {
  it("10 × A removes B and 10 × B removes A, all at once: exactly one owner remains", async () => {
    const { ws, a, b } = await twoOwners();
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < PARALLEL / 2; i++) {
      calls.push(removeMember(actorFor(ws.tenant, a), b.id));
      calls.push(removeMember(actorFor(ws.tenant, b), a.id));
    }
    const outcomes = await codes(calls);

    expect(outcomes.filter((o) => o.startsWith("unexpected")), JSON.stringify(tally(outcomes))).toEqual([]);
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o !== "ok")) expect(["forbidden", "not_found", "not_member", "last_owner"]).toContain(o);
    expect(await ownerCount(ws.tenant.id)).toBe(1);
    const roles = [await memberRole(ws.tenant.id, a.id), await memberRole(ws.tenant.id, b.id)];
    expect(roles.filter((r) => r === "owner")).toHaveLength(1);
    expect(roles.filter((r) => r === null)).toHaveLength(1);
    expect(await auditRows(ws.tenant.id, "member.remove")).toHaveLength(1);
  });

  it("10 × A demotes B and 10 × B demotes A, all at once: an owner remains", async () => {
    const { ws, a, b } = await twoOwners();
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < PARALLEL / 2; i++) {
      calls.push(changeMemberRole(actorFor(ws.tenant, a), b.id, "member"));
      calls.push(changeMemberRole(actorFor(ws.tenant, b), a.id, "member"));
    }
    const outcomes = await codes(calls);

    expect(outcomes.filter((o) => o.startsWith("unexpected")), JSON.stringify(tally(outcomes))).toEqual([]);
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o !== "ok")) expect(["forbidden", "no_change", "last_owner"]).toContain(o);
    expect(await ownerCount(ws.tenant.id)).toBeGreaterThanOrEqual(1);
    const roles = [await memberRole(ws.tenant.id, a.id), await memberRole(ws.tenant.id, b.id)].sort();
    expect(roles).toEqual(["member", "owner"]);
    expect(await auditRows(ws.tenant.id, "member.role.change")).toHaveLength(1);
  });

  it("a sole owner leaving 20 times while an admin fires 20 removals of them: the owner stays", async () => {
    const ws = await createWorkspace();
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < PARALLEL; i++) {
      calls.push(leaveTenant(actorFor(ws.tenant, ws.owner)));
      calls.push(removeMember(actorFor(ws.tenant, ws.admin), ws.owner.id));
    }
    const outcomes = await codes(calls);
    const leaves = outcomes.filter((_, i) => i % 2 === 0);
    const removals = outcomes.filter((_, i) => i % 2 === 1);

    expect(leaves).toEqual(Array(PARALLEL).fill("last_owner"));
    expect(removals).toEqual(Array(PARALLEL).fill("forbidden"));
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBe("owner");
    expect(await ownerCount(ws.tenant.id)).toBe(1);
    expect(await auditRows(ws.tenant.id, "member.leave")).toEqual([]);
    expect(await auditRows(ws.tenant.id, "member.remove")).toEqual([]);
  });

  it("two owners both leaving 10 times each at once: exactly one leaves", async () => {
    const { ws, a, b } = await twoOwners();
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < PARALLEL / 2; i++) {
      calls.push(leaveTenant(actorFor(ws.tenant, a)));
      calls.push(leaveTenant(actorFor(ws.tenant, b)));
    }
    const outcomes = await codes(calls);
    expect(outcomes.filter((o) => o.startsWith("unexpected")), JSON.stringify(tally(outcomes))).toEqual([]);
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o !== "ok")) expect(["not_member", "not_found", "last_owner"]).toContain(o);
    expect(await ownerCount(ws.tenant.id)).toBe(1);
    expect(await auditRows(ws.tenant.id, "member.leave")).toHaveLength(1);
  });
});

describe("the same address invited 20 times at once", () => {
  it("leaves exactly one pending invitation and 19 revoked, every call succeeding", async () => {
    const ws = await createWorkspace();
    const email = uniqueEmail("burst");
    const calls = Array.from({ length: PARALLEL }, () => inviteMember(actorFor(ws.tenant, ws.admin), { email, role: "member" }));
    const outcomes = await codes(calls);
    expect(outcomes, JSON.stringify(tally(outcomes))).toEqual(Array(PARALLEL).fill("ok"));

    const rows = await invitationsFor(ws.tenant.id, email);
    expect(rows).toHaveLength(PARALLEL);
    expect(tally(rows.map((r) => r.status))).toEqual({ pending: 1, revoked: PARALLEL - 1 });
    expect(new Set(rows.map((r) => r.token_hash)).size).toBe(PARALLEL);
    const audit = await auditRows(ws.tenant.id, "member.invite");
    expect(audit).toHaveLength(PARALLEL);
    // Each invitation but the first replaced exactly one earlier invitation, each replaced once.
    const replaced = audit.map((a) => a.metadata.replaced_invitation_id).filter((id): id is string => id !== null);
    expect(replaced).toHaveLength(PARALLEL - 1);
    expect(new Set(replaced).size).toBe(PARALLEL - 1);
    const pending = rows.find((r) => r.status === "pending")!;
    expect(replaced).not.toContain(pending.id);
  });
});

describe("the same token accepted 20 times at once", () => {
  it("enrols once, audits once, and every call reports ok", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    const { token, tokenHash } = mintInviteToken();
    const { id } = await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, role: "auditor", tokenHash });
    const settled = await Promise.allSettled(Array.from({ length: PARALLEL }, () => acceptInvitationByToken(userActor(invitee), token)));
    const rejected = settled.filter((s) => s.status === "rejected");
    expect(rejected.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const results = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof acceptInvitationByToken>>>).value);
    for (const r of results) expect(r).toMatchObject({ ok: true, tenantId: ws.tenant.id });
    expect(results.filter((r) => r.ok && !r.alreadyMember)).toHaveLength(1);
    expect(results.filter((r) => r.ok && r.alreadyMember)).toHaveLength(PARALLEL - 1);

    const { rows } = await owner().query("SELECT role FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, invitee.id]);
    expect(rows).toEqual([{ role: "auditor" }]);
    expect(await auditRows(ws.tenant.id, "member.invite.accept")).toHaveLength(1);
    const invitation = await owner().query("SELECT status, accepted_by FROM tenant_invitations WHERE id = $1", [id]);
    expect(invitation.rows).toEqual([{ status: "accepted", accepted_by: invitee.id }]);
  });
});

describe("bypassing the lib: the database alone keeps an owner", () => {
  let pool: pg.Pool | undefined;
  afterAll(async () => {
    await pool?.end();
  });

  /** A raw app-role transaction, as `user` in `tenantId`, deleting `targetId`'s membership, committed; its outcome. */
  async function deleteAndCommit(tenantId: string, user: TestUser, targetId: string, ready: () => Promise<void>): Promise<string> {
    pool ??= new pg.Pool({ connectionString: process.env.APP_DATABASE_URL, max: 10 });
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT app_enter($1, $2, true)", [user.sessionToken, tenantId]);
      const { rowCount } = await client.query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [tenantId, targetId]);
      expect(rowCount).toBe(1); // each DELETE alone is allowed: one owner removing another
      await ready(); // both deletes done before either commits
      await client.query("COMMIT");
      return "committed";
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      return (error as { code?: string }).code ?? String(error);
    } finally {
      client.release();
    }
  }

  it("two owners' raw transactions deleting each other, committed together: exactly one commits", async () => {
    for (let round = 0; round < 5; round++) {
      const { ws, a, b } = await twoOwners();
      let arrived = 0;
      let release!: () => void;
      const bothDeleted = new Promise<void>((resolve) => (release = resolve));
      const ready = async () => {
        if (++arrived === 2) release();
        await bothDeleted;
      };
      const outcomes = await Promise.all([deleteAndCommit(ws.tenant.id, a, b.id, ready), deleteAndCommit(ws.tenant.id, b, a.id, ready)]);
      expect(outcomes.sort(), `round ${round}`).toEqual(["P0001", "committed"]);
      expect(await ownerCount(ws.tenant.id)).toBe(1);
    }
  });
});
