// The database enforces the membership rules by itself: raw SQL as the app
// role, with the RLS context set the way withTenant sets it, bypassing every
// check in lib/. Each probe is rolled back (asApp), and state is re-read via
// the owner connection afterwards.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { mintInviteToken } from "@/lib/invitations";
import { deleteTenant } from "@/lib/lifecycle";
import {
  actorFor,
  addMember,
  asApp,
  createTenantRow,
  createUser,
  createWorkspace,
  insertInvitation,
  invitationById,
  memberCount,
  memberRole,
  owner,
  pgErrorCode,
  setTenantStatus,
  uniqueEmail,
  type TestUser,
} from "@/test/fixtures";

async function roles(tenantId: string): Promise<Record<string, string>> {
  const { rows } = await owner().query<{ user_id: string; role: string }>("SELECT user_id, role FROM tenant_members WHERE tenant_id = $1", [
    tenantId,
  ]);
  return Object.fromEntries(rows.map((r) => [r.user_id, r.role]));
}

/** Runs one statement in a savepoint so a failure does not poison the rest of the probe. */
async function attempt(client: pg.PoolClient, text: string, values: unknown[] = []): Promise<{ code: string; rowCount: number | null }> {
  await client.query("SAVEPOINT probe");
  try {
    const result = await client.query(text, values);
    await client.query("RELEASE SAVEPOINT probe");
    return { code: "ok", rowCount: result.rowCount };
  } catch (error) {
    await client.query("ROLLBACK TO SAVEPOINT probe");
    return { code: (error as { code?: string }).code ?? String(error), rowCount: null };
  }
}

/** The error a statement fails with (in a savepoint), or null. */
async function failure(client: pg.PoolClient, text: string, values: unknown[] = []): Promise<{ code: string; message: string } | null> {
  await client.query("SAVEPOINT probe");
  try {
    await client.query(text, values);
    await client.query("RELEASE SAVEPOINT probe");
    return null;
  } catch (error) {
    await client.query("ROLLBACK TO SAVEPOINT probe");
    const e = error as { code?: string; message?: string };
    return { code: e.code ?? "", message: e.message ?? String(error) };
  }
}

const inviteInsert = (tenantId: string, invitedBy: string) => ({
  text: `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by)
         VALUES ($1, $2, 'member', $3, now() + interval '7 days', $4)`,
  values: [tenantId, uniqueEmail("forged"), mintInviteToken().tokenHash, invitedBy],
});

describe("a plain member or auditor, with their own tenant set", () => {
  for (const who of ["member", "auditor"] as const) {
    it(`as ${who}: cannot invite, change roles, remove others or revoke invitations`, async () => {
      const ws = await createWorkspace();
      const me: TestUser = ws[who];
      const invitation = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("pending"), invitedBy: ws.owner.id });
      const rolesBefore = await roles(ws.tenant.id);

      await asApp({ tenantId: ws.tenant.id, user: me }, async (client) => {
        const { text, values } = inviteInsert(ws.tenant.id, me.id);
        expect((await attempt(client, text, values)).code).toBe("42501");

        expect(await attempt(client, "UPDATE tenant_members SET role = 'admin' WHERE tenant_id = $1", [ws.tenant.id])).toEqual({
          code: "ok",
          rowCount: 0,
        });
        expect(
          await attempt(client, "DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id <> $2", [ws.tenant.id, me.id]),
        ).toEqual({ code: "ok", rowCount: 0 });
        expect(
          await attempt(client, "UPDATE tenant_invitations SET status = 'revoked', revoked_at = now() WHERE tenant_id = $1", [ws.tenant.id]),
        ).toEqual({ code: "ok", rowCount: 0 });
        // Sanity: the rows are there to be seen (so 0 means refused, not absent).
        const visible = await client.query("SELECT count(*)::int AS n FROM tenant_members WHERE tenant_id = $1", [ws.tenant.id]);
        expect(visible.rows[0].n).toBe(4);
      });

      expect(await roles(ws.tenant.id)).toEqual(rolesBefore);
      expect((await invitationById(invitation.id))!.status).toBe("pending");
      const { rows } = await owner().query("SELECT count(*)::int AS n FROM tenant_invitations WHERE tenant_id = $1", [ws.tenant.id]);
      expect(rows[0].n).toBe(1);
    });
  }
});

describe("an admin", () => {
  it("cannot touch an owner's row, make anyone an owner, or delete an owner", async () => {
    const ws = await createWorkspace();
    const rolesBefore = await roles(ws.tenant.id);
    await asApp({ tenantId: ws.tenant.id, user: ws.admin }, async (client) => {
      expect(
        await attempt(client, "UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.owner.id]),
      ).toEqual({ code: "ok", rowCount: 0 });
      const promote = await attempt(client, "UPDATE tenant_members SET role = 'owner' WHERE tenant_id = $1 AND user_id = $2", [
        ws.tenant.id,
        ws.member.id,
      ]);
      expect(promote.code === "42501" || (promote.code === "ok" && promote.rowCount === 0), JSON.stringify(promote)).toBe(true);
      const promoteSelf = await attempt(client, "UPDATE tenant_members SET role = 'owner' WHERE tenant_id = $1 AND user_id = $2", [
        ws.tenant.id,
        ws.admin.id,
      ]);
      expect(promoteSelf.code === "42501" || (promoteSelf.code === "ok" && promoteSelf.rowCount === 0), JSON.stringify(promoteSelf)).toBe(true);
      expect(
        await attempt(client, "DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.owner.id]),
      ).toEqual({ code: "ok", rowCount: 0 });
    });
    expect(await roles(ws.tenant.id)).toEqual(rolesBefore);
  });

  it("can change a member's role (positive control)", async () => {
    const ws = await createWorkspace();
    await asApp({ tenantId: ws.tenant.id, user: ws.admin }, async (client) => {
      const result = await client.query("UPDATE tenant_members SET role = 'auditor' WHERE tenant_id = $1 AND user_id = $2", [
        ws.tenant.id,
        ws.member.id,
      ]);
      expect(result.rowCount).toBe(1);
      const { rows } = await client.query("SELECT role FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.member.id]);
      expect(rows[0].role).toBe("auditor");
    });
    // asApp rolls back.
    expect(await memberRole(ws.tenant.id, ws.member.id)).toBe("member");
  });

  it("cannot write into another tenant by naming it while its own tenant is set", async () => {
    const [ws, other] = await Promise.all([createWorkspace(), createWorkspace()]);
    await asApp({ tenantId: ws.tenant.id, user: ws.admin }, async (client) => {
      expect(
        await attempt(client, "UPDATE tenant_members SET role = 'auditor' WHERE tenant_id = $1 AND user_id = $2", [other.tenant.id, other.member.id]),
      ).toEqual({ code: "ok", rowCount: 0 });
      const { text, values } = inviteInsert(other.tenant.id, ws.admin.id);
      expect((await attempt(client, text, values)).code).toBe("42501");
    });
    expect(await memberRole(other.tenant.id, other.member.id)).toBe("member");
  });
});

describe("an owner", () => {
  it("cannot make anyone an owner: only the ownership transfer does", async () => {
    const ws = await createWorkspace();
    const coOwner = await createUser();
    await addMember(ws.tenant.id, coOwner.id, "owner");
    const rolesBefore = await roles(ws.tenant.id);
    await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      for (const userId of [ws.admin.id, ws.member.id, ws.auditor.id]) {
        expect(await attempt(client, "UPDATE tenant_members SET role = 'owner' WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, userId])).toEqual({
          code: "42501",
          rowCount: null,
        });
      }
      // Demoting a co-owner stays an owner's call (positive control).
      expect(await attempt(client, "UPDATE tenant_members SET role = 'admin' WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, coOwner.id])).toEqual({
        code: "ok",
        rowCount: 1,
      });
    });
    expect(await roles(ws.tenant.id)).toEqual(rolesBefore);
  });
});

describe("joining a tenant (self-insert into tenant_members)", () => {
  const join = (client: pg.PoolClient, tenantId: string, userId: string, role: string) =>
    attempt(client, "INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, $3)", [tenantId, userId, role]);

  it("cannot even be attempted without an invitation: the database will not enter the tenant to join", async () => {
    const ws = await createWorkspace();
    const stranger = await createUser();
    const entered = asApp({ tenantId: ws.tenant.id, user: stranger, as: "join" }, async () => "entered");
    expect(await pgErrorCode(entered)).toBe("42501");
    expect(await memberRole(ws.tenant.id, stranger.id)).toBeNull();
  });

  it("shows a joiner nobody else's membership", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, role: "member" });
    await asApp({ tenantId: ws.tenant.id, user: invitee, as: "join" }, async (client) => {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM tenant_members WHERE tenant_id = $1", [ws.tenant.id]);
      expect(rows[0].n).toBe(0);
      const users = await client.query("SELECT id FROM users");
      expect(users.rows).toEqual([{ id: invitee.id }]);
    });
  });

  it("is refused with a role other than the invited one", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, role: "member" });
    await asApp({ tenantId: ws.tenant.id, user: invitee, as: "join" }, async (client) => {
      expect((await join(client, ws.tenant.id, invitee.id, "admin")).code).toBe("42501");
      expect((await join(client, ws.tenant.id, invitee.id, "auditor")).code).toBe("42501");
      expect((await join(client, ws.tenant.id, invitee.id, "owner")).code).toBe("42501");
    });
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull();
  });

  it("is refused with an expired, revoked or accepted invitation", async () => {
    const ws = await createWorkspace();
    const [expired, revoked, accepted] = await Promise.all([createUser(), createUser(), createUser()]);
    await insertInvitation({ tenantId: ws.tenant.id, email: expired.email, expiresAt: new Date(Date.now() - 60_000) });
    await insertInvitation({ tenantId: ws.tenant.id, email: revoked.email, status: "revoked" });
    await insertInvitation({ tenantId: ws.tenant.id, email: accepted.email, status: "accepted" });
    for (const user of [expired, revoked, accepted]) {
      await asApp({ tenantId: ws.tenant.id, user, as: "join" }, async (client) => {
        expect((await join(client, ws.tenant.id, user.id, "member")).code, user.email).toBe("42501");
      });
    }
    expect(await memberCount(ws.tenant.id)).toBe(4);
  });

  it("is refused for someone else's invitation, or inserting someone else", async () => {
    const ws = await createWorkspace();
    const [invitee, impostor] = await Promise.all([createUser(), createUser()]);
    await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, role: "member" });
    expect(await pgErrorCode(asApp({ tenantId: ws.tenant.id, user: impostor, as: "join" }, async () => "entered"))).toBe("42501");
    await asApp({ tenantId: ws.tenant.id, user: invitee, as: "join" }, async (client) => {
      expect((await join(client, ws.tenant.id, impostor.id, "member")).code).toBe("42501");
    });
    expect(await memberCount(ws.tenant.id)).toBe(4);
  });

  /**
   * The SQLSTATE of joining with the app role's raw connection: the entry's
   * refusal if the database will not even enter the tenant to join, else the
   * INSERT's ("ok" when a row went in). Rolled back either way.
   */
  const tryJoin = async (tenantId: string, user: TestUser, role: string): Promise<string> => {
    try {
      return await asApp({ tenantId, user, as: "join" }, async (client) => {
        const outcome = await join(client, tenantId, user.id, role);
        return outcome.code === "ok" && outcome.rowCount !== 1 ? `ok, ${outcome.rowCount} rows` : outcome.code;
      });
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  };

  it("is refused into a workspace in the trash, even with a pending invitation", async () => {
    const ws = await createWorkspace();
    const joiner = await createUser();
    await insertInvitation({ tenantId: ws.tenant.id, email: joiner.email, invitedBy: ws.owner.id });
    await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    expect(await tryJoin(ws.tenant.id, joiner, "member")).toBe("42501");
    expect(await memberRole(ws.tenant.id, joiner.id)).toBeNull();
  });

  it("is refused into a suspended (blocked) workspace, even with a pending invitation", async () => {
    const ws = await createWorkspace();
    const joiner = await createUser();
    await insertInvitation({ tenantId: ws.tenant.id, email: joiner.email, invitedBy: ws.owner.id });
    await setTenantStatus(ws.tenant.id, "blocked");
    expect(await tryJoin(ws.tenant.id, joiner, "member")).toBe("42501");
    expect(await memberRole(ws.tenant.id, joiner.id)).toBeNull();
  });

  it("is refused with a pending invitation deleted with its workspace's batch, even in an active workspace", async () => {
    const ws = await createWorkspace();
    const joiner = await createUser();
    const { id } = await insertInvitation({ tenantId: ws.tenant.id, email: joiner.email, invitedBy: ws.owner.id });
    await owner().query("UPDATE tenant_invitations SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [id]);
    expect(await tryJoin(ws.tenant.id, joiner, "member")).toBe("42501");
    expect(await memberRole(ws.tenant.id, joiner.id)).toBeNull();
  });

  it("is admitted again once the workspace is active: the refusals above are the workspace's state, not the invitation (control)", async () => {
    const ws = await createWorkspace();
    const joiner = await createUser();
    await insertInvitation({ tenantId: ws.tenant.id, email: joiner.email, invitedBy: ws.owner.id });
    await setTenantStatus(ws.tenant.id, "blocked");
    await setTenantStatus(ws.tenant.id, "active");
    expect(await tryJoin(ws.tenant.id, joiner, "member")).toBe("ok");
    expect(await memberRole(ws.tenant.id, joiner.id)).toBeNull(); // rolled back
  });

  it("succeeds with a valid pending invitation and exactly the invited role (positive control)", async () => {
    const ws = await createWorkspace();
    const invitee = await createUser();
    await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, role: "auditor" });
    await asApp({ tenantId: ws.tenant.id, user: invitee, as: "join" }, async (client) => {
      expect(await join(client, ws.tenant.id, invitee.id, "auditor")).toEqual({ code: "ok", rowCount: 1 });
    });
    expect(await memberRole(ws.tenant.id, invitee.id)).toBeNull(); // rolled back
  });

  it("lets a creator own only a tenant that did not exist", async () => {
    const ws = await createWorkspace();
    const creator = await createUser();
    // An existing tenant cannot be entered as its creator…
    expect(await pgErrorCode(asApp({ tenantId: ws.tenant.id, user: creator, as: "create" }, async () => "entered"))).toBe("42501");
    // …and a new one admits its own row and its creator as owner, nothing else.
    const fresh = randomUUID();
    await asApp({ tenantId: fresh, user: creator, as: "create" }, async (client) => {
      expect(await attempt(client, "INSERT INTO tenants (id, name, slug) VALUES ($1, 'Fresh', $2)", [fresh, `fresh-${fresh.slice(0, 8)}`])).toEqual({
        code: "ok",
        rowCount: 1,
      });
      expect((await join(client, ws.tenant.id, creator.id, "owner")).code).toBe("42501");
      expect((await join(client, fresh, ws.member.id, "owner")).code).toBe("42501");
      expect((await join(client, fresh, creator.id, "admin")).code).toBe("42501");
      expect(await join(client, fresh, creator.id, "owner")).toEqual({ code: "ok", rowCount: 1 });
    });
    expect(await memberRole(ws.tenant.id, creator.id)).toBeNull();
  });
});

describe("an invitee updating their invitation", () => {
  it("may mark their own pending invitation accepted by themselves, in the order the app does it", async () => {
    const ws = await createWorkspace();
    const [joiner, holder] = await Promise.all([createUser(), createUser()]);
    const { token, tokenHash } = mintInviteToken();
    const joined = await insertInvitation({ tenantId: ws.tenant.id, email: joiner.email, role: "member" });
    const held = await insertInvitation({ tenantId: ws.tenant.id, email: holder.email, role: "auditor", tokenHash });
    const accept = "UPDATE tenant_invitations SET status = 'accepted', accepted_by = $2, accepted_at = now() WHERE id = $1";

    // Onboarding path: join with the invited role first, then mark the invitation accepted.
    await asApp({ tenantId: ws.tenant.id, user: joiner, as: "join" }, async (client) => {
      expect(await attempt(client, "INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [ws.tenant.id, joiner.id])).toEqual({
        code: "ok",
        rowCount: 1,
      });
      expect(await attempt(client, accept, [joined.id, joiner.id])).toEqual({ code: "ok", rowCount: 1 });
    });
    // Link path: holding the token, the invitee may mark it accepted.
    await asApp({ tenantId: ws.tenant.id, user: holder, inviteToken: token, as: "join" }, async (client) => {
      expect(await attempt(client, accept, [held.id, holder.id])).toEqual({ code: "ok", rowCount: 1 });
    });
    // Neither a member yet nor holding the token: the accepted row would leave what they may see,
    // and Postgres refuses the UPDATE (the SELECT policy applies to the new row).
    await asApp({ tenantId: ws.tenant.id, user: holder, as: "join" }, async (client) => {
      expect((await attempt(client, accept, [held.id, holder.id])).code).toBe("42501");
    });
    expect((await invitationById(joined.id))!.status).toBe("pending"); // rolled back
    expect((await invitationById(held.id))!.status).toBe("pending");
    expect(await memberRole(ws.tenant.id, joiner.id)).toBeNull();
  });

  it("may not record someone else as its acceptor, nor touch its role, nor accept another person's invitation", async () => {
    const ws = await createWorkspace();
    const [invitee, other] = await Promise.all([createUser(), createUser()]);
    const { token, tokenHash } = mintInviteToken();
    const { id } = await insertInvitation({ tenantId: ws.tenant.id, email: invitee.email, role: "member", tokenHash });
    const othersInvitation = await insertInvitation({ tenantId: ws.tenant.id, email: other.email, role: "member" });
    const before = await invitationById(id);
    // Holding the token, so the accepted row stays visible: only the policy's WITH CHECK can refuse.
    await asApp({ tenantId: ws.tenant.id, user: invitee, inviteToken: token, as: "join" }, async (client) => {
      await client.query("SAVEPOINT before_accept");
      const rls = { code: "42501", message: expect.stringContaining("row-level security") };
      expect(await failure(client, "UPDATE tenant_invitations SET status = 'accepted', accepted_by = $2 WHERE id = $1", [id, other.id])).toMatchObject(rls);
      expect(await failure(client, "UPDATE tenant_invitations SET status = 'revoked', revoked_at = now() WHERE id = $1", [id])).toMatchObject(rls);
      // Positive control in the same context: accepted_by = self passes.
      expect(await attempt(client, "UPDATE tenant_invitations SET status = 'accepted', accepted_by = $2 WHERE id = $1", [id, invitee.id])).toEqual({
        code: "ok",
        rowCount: 1,
      });
      await client.query("ROLLBACK TO SAVEPOINT before_accept");
      expect(await failure(client, "UPDATE tenant_invitations SET role = 'admin' WHERE id = $1", [id])).toMatchObject({
        code: "42501",
        message: expect.stringContaining("permission denied"),
      });
      expect((await attempt(client, "UPDATE tenant_invitations SET email = $2 WHERE id = $1", [id, uniqueEmail("x")])).code).toBe("42501");
      expect((await attempt(client, "UPDATE tenant_invitations SET expires_at = now() + interval '1 year' WHERE id = $1", [id])).code).toBe(
        "42501",
      );
      expect(
        await attempt(client, "UPDATE tenant_invitations SET status = 'accepted', accepted_by = $2 WHERE id = $1", [othersInvitation.id, invitee.id]),
      ).toEqual({ code: "ok", rowCount: 0 });
    });
    expect(await invitationById(id)).toEqual(before);
    expect((await invitationById(othersInvitation.id))!.status).toBe("pending");
  });
});

describe("the deferred last-owner trigger", () => {
  it("refuses the COMMIT of the sole owner deleting their own row", async () => {
    const ws = await createWorkspace();
    const message = await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      const deleted = await client.query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.owner.id]);
      expect(deleted.rowCount).toBe(1); // the policy lets anyone leave; the trigger has the last word at commit
      const error = await client.query("COMMIT").then(
        () => null,
        (e: unknown) => e as { message: string; code: string },
      );
      expect(error, "COMMIT should fail").not.toBeNull();
      expect(error!.code).toBe("P0001");
      return error!.message;
    });
    expect(message).toContain("without an owner");
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBe("owner");
  });

  it("refuses the COMMIT of the sole owner demoting themselves", async () => {
    const ws = await createWorkspace();
    const message = await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      const updated = await client.query("UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.owner.id]);
      expect(updated.rowCount).toBe(1);
      const error = await client.query("COMMIT").then(
        () => null,
        (e: unknown) => e as { message: string },
      );
      expect(error, "COMMIT should fail").not.toBeNull();
      return error!.message;
    });
    expect(message).toContain("without an owner");
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBe("owner");
  });

  it("lets the COMMIT through when another active owner remains (positive control), and holds for the owner connection too", async () => {
    const ws = await createWorkspace();
    const second = await createUser();
    await addMember(ws.tenant.id, second.id, "owner");
    const client = await owner().connect();
    try {
      await client.query("BEGIN");
      await client.query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, second.id]);
      await client.query("COMMIT");
      await client.query("BEGIN");
      await client.query("DELETE FROM tenant_members WHERE tenant_id = $1 AND role = 'owner'", [ws.tenant.id]);
      expect(await pgErrorCode(client.query("COMMIT"))).toBe("P0001");
    } finally {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
    }
    expect(await memberRole(ws.tenant.id, second.id)).toBeNull();
    expect(await memberRole(ws.tenant.id, ws.owner.id)).toBe("owner");
  });
});

describe("one pending invitation per (tenant, email)", () => {
  it("rejects a second pending invitation for the same address with 23505", async () => {
    const tenant = await createTenantRow();
    const email = uniqueEmail("dup");
    await insertInvitation({ tenantId: tenant.id, email });
    expect(await pgErrorCode(insertInvitation({ tenantId: tenant.id, email }))).toBe("23505");
    expect(await pgErrorCode(insertInvitation({ tenantId: tenant.id, email: email.toUpperCase() }))).toBe("23505");
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM tenant_invitations WHERE tenant_id = $1 AND email = $2", [tenant.id, email]);
    expect(rows[0].n).toBe(1);
  });

  it("allows a pending one beside revoked ones, and the same address in another tenant", async () => {
    const [tenant, other] = await Promise.all([createTenantRow(), createTenantRow()]);
    const email = uniqueEmail("ok");
    await insertInvitation({ tenantId: tenant.id, email, status: "revoked" });
    await insertInvitation({ tenantId: tenant.id, email, status: "revoked" });
    expect(await pgErrorCode(insertInvitation({ tenantId: tenant.id, email }))).toBe("ok");
    expect(await pgErrorCode(insertInvitation({ tenantId: other.id, email }))).toBe("ok");
    const { rows } = await owner().query(
      "SELECT status, count(*)::int AS n FROM tenant_invitations WHERE tenant_id = $1 AND email = $2 GROUP BY status ORDER BY status",
      [tenant.id, email],
    );
    expect(rows).toEqual([
      { status: "pending", n: 1 },
      { status: "revoked", n: 2 },
    ]);
  });
});

describe("reading an invitation by its token", () => {
  it("is possible only holding exactly that token: its stored hash opens nothing", async () => {
    const [mine, theirs] = await Promise.all([createWorkspace(), createWorkspace()]);
    const { token, tokenHash } = mintInviteToken();
    const { id } = await insertInvitation({ tenantId: theirs.tenant.id, email: uniqueEmail("target"), tokenHash });
    const select = "SELECT id FROM tenant_invitations WHERE token_hash = $1";

    await asApp({ tenantId: mine.tenant.id, user: mine.owner }, async (client) => {
      expect((await client.query(select, [tokenHash])).rowCount).toBe(0);
    });
    await asApp({ inviteToken: mintInviteToken().token, user: mine.owner }, async (client) => {
      expect((await client.query(select, [tokenHash])).rowCount).toBe(0);
    });
    // Whoever copied the hashes out of the table holds no key.
    await asApp({ inviteToken: tokenHash }, async (client) => {
      expect((await client.query(select, [tokenHash])).rowCount).toBe(0);
    });
    await asApp({ inviteToken: token }, async (client) => {
      const { rows } = await client.query(select, [tokenHash]);
      expect(rows).toEqual([{ id }]);
      // The capability names that one invitation only.
      const all = await client.query("SELECT id FROM tenant_invitations");
      expect(all.rows).toEqual([{ id }]);
    });
    await asApp({ inviteToken: token, user: mine.owner }, async (client) => {
      expect((await client.query(select, [tokenHash])).rows).toEqual([{ id }]);
    });
  });
});
