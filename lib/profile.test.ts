// The profile against the real database: the display name (validated,
// trimmed, capped, seen by co-members), the platform-administrator flag, the
// user's sessions with device and last seen (kept to the minute by the
// database), signing out one session or all the others — and no one else's.
import { describe, expect, it } from "vitest";
import { enterThenRead } from "@/lib/db";
import { describeDevice, getProfile, profileRead, signOutOtherSessions, signOutSession, updateDisplayName } from "@/lib/profile";
import { resolveTenantContext } from "@/lib/tenancy";
import { resolveWithUserData } from "@/lib/tenancy/resolve";
import { sealSecret } from "@/lib/two-factor";
import { addMember, asApp, createSession, createTenantRow, createUser, credentialOf, domainCode, owner, setTenantStatus, type TestUser } from "@/test/fixtures";

const hashOf = "encode(sha256(convert_to($1, 'UTF8')), 'hex')";
const nameOf = async (userId: string) => (await owner().query("SELECT name FROM users WHERE id = $1", [userId])).rows[0].name as string | null;
const sessionIds = async (userId: string) =>
  (await owner().query<{ id: string }>("SELECT id FROM sessions WHERE user_id = $1 ORDER BY id", [userId])).rows.map((r) => r.id);
const idOfToken = async (token: string) => (await owner().query(`SELECT id FROM sessions WHERE session_token = ${hashOf}`, [token])).rows[0].id as string;
const me = (user: TestUser) => ({ credential: credentialOf(user) });

describe("the display name", () => {
  it("is trimmed, its inner spaces made one, and shown to the members of the user's workspaces", async () => {
    const [user, colleague] = await Promise.all([createUser(), createUser()]);
    const tenant = await createTenantRow();
    await addMember(tenant.id, user.id, "member");
    await addMember(tenant.id, colleague.id, "member");
    expect(await updateDisplayName(me(user), "  Ada \t  Lovelace  ")).toBe("Ada Lovelace");
    expect(await nameOf(user.id)).toBe("Ada Lovelace");
    const seen = await asApp({ tenantId: tenant.id, user: colleague }, async (c) => (await c.query("SELECT name FROM users WHERE id = $1", [user.id])).rows[0]);
    expect(seen).toEqual({ name: "Ada Lovelace" });
    expect((await getProfile(me(user))).name).toBe("Ada Lovelace");
  });

  it("is cleared when empty", async () => {
    const user = await createUser({ name: "Someone" });
    expect(await updateDisplayName(me(user), "   ")).toBeNull();
    expect(await nameOf(user.id)).toBeNull();
  });

  it("refuses over 80 characters and control or formatting characters, changing nothing", async () => {
    const user = await createUser({ name: "Kept" });
    expect(await updateDisplayName(me(user), "x".repeat(80))).toBe("x".repeat(80));
    await updateDisplayName(me(user), "Kept");
    for (const bad of ["x".repeat(81), "Bell\u0007", "Right\u202eto left", "Zero\u200bwidth"]) {
      expect(await domainCode(updateDisplayName(me(user), bad)), JSON.stringify(bad)).toBe("invalid_name");
    }
    expect(await nameOf(user.id)).toBe("Kept");
  });

  it("of another user cannot be changed, in raw SQL as the app role", async () => {
    const [user, other] = await Promise.all([createUser({ name: "Mine" }), createUser({ name: "Theirs" })]);
    const updated = await asApp({ user }, async (c) => (await c.query("UPDATE users SET name = 'Hijacked' WHERE id = $1", [other.id])).rowCount);
    expect(updated).toBe(0);
    expect(await nameOf(other.id)).toBe("Theirs");
  });
});

describe("the profile", () => {
  it("shows the email and whether the user is a platform administrator", async () => {
    const [plain, admin] = await Promise.all([createUser(), createUser()]);
    await owner().query("UPDATE users SET is_platform_admin = true WHERE id = $1", [admin.id]);
    expect(await getProfile(me(plain))).toMatchObject({ email: plain.email, platformAdmin: false, twoFactor: { enabled: false, enrolment: null } });
    expect(await getProfile(me(admin))).toMatchObject({ email: admin.email, platformAdmin: true });
  });
});

describe("the profile page's one statement (profileRead), sent with the page's entry", () => {
  const request = { ip: null, userAgent: null };
  const page = async (user: TestUser, cookie: string | null) => {
    const { resolution, data } = await resolveWithUserData(credentialOf(user), cookie, request, profileRead);
    return { kind: resolution.kind, profile: await data };
  };

  it("shows what the profile shows in its own transaction, in a workspace, in none, and held out of a suspended one", async () => {
    const user = await createUser({ name: "Grace Hopper" });
    const [tenant, suspended] = [await createTenantRow(), await createTenantRow()];
    await addMember(tenant.id, user.id, "member");
    await addMember(suspended.id, user.id, "owner");
    await owner().query("UPDATE users SET is_platform_admin = true WHERE id = $1", [user.id]);
    await createSession(user.id);
    // Two-factor on, one recovery code of three used.
    await owner().query("INSERT INTO user_two_factor (user_id, secret_sealed, enabled_at) VALUES ($1, $2, now())", [user.id, sealSecret("B".repeat(32))]);
    await owner().query("INSERT INTO user_recovery_codes (user_id, code_hash, used_at) SELECT $1, encode(sha256(convert_to(c, 'UTF8')), 'hex'), CASE WHEN c = 'b' THEN now() END FROM unnest(ARRAY['a', 'b', 'c']) c", [user.id]);
    const expected = await getProfile(me(user));
    expect(expected).toMatchObject({ name: "Grace Hopper", platformAdmin: true, twoFactor: { enabled: true, recoveryCodesLeft: 2 } });
    expect(expected.sessions).toHaveLength(2);
    expect(await page(user, tenant.id)).toEqual({ kind: "tenant", profile: expected });
    await setTenantStatus(suspended.id, "blocked");
    expect(await page(user, suspended.id)).toEqual({ kind: "suspended", profile: expected });
    const newcomer = await createUser();
    expect(await page(newcomer, null)).toEqual({ kind: "no-tenant", profile: await getProfile(me(newcomer)) });
  });

  it("carries an enrolment under way (the secret and its QR code), as the profile does", async () => {
    const user = await createUser();
    await owner().query("INSERT INTO user_two_factor (user_id, secret_sealed) VALUES ($1, $2)", [user.id, sealSecret("C".repeat(32))]);
    const { profile } = await page(user, null);
    expect(profile!.twoFactor).toMatchObject({ enabled: false, recoveryCodesLeft: 0, enrolment: { secret: "C".repeat(32) } });
    expect(profile!.twoFactor.enrolment!.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(profile).toEqual(await getProfile(me(user)));
  });

  it("after an entry that signed nobody in, reads no row and does not fail (its session list refuses a dead session)", async () => {
    const user = await createUser();
    const dead = { kind: "session" as const, token: "not-a-session-token-at-all" };
    const { statement } = profileRead(dead);
    const seen = await enterThenRead<{ kind: string }, object>((literal) => `SELECT * FROM app_enter(${literal(dead.token)}, NULL::uuid)`, statement);
    expect(seen).toEqual({ entered: expect.objectContaining({ kind: "signed-out" }), rows: [] });
    expect(await resolveWithUserData(dead, null, request, profileRead)).toEqual({ resolution: { kind: "signed-out" }, data: null });
    expect((await page(user, null)).profile!.email).toBe(user.email);
  });
});

describe("sessions", () => {
  it("lists the user's own sessions with device and times, this one first and marked", async () => {
    const [user, stranger] = await Promise.all([createUser(), createUser()]);
    const other = await createSession(user.id);
    await createSession(stranger.id);
    await owner().query(`UPDATE sessions SET device = 'Firefox on Linux', last_seen_at = now() - interval '3 hours' WHERE session_token = ${hashOf}`, [other]);
    const { sessions } = await getProfile(me(user));
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({ current: true, awaitingSecondFactor: false });
    expect(sessions[1]).toMatchObject({ id: await idOfToken(other), device: "Firefox on Linux", current: false });
    expect(sessions[1]!.lastSeenAt.getTime()).toBeLessThan(Date.now() - 2 * 3600_000);
  });

  it("shows a sign-in awaiting its two-factor code as such, and no longer once its 15 minutes are over", async () => {
    const user = await createUser();
    await owner().query("INSERT INTO user_two_factor (user_id, secret_sealed, enabled_at) VALUES ($1, $2, now())", [user.id, sealSecret("A".repeat(32))]);
    const [waiting, dead] = [await createSession(user.id), await createSession(user.id)];
    await owner().query(`UPDATE sessions SET created_at = now() - interval '16 minutes' WHERE session_token = ${hashOf}`, [dead]);
    const { sessions } = await getProfile(me(user));
    expect(sessions.map((s) => [s.id, s.current, s.awaitingSecondFactor])).toEqual([
      [await idOfToken(user.sessionToken), true, false],
      [await idOfToken(waiting), false, true],
    ]);
    // Either can still be signed out.
    expect(await signOutOtherSessions(me(user))).toBe(2);
  });

  it("keeps last seen to the minute: refreshed when older than a minute, left alone otherwise", async () => {
    const user = await createUser();
    const lastSeen = async () =>
      (await owner().query(`SELECT extract(epoch FROM now() - last_seen_at)::int AS age FROM sessions WHERE session_token = ${hashOf}`, [user.sessionToken]))
        .rows[0].age as number;
    await owner().query(`UPDATE sessions SET last_seen_at = now() - interval '30 seconds' WHERE session_token = ${hashOf}`, [user.sessionToken]);
    await resolveTenantContext(credentialOf(user), null);
    expect(await lastSeen()).toBeGreaterThanOrEqual(29);
    await owner().query(`UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE session_token = ${hashOf}`, [user.sessionToken]);
    await resolveTenantContext(credentialOf(user), null);
    expect(await lastSeen()).toBeLessThan(5);
  });

  it("signs out one other session by its id, and never another user's", async () => {
    const [user, stranger] = await Promise.all([createUser(), createUser()]);
    const other = await createSession(user.id);
    const otherId = await idOfToken(other);
    const strangersId = await idOfToken(stranger.sessionToken);
    expect(await domainCode(signOutSession(me(user), strangersId))).toBe("no_session");
    expect(await sessionIds(stranger.id)).toEqual([strangersId]);
    // This session is ended by signing out, not from the list.
    expect(await domainCode(signOutSession(me(user), await idOfToken(user.sessionToken)))).toBe("no_session");
    await signOutSession(me(user), otherId);
    expect(await sessionIds(user.id)).toEqual([await idOfToken(user.sessionToken)]);
    expect(await resolveTenantContext({ kind: "session", token: other }, null)).toEqual({ kind: "signed-out" });
  });

  it("signs out every other session, keeping this one and other users' sessions", async () => {
    const [user, stranger] = await Promise.all([createUser(), createUser()]);
    for (let i = 0; i < 3; i++) await createSession(user.id);
    expect(await signOutOtherSessions(me(user))).toBe(3);
    expect(await sessionIds(user.id)).toEqual([await idOfToken(user.sessionToken)]);
    expect(await sessionIds(stranger.id)).toHaveLength(1);
    expect((await resolveTenantContext(credentialOf(user), null)).kind).toBe("no-tenant");
  });

  it("cannot be listed or ended without a live session, in raw SQL as the app role", async () => {
    const user = await createUser();
    await createSession(user.id);
    const { rows } = await owner().query<{ session_token: string }>("SELECT session_token FROM sessions WHERE user_id = $1 LIMIT 1", [user.id]);
    for (const statement of ["SELECT * FROM app_my_sessions($1)", "SELECT app_sign_out_sessions($1, NULL)"]) {
      const code = await asApp({}, (c) => c.query(statement, [rows[0]!.session_token]).then(() => "ok", (e: { code: string }) => e.code));
      expect(code, statement).toBe("42501");
    }
    expect(await sessionIds(user.id)).toHaveLength(2);
    expect(await asApp({}, (c) => c.query("SELECT * FROM sessions").then(() => "ok", (e: { code: string }) => e.code))).toBe("42501");
  });
});

describe("describeDevice", () => {
  it("names the browser and the system in a few words", () => {
    expect(describeDevice("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")).toBe("Firefox on Linux");
    expect(
      describeDevice("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
    ).toBe("Safari on iPhone");
    expect(
      describeDevice("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"),
    ).toBe("Chrome on Windows");
    expect(describeDevice(null)).toBeNull();
    expect(describeDevice("x".repeat(5000))?.length ?? 0).toBeLessThanOrEqual(100);
  });
});
