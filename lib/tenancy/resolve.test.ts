import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { enteredTenant, enterThenRead, sql } from "@/lib/db";
import { resolveTenantContext, resolveWithData, resolveWithUserData } from "@/lib/tenancy/resolve";
import { addMember, createSession, createTenantRow, createUser, credentialOf, owner, type TestUser, setTenantStatus } from "@/test/fixtures";

const resolve = (user: TestUser, cookie: string | undefined) => resolveTenantContext(credentialOf(user), cookie);

async function userInTwoWorkspaces() {
  const user = await createUser();
  const alpha = await createTenantRow({ name: "Alpha" });
  const beta = await createTenantRow({ name: "Beta" });
  await addMember(alpha.id, user.id, "owner");
  await addMember(beta.id, user.id, "auditor");
  return { user, alpha, beta };
}

const remember = (userId: string, tenantId: string | null) =>
  owner().query("UPDATE users SET last_tenant_id = $2 WHERE id = $1", [userId, tenantId]);

describe("resolveTenantContext: which workspace a request acts in", () => {
  it("uses a valid cookie", async () => {
    const { user, beta } = await userInTwoWorkspaces();
    const ctx = await resolve(user, beta.id);
    expect(ctx).toMatchObject({ kind: "tenant", tenantId: beta.id, role: "auditor", source: "cookie" });
  });

  it("without a cookie, uses the remembered last tenant, else the first membership", async () => {
    const { user, alpha, beta } = await userInTwoWorkspaces();
    expect(await resolve(user, undefined)).toMatchObject({ tenantId: alpha.id, source: "first" });
    await remember(user.id, beta.id);
    expect(await resolve(user, undefined)).toMatchObject({ tenantId: beta.id, source: "remembered" });
  });

  it("ignores a foreign cookie (a workspace the user is not in) and falls back", async () => {
    const { user, beta } = await userInTwoWorkspaces();
    const foreign = await createTenantRow({ name: "Someone else's" });
    await remember(user.id, beta.id);
    const ctx = await resolve(user, foreign.id);
    expect(ctx).toMatchObject({ kind: "tenant", tenantId: beta.id, source: "remembered" });
    expect(ctx.kind === "tenant" && ctx.memberships.map((m) => m.tenantId)).not.toContain(foreign.id);
  });

  it("ignores a stale cookie once the membership is removed", async () => {
    const { user, alpha, beta } = await userInTwoWorkspaces();
    expect(await resolve(user, beta.id)).toMatchObject({ tenantId: beta.id, source: "cookie" });
    await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [beta.id, user.id]);
    expect(await resolve(user, beta.id)).toMatchObject({ tenantId: alpha.id, source: "first" });
  });

  it("ignores a remembered tenant the user has since left", async () => {
    const { user, alpha, beta } = await userInTwoWorkspaces();
    await remember(user.id, beta.id);
    await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [beta.id, user.id]);
    expect(await resolve(user, undefined)).toMatchObject({ tenantId: alpha.id, source: "first" });
  });

  it("treats a malformed cookie like a missing one", async () => {
    const { user, alpha } = await userInTwoWorkspaces();
    for (const cookie of ["", "not-a-uuid", "'; DROP TABLE tenants; --", "0".repeat(5000)]) {
      expect(await resolve(user, cookie)).toMatchObject({ tenantId: alpha.id, source: "first" });
    }
  });

  it("says a workspace the cookie names is suspended, and enters nothing of it", async () => {
    const { user, alpha, beta } = await userInTwoWorkspaces();
    await setTenantStatus(beta.id, "blocked");
    const ctx = await resolve(user, beta.id);
    expect(ctx).toMatchObject({ kind: "suspended", tenant: { id: beta.id, name: "Beta" } });
    expect(ctx.kind === "suspended" && ctx.memberships.map((m) => [m.tenantId, m.status])).toEqual([
      [alpha.id, "active"],
      [beta.id, "blocked"],
    ]);
    // Anywhere else it is skipped: the remembered workspace, the first one.
    await remember(user.id, beta.id);
    expect(await resolve(user, undefined)).toMatchObject({ kind: "tenant", tenantId: alpha.id, source: "first" });
  });

  it("leaves deleted workspaces out altogether: the cookie falls back", async () => {
    const { user, alpha, beta } = await userInTwoWorkspaces();
    await setTenantStatus(beta.id, "deleted");
    const ctx = await resolve(user, beta.id);
    expect(ctx).toMatchObject({ kind: "tenant", tenantId: alpha.id, source: "first" });
    expect(ctx.kind === "tenant" && ctx.memberships.map((m) => m.tenantId)).toEqual([alpha.id]);
  });

  it("sends a user with no membership to onboarding", async () => {
    const user = await createUser();
    const someone = await createTenantRow();
    expect(await resolve(user, someone.id)).toMatchObject({ kind: "no-tenant", user: { id: user.id } });
  });

  it("signs a deactivated user out: deactivation ends their sessions", async () => {
    const { user, alpha } = await userInTwoWorkspaces();
    await owner().query("UPDATE users SET active = false WHERE id = $1", [user.id]);
    expect(await resolve(user, alpha.id)).toEqual({ kind: "signed-out" });
  });

  it("refuses a deactivated user's session that survived (inserted after deactivation)", async () => {
    const { user, alpha } = await userInTwoWorkspaces();
    await owner().query("UPDATE users SET active = false WHERE id = $1", [user.id]);
    const token = await createSession(user.id);
    expect(await resolve({ ...user, sessionToken: token }, alpha.id)).toEqual({ kind: "inactive" });
  });

  it("refuses no session, an unknown token, and an expired session", async () => {
    const { user, alpha } = await userInTwoWorkspaces();
    expect(await resolveTenantContext(null, alpha.id)).toEqual({ kind: "signed-out" });
    expect(await resolve({ ...user, sessionToken: "not-a-session-token-at-all" }, alpha.id)).toEqual({ kind: "signed-out" });
    const expired = await createSession(user.id, new Date(Date.now() - 1000));
    expect(await resolve({ ...user, sessionToken: expired }, alpha.id)).toEqual({ kind: "signed-out" });
  });

  it("keeps a session alive as it is used, at most once a day", async () => {
    const { user, alpha } = await userInTwoWorkspaces();
    const hash = createHash("sha256").update(user.sessionToken).digest("hex");
    await owner().query("UPDATE sessions SET expires = now() + interval '2 days' WHERE session_token = $1", [hash]);
    await resolve(user, alpha.id);
    const { rows } = await owner().query<{ days: number }>(
      "SELECT (extract(epoch FROM expires - now()) / 86400)::float8 AS days FROM sessions WHERE session_token = $1",
      [hash],
    );
    expect(rows[0]!.days).toBeGreaterThan(29.9);
  });

  it("keeps it alive on a page view that reads with one statement too (the page's statement and its COMMIT in one write)", async () => {
    const { user, alpha } = await userInTwoWorkspaces();
    const hash = createHash("sha256").update(user.sessionToken).digest("hex");
    await owner().query("UPDATE sessions SET expires = now() + interval '2 days', last_seen_at = now() - interval '1 hour' WHERE session_token = $1", [hash]);
    const { resolution, data } = await resolveWithData(credentialOf(user), alpha.id, { ip: null, userAgent: null }, (tx) => tx.one<{ one: number }>(sql`SELECT 1 AS one`), {
      oneStatement: true,
    });
    expect([resolution.kind, data]).toEqual(["tenant", { one: 1 }]);
    const { rows } = await owner().query<{ days: number; seen: number }>(
      "SELECT (extract(epoch FROM expires - now()) / 86400)::float8 AS days, extract(epoch FROM now() - last_seen_at)::int AS seen FROM sessions WHERE session_token = $1",
      [hash],
    );
    expect(rows[0]!.days).toBeGreaterThan(29.9);
    expect(rows[0]!.seen).toBeLessThan(5);
  });

  describe("a page's Read, sent with the entry in one round trip", () => {
    const request = { ip: null, userAgent: null };
    // The members of the workspace the entry signed: the statement is written before the app knows which one that is.
    const entered = { statement: sql`SELECT t.name, (SELECT count(*)::int FROM tenant_members m WHERE m.tenant_id = t.id) AS members FROM tenants t WHERE t.id = ${enteredTenant}`, result: (rows: object[]) => rows };

    it("reads the workspace the entry chose: the cookie's, else the remembered, else the first", async () => {
      const { user, alpha, beta } = await userInTwoWorkspaces();
      await addMember(beta.id, (await createUser()).id, "member");
      expect(await resolveWithData(credentialOf(user), beta.id, request, entered)).toMatchObject({ resolution: { kind: "tenant", tenantId: beta.id }, data: [{ name: "Beta", members: 2 }] });
      expect(await resolveWithData(credentialOf(user), alpha.id, request, entered)).toMatchObject({ resolution: { tenantId: alpha.id }, data: [{ name: "Alpha", members: 1 }] });
      await remember(user.id, beta.id);
      expect(await resolveWithData(credentialOf(user), undefined, request, entered)).toMatchObject({ resolution: { source: "remembered" }, data: [{ name: "Beta" }] });
    });

    it("reads nothing, and is not asked for its data, where the entry enters no workspace", async () => {
      const { user, beta } = await userInTwoWorkspaces();
      await setTenantStatus(beta.id, "blocked");
      const read = { statement: entered.statement, result: vi.fn(entered.result) };
      expect(await resolveWithData(credentialOf(user), beta.id, request, read)).toMatchObject({ resolution: { kind: "suspended" }, data: null });
      expect(await resolveWithData({ ...credentialOf(user), token: "not-a-session-token-at-all" }, beta.id, request, read)).toEqual({ resolution: { kind: "signed-out" }, data: null });
      const stranger = await createUser();
      expect(await resolveWithData(credentialOf(stranger), beta.id, request, read)).toMatchObject({ resolution: { kind: "no-tenant" }, data: null });
      expect(read.result).not.toHaveBeenCalled();
      // What the statement itself found where the entry entered nothing: no row of the workspace the cookie named.
      const seen = await enterThenRead<object, object>((literal) => `SELECT * FROM app_enter(${literal(stranger.sessionToken)}, ${literal(beta.id)}::uuid)`, entered.statement);
      expect(seen.rows).toEqual([]);
    });

    it("keeps the session alive, as the entry does on every page view", async () => {
      const { user, alpha } = await userInTwoWorkspaces();
      const hash = createHash("sha256").update(user.sessionToken).digest("hex");
      await owner().query("UPDATE sessions SET expires = now() + interval '2 days', last_seen_at = now() - interval '1 hour' WHERE session_token = $1", [hash]);
      expect(await resolveWithData(credentialOf(user), alpha.id, request, entered)).toMatchObject({ data: [{ name: "Alpha" }] });
      const { rows } = await owner().query<{ days: number; seen: number }>(
        "SELECT (extract(epoch FROM expires - now()) / 86400)::float8 AS days, extract(epoch FROM now() - last_seen_at)::int AS seen FROM sessions WHERE session_token = $1",
        [hash],
      );
      expect(rows[0]!.days).toBeGreaterThan(29.9);
      expect(rows[0]!.seen).toBeLessThan(5);
    });
  });

  describe("a user page's Read (requireUserWith), sent with the entry in one round trip", () => {
    const request = { ip: null, userAgent: null };
    // The user the entry signed in, and the workspaces they own: named only through the context.
    const mine = {
      statement: sql`SELECT u.email, (SELECT count(*)::int FROM tenant_members m WHERE m.user_id = u.id AND m.role = 'owner') AS owns
                       FROM users u WHERE u.id = (SELECT app_current_user_id())`,
      result: (rows: object[]) => rows,
    };

    it("reads as the signed-in user whether the request entered a workspace, none, or was held out of a suspended one", async () => {
      const { user, alpha, beta } = await userInTwoWorkspaces();
      const inWorkspace = await resolveWithUserData(credentialOf(user), alpha.id, request, () => mine);
      expect(inWorkspace).toMatchObject({ resolution: { kind: "tenant", tenantId: alpha.id }, data: [{ email: user.email, owns: 1 }] });
      await setTenantStatus(beta.id, "blocked");
      expect(await resolveWithUserData(credentialOf(user), beta.id, request, () => mine)).toMatchObject({ resolution: { kind: "suspended" }, data: [{ email: user.email, owns: 1 }] });
      const newcomer = await createUser();
      expect(await resolveWithUserData(credentialOf(newcomer), null, request, () => mine)).toMatchObject({ resolution: { kind: "no-tenant" }, data: [{ email: newcomer.email, owns: 0 }] });
    });

    it("is built with the request's credential, and neither sent nor asked for its data without a live session", async () => {
      const user = await createUser();
      const readFor = vi.fn(() => ({ statement: mine.statement, result: vi.fn(mine.result) }));
      expect(await resolveWithUserData(null, null, request, readFor)).toEqual({ resolution: { kind: "signed-out" }, data: null });
      expect(readFor).not.toHaveBeenCalled();
      const dead = { ...credentialOf(user), token: "not-a-session-token-at-all" };
      expect(await resolveWithUserData(dead, null, request, readFor)).toEqual({ resolution: { kind: "signed-out" }, data: null });
      expect(readFor).toHaveBeenCalledWith(dead);
      expect(readFor.mock.results[0]!.value.result).not.toHaveBeenCalled();
      await owner().query("UPDATE users SET active = false WHERE id = $1", [user.id]);
      expect(await resolveWithUserData(credentialOf(user), null, request, readFor)).toMatchObject({ data: null });
      // The statement itself, after an entry that signed nobody in: no row.
      const seen = await enterThenRead<object, object>((literal) => `SELECT * FROM app_enter(${literal(dead.token)}, NULL::uuid)`, mine.statement);
      expect(seen.rows).toEqual([]);
    });
  });

  it("lists every active membership with its role, accent colour and logo version, in name order", async () => {
    const { user, alpha, beta } = await userInTwoWorkspaces();
    await owner().query("UPDATE tenants SET accent_color = '#4f46e5' WHERE id = $1", [alpha.id]);
    const png = Buffer.from("89504e470d0a1a0a", "hex");
    await owner().query("INSERT INTO tenant_logos (tenant_id, content, mime, width, height) VALUES ($1, $2, 'image/png', 1, 1)", [beta.id, png]);
    const ctx = await resolve(user, undefined);
    expect(ctx.kind === "tenant" && ctx.memberships).toEqual([
      { tenantId: alpha.id, tenantName: "Alpha", tenantSlug: alpha.slug, role: "owner", status: "active", accent: "#4f46e5", logoVersion: null },
      {
        tenantId: beta.id,
        tenantName: "Beta",
        tenantSlug: beta.slug,
        role: "auditor",
        status: "active",
        accent: null,
        logoVersion: createHash("sha256").update(png).digest("hex").slice(0, 16),
      },
    ]);
  });
});
