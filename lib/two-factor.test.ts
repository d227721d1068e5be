// Two-factor authentication against the real database: enrolment confirmed
// by a first code, codes accepted once, recovery codes used once, disabling
// only with a code, the secret never stored in clear, and a session started
// by a magic link awaiting its code — refused by the database itself until
// the code is accepted. Time is an injected clock; nothing sleeps.
import { generate } from "otplib";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { RateLimited } from "@/lib/rate-limit";
import { awaitingSecondFactor, resolveTenantContext, withUser } from "@/lib/tenancy";
import {
  completeSecondFactor,
  confirmEnrolment,
  disableTwoFactor,
  hasTwoFactor,
  hashRecoveryCode,
  normalizeRecoveryCode,
  openSecret,
  RECOVERY_CODE_COUNT,
  regenerateRecoveryCodes,
  startEnrolment,
  twoFactorState,
  verifySecondFactor,
  type Clock,
} from "@/lib/two-factor";
import { addMember, asApp, createSession, createTenantRow, createUser, credentialOf, domainCode, owner, pgErrorCode, type TestUser } from "@/test/fixtures";

/** A clock that stands still until moved. */
function clockAt(ms: number): Clock & { advance(seconds: number): void } {
  let now = ms;
  return { now: () => now, advance: (seconds) => (now += seconds * 1000) };
}
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const codeAt = (secret: string, clock: Clock) => generate({ secret, epoch: Math.floor(clock.now() / 1000) });

async function enrolmentSecret(user: TestUser): Promise<string> {
  return withUser(credentialOf(user), async (tx, u) => (await twoFactorState(tx, u)).enrolment!.secret);
}

/** A user with two-factor on; returns its secret and recovery codes. */
async function enrolled(clock = clockAt(T0)) {
  const user = await createUser();
  await startEnrolment({ credential: credentialOf(user) });
  const secret = await enrolmentSecret(user);
  const recoveryCodes = await confirmEnrolment({ credential: credentialOf(user) }, await codeAt(secret, clock), clock);
  return { user, secret, recoveryCodes, clock };
}

const storedRow = async (userId: string) =>
  (await owner().query("SELECT secret_sealed, enabled_at, last_used_step FROM user_two_factor WHERE user_id = $1", [userId])).rows[0] ?? null;
const pendingOf = async (token: string) =>
  (
    await owner().query("SELECT second_factor_pending AS p FROM sessions WHERE session_token = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [
      token,
    ])
  ).rows[0]?.p as boolean | undefined;
const inTx = <T>(user: TestUser, fn: Parameters<typeof withUser<T>>[1]) => withUser(credentialOf(user), fn);

describe("enrolment", () => {
  it("stores the secret sealed, never in clear, and shows it with a QR code until confirmed", async () => {
    const user = await createUser();
    await startEnrolment({ credential: credentialOf(user) });
    const state = await inTx(user, (tx, u) => twoFactorState(tx, u));
    expect(state.enabled).toBe(false);
    const { secret, uri, qrDataUrl } = state.enrolment!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain("issuer=Tenantry");
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const row = await storedRow(user.id);
    expect(row.enabled_at).toBeNull();
    expect(row.secret_sealed).not.toContain(secret);
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(openSecret(row.secret_sealed)).toBe(secret);
    // The database refuses a secret stored in clear, whoever writes it.
    expect(await pgErrorCode(owner().query("UPDATE user_two_factor SET secret_sealed = $1 WHERE user_id = $2", [secret, user.id]))).toBe("23514");
  });

  it("is confirmed only by a valid code: a wrong one changes nothing", async () => {
    const clock = clockAt(T0);
    const user = await createUser();
    await startEnrolment({ credential: credentialOf(user) });
    const secret = await enrolmentSecret(user);
    expect(await domainCode(confirmEnrolment({ credential: credentialOf(user) }, "000000", clock))).toBe("invalid_code");
    expect(await domainCode(confirmEnrolment({ credential: credentialOf(user) }, "not a code", clock))).toBe("invalid_code");
    expect((await storedRow(user.id)).enabled_at).toBeNull();
    expect(await inTx(user, (tx) => hasTwoFactor(tx, user.id))).toBe(false);

    const codes = await confirmEnrolment({ credential: credentialOf(user) }, await codeAt(secret, clock), clock);
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(await inTx(user, (tx) => hasTwoFactor(tx, user.id))).toBe(true);
    // Stored as their SHA-256 only.
    const { rows } = await owner().query<{ code_hash: string }>("SELECT code_hash FROM user_recovery_codes WHERE user_id = $1", [user.id]);
    expect(rows.map((r) => r.code_hash).sort()).toEqual(codes.map((c) => hashRecoveryCode(normalizeRecoveryCode(c)!)).sort());
    expect(JSON.stringify(rows)).not.toContain(codes[0]!.replaceAll("-", ""));
    expect(await domainCode(startEnrolment({ credential: credentialOf(user) }))).toBe("two_factor_enabled");
  });

  it("refuses a code for the key an older page showed, once setup was started again elsewhere, and says so", async () => {
    const clock = clockAt(T0);
    const user = await createUser();
    const credential = credentialOf(user);
    await startEnrolment({ credential });
    const shownFirst = (await inTx(user, (tx, u) => twoFactorState(tx, u))).enrolment!;
    // Another window starts setup again: a new key.
    await startEnrolment({ credential });
    const shownNow = (await inTx(user, (tx, u) => twoFactorState(tx, u))).enrolment!;
    expect(shownNow.key).not.toBe(shownFirst.key);
    // The first page's code, right for the key it showed: not "not right", but replaced.
    const refusal = await confirmEnrolment({ credential }, await codeAt(shownFirst.secret, clock), clock, shownFirst.key).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: "enrolment_replaced", message: expect.stringContaining("started again in another window") });
    expect((await storedRow(user.id)).enabled_at).toBeNull();
    // The key shown now is the one that counts.
    const codes = await confirmEnrolment({ credential }, await codeAt(shownNow.secret, clock), clock, shownNow.key);
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
  });

  it("keeps each user's rows to themselves, in raw SQL as the app role", async () => {
    const { user } = await enrolled();
    const other = await createUser();
    const tenant = await createTenantRow();
    await addMember(tenant.id, user.id, "member");
    await addMember(tenant.id, other.id, "owner");
    const seen = await asApp({ tenantId: tenant.id, user: other }, async (client) => ({
      factors: (await client.query("SELECT * FROM user_two_factor")).rowCount,
      codes: (await client.query("SELECT * FROM user_recovery_codes")).rowCount,
      deleted: (await client.query("DELETE FROM user_two_factor WHERE user_id = $1", [user.id])).rowCount,
    }));
    expect(seen).toEqual({ factors: 0, codes: 0, deleted: 0 });
    expect(await asApp({}, (client) => pgErrorCode(client.query("SELECT count(*) FROM user_two_factor")))).toBe("ok");
    expect((await asApp({}, (client) => client.query("SELECT count(*)::int AS n FROM user_two_factor"))).rows[0].n).toBe(0);
  });
});

describe("verifySecondFactor (for steps that ask again, such as an ownership transfer)", () => {
  it("accepts a current code once: the same code again is a replay, an older step too", async () => {
    const { user, secret, clock } = await enrolled();
    clock.advance(30);
    const code = await codeAt(secret, clock);
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, code, clock))).toBe(true);
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, code, clock))).toBe(false);
    // The previous step's code is still within the window, but older than the one accepted.
    const earlier = clockAt(clock.now() - 30_000);
    expect(await inTx(user, async (tx) => verifySecondFactor(tx, user.id, await codeAt(secret, earlier), clock))).toBe(false);
    clock.advance(30);
    expect(await inTx(user, async (tx) => verifySecondFactor(tx, user.id, await codeAt(secret, clock), clock))).toBe(true);
    // Far from now: refused.
    clock.advance(30);
    expect(await inTx(user, async (tx) => verifySecondFactor(tx, user.id, await codeAt(secret, clockAt(clock.now() + 120_000)), clock))).toBe(false);
  });

  it("accepts each recovery code once, however it is typed", async () => {
    const { user, recoveryCodes, clock } = await enrolled();
    const typed = ` ${recoveryCodes[3]!.toUpperCase().replaceAll("-", " ")} `;
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, typed, clock))).toBe(true);
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, recoveryCodes[3]!, clock))).toBe(false);
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, recoveryCodes[4]!, clock))).toBe(true);
    expect((await inTx(user, (tx, u) => twoFactorState(tx, u))).recoveryCodesLeft).toBe(RECOVERY_CODE_COUNT - 2);
  });

  it("is false for a user without two-factor, and for another user than the transaction's", async () => {
    const plain = await createUser();
    const { user, secret, clock } = await enrolled();
    expect(await inTx(plain, (tx) => verifySecondFactor(tx, plain.id, "123456", clock))).toBe(false);
    clock.advance(30);
    expect(await inTx(plain, async (tx) => verifySecondFactor(tx, user.id, await codeAt(secret, clock), clock))).toBe(false);
    expect(await inTx(plain, (tx) => hasTwoFactor(tx, user.id))).toBe(false);
  });

  it("refuses every code after 10 wrong ones in 15 minutes, even a right one", async () => {
    const { user, secret, clock } = await enrolled();
    for (let i = 0; i < 10; i++) expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, "000000", clock))).toBe(false);
    clock.advance(30);
    const right = await codeAt(secret, clock);
    await expect(inTx(user, (tx) => verifySecondFactor(tx, user.id, right, clock))).rejects.toBeInstanceOf(RateLimited);
  });
  it("counts only wrong codes against that limit: a right one gives its point back", async () => {
    const { user, secret, clock } = await enrolled();
    for (let i = 0; i < 9; i++) expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, "000000", clock))).toBe(false);
    clock.advance(30);
    expect(await inTx(user, async (tx) => verifySecondFactor(tx, user.id, await codeAt(secret, clock), clock))).toBe(true);
    // The tenth miss is still allowed; the eleventh attempt is not.
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, "000000", clock))).toBe(false);
    await expect(inTx(user, (tx) => verifySecondFactor(tx, user.id, "000000", clock))).rejects.toBeInstanceOf(RateLimited);
  });
});

describe("regenerating recovery codes and disabling", () => {
  it("replaces every recovery code after a current code", async () => {
    const { user, secret, recoveryCodes, clock } = await enrolled();
    clock.advance(30);
    expect(await domainCode(regenerateRecoveryCodes({ credential: credentialOf(user) }, "000000", clock))).toBe("invalid_code");
    const fresh = await regenerateRecoveryCodes({ credential: credentialOf(user) }, await codeAt(secret, clock), clock);
    expect(fresh).toHaveLength(RECOVERY_CODE_COUNT);
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, recoveryCodes[0]!, clock))).toBe(false);
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, fresh[0]!, clock))).toBe(true);
  });

  it("needs a current code or a recovery code; a wrong one leaves two-factor on", async () => {
    const { user, secret, recoveryCodes, clock } = await enrolled();
    expect(await domainCode(disableTwoFactor({ credential: credentialOf(user) }, "", clock))).toBe("invalid_code");
    expect(await domainCode(disableTwoFactor({ credential: credentialOf(user) }, "123456", clock))).toBe("invalid_code");
    // The code that confirmed enrolment was used already.
    expect(await domainCode(disableTwoFactor({ credential: credentialOf(user) }, await codeAt(secret, clock), clock))).toBe("invalid_code");
    expect(await inTx(user, (tx) => hasTwoFactor(tx, user.id))).toBe(true);
    await disableTwoFactor({ credential: credentialOf(user) }, recoveryCodes[9]!, clock);
    expect(await inTx(user, (tx) => hasTwoFactor(tx, user.id))).toBe(false);
    expect(await storedRow(user.id)).toBeNull();
    expect((await owner().query("SELECT count(*)::int AS n FROM user_recovery_codes WHERE user_id = $1", [user.id])).rows[0].n).toBe(0);
    // Sessions started from now on need no code.
    expect(await pendingOf(await createSession(user.id))).toBe(false);
  });

  it("with a current code", async () => {
    const { user, secret, clock } = await enrolled();
    clock.advance(30);
    await disableTwoFactor({ credential: credentialOf(user) }, await codeAt(secret, clock), clock);
    expect(await inTx(user, (tx) => hasTwoFactor(tx, user.id))).toBe(false);
  });

  it("signs out the sign-ins still awaiting their code, which no code could complete any more; the other sessions stay", async () => {
    const { user, recoveryCodes, clock } = await enrolled();
    const waiting = await createSession(user.id);
    const completed = await createSession(user.id);
    await owner().query("UPDATE sessions SET second_factor_pending = false WHERE session_token = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [completed]);
    const other = await enrolled();
    const othersWaiting = await createSession(other.user.id);
    expect(await pendingOf(waiting)).toBe(true);
    await disableTwoFactor({ credential: credentialOf(user) }, recoveryCodes[0]!, clock);
    expect(await pendingOf(waiting)).toBeUndefined();
    expect(await pendingOf(completed)).toBe(false);
    expect(await pendingOf(user.sessionToken)).toBe(false);
    expect(await pendingOf(othersWaiting)).toBe(true);
  });
});

describe("the database's own guard on two-factor state", () => {
  it("never lets the app role revive a used recovery code or move the replay guard back, whatever SQL it sends", async () => {
    const { user, recoveryCodes, clock } = await enrolled();
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, recoveryCodes[0]!, clock))).toBe(true);
    const before = await storedRow(user.id);
    expect(before.last_used_step).not.toBeNull();
    const asUser = (statement: string) => asApp({ user }, (client) => pgErrorCode(client.query(statement, [user.id])));
    expect(await asUser("UPDATE user_recovery_codes SET used_at = NULL WHERE user_id = $1 AND used_at IS NOT NULL")).toBe("42501");
    expect(await asUser("UPDATE user_two_factor SET last_used_step = NULL WHERE user_id = $1")).toBe("42501");
    expect(await asUser("UPDATE user_two_factor SET last_used_step = last_used_step - 1 WHERE user_id = $1")).toBe("42501");
    // The used code stays used.
    expect(await inTx(user, (tx) => verifySecondFactor(tx, user.id, recoveryCodes[0]!, clock))).toBe(false);
    expect(await storedRow(user.id)).toEqual(before);
  });
});

describe("signing in with two-factor on", () => {
  /** A session as the magic link creates it for the user. */
  async function signInByLink(user: TestUser) {
    const token = await createSession(user.id);
    return { token, credential: { kind: "session" as const, token } };
  }

  it("marks a new session as awaiting the code; the sessions from before stay signed in", async () => {
    const { user } = await enrolled();
    const { token } = await signInByLink(user);
    expect(await pendingOf(token)).toBe(true);
    expect(await pendingOf(user.sessionToken)).toBe(false);
    expect(await awaitingSecondFactor({ kind: "session", token })).toBe(true);
    expect(await awaitingSecondFactor(credentialOf(user))).toBe(false);
  });

  it("is refused by the database until the code is accepted: raw SQL as the app role enters nothing", async () => {
    const { user } = await enrolled();
    const tenant = await createTenantRow();
    await addMember(tenant.id, user.id, "owner");
    const { token, credential } = await signInByLink(user);
    const probe = await asApp({}, async (client) => ({
      entered: (await client.query("SELECT kind, user_id, tenant_id FROM app_enter($1, $2)", [token, tenant.id])).rows[0],
      members: (await client.query("SELECT count(*)::int AS n FROM tenant_members")).rows[0].n,
      users: (await client.query("SELECT count(*)::int AS n FROM users")).rows[0].n,
      factors: (await client.query("SELECT count(*)::int AS n FROM user_two_factor")).rows[0].n,
    }));
    expect(probe).toEqual({ entered: { kind: "signed-out", user_id: null, tenant_id: null }, members: 0, users: 0, factors: 0 });
    for (const statement of [
      ["SELECT app_enter($1, $2, true)", [token, tenant.id]],
      ["SELECT app_enter_user($1)", [token]],
      ["SELECT app_enter_new_tenant($1, gen_random_uuid())", [token]],
      ["SELECT * FROM app_my_sessions($1)", [token]],
      ["SELECT app_sign_out_sessions($1, NULL)", [token]],
    ] as const) {
      expect(await asApp({}, (client) => pgErrorCode(client.query(statement[0], [...statement[1]]))), statement[0]).toBe("42501");
    }
    expect(await resolveTenantContext(credential, tenant.id)).toEqual({ kind: "signed-out" });
    // The other sessions of the user sign in as before.
    expect((await resolveTenantContext(credentialOf(user), tenant.id)).kind).toBe("tenant");
  });

  it("lets Auth.js's role neither skip the code nor create a session that needs none", async () => {
    const { user } = await enrolled();
    const { token } = await signInByLink(user);
    const auth = new pg.Client({ connectionString: process.env.AUTH_DATABASE_URL });
    await auth.connect();
    try {
      expect(
        await pgErrorCode(auth.query("UPDATE sessions SET second_factor_pending = false WHERE session_token = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [token])),
      ).toBe("42501");
      const inserted = await auth.query<{ second_factor_pending: boolean }>(
        "INSERT INTO sessions (session_token, user_id, expires, second_factor_pending) VALUES (encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'), $1, now() + interval '1 day', false) RETURNING second_factor_pending",
        [user.id],
      );
      expect(inserted.rows[0]!.second_factor_pending).toBe(true);
      // Refreshing the expiry, as Auth.js does, still works.
      expect(await pgErrorCode(auth.query("UPDATE sessions SET expires = now() + interval '2 days' WHERE user_id = $1", [user.id]))).toBe("ok");
    } finally {
      await auth.end();
    }
  });

  it("completes with the current code, once: the same code does not complete another sign-in", async () => {
    const { user, secret, clock } = await enrolled();
    const tenant = await createTenantRow();
    await addMember(tenant.id, user.id, "admin");
    const first = await signInByLink(user);
    const second = await signInByLink(user);
    expect(await completeSecondFactor(first.credential, "000000", clock)).toEqual({ ok: false, reason: "wrong_code" });
    expect(await pendingOf(first.token)).toBe(true);
    clock.advance(30);
    const code = await codeAt(secret, clock);
    expect(await completeSecondFactor(first.credential, code, clock)).toEqual({ ok: true });
    expect(await pendingOf(first.token)).toBe(false);
    const entered = await resolveTenantContext(first.credential, tenant.id);
    expect(entered).toMatchObject({ kind: "tenant", userId: user.id, role: "admin" });
    // Replayed on the other session within its window: refused.
    expect(await completeSecondFactor(second.credential, code, clock)).toEqual({ ok: false, reason: "wrong_code" });
    expect(await pendingOf(second.token)).toBe(true);
    // Replayed straight to the database, past the app's own check: refused too.
    const step = Math.floor(clock.now() / 30_000);
    expect((await asApp({}, (c) => c.query("SELECT app_second_factor_accept($1, $2) AS ok", [second.token, step]))).rows[0].ok).toBe(false);
    // A completed session has no more use for the challenge.
    expect(await completeSecondFactor(first.credential, code, clock)).toEqual({ ok: false, reason: "expired" });
  });

  it("completes with a recovery code, each once", async () => {
    const { user, recoveryCodes, clock } = await enrolled();
    const first = await signInByLink(user);
    const second = await signInByLink(user);
    expect(await completeSecondFactor(first.credential, recoveryCodes[0]!, clock)).toEqual({ ok: true });
    expect(await completeSecondFactor(second.credential, recoveryCodes[0]!, clock)).toEqual({ ok: false, reason: "wrong_code" });
    // The database hashes the code itself: a stored hash is no recovery code.
    const { rows } = await owner().query<{ code_hash: string }>("SELECT code_hash FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL LIMIT 1", [
      user.id,
    ]);
    expect((await asApp({}, (c) => c.query("SELECT app_second_factor_recover($1, $2) AS ok", [second.token, rows[0]!.code_hash]))).rows[0].ok).toBe(false);
    expect(await completeSecondFactor(second.credential, recoveryCodes[1]!, clock)).toEqual({ ok: true });
  });

  it("expires 15 minutes after the link was used: the code no longer helps", async () => {
    const { user, secret, clock } = await enrolled();
    const { token, credential } = await signInByLink(user);
    await owner().query(
      "UPDATE sessions SET created_at = now() - interval '16 minutes' WHERE session_token = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
      [token],
    );
    clock.advance(30);
    expect(await awaitingSecondFactor(credential)).toBe(false);
    expect(await completeSecondFactor(credential, await codeAt(secret, clock), clock)).toEqual({ ok: false, reason: "expired" });
    expect(await resolveTenantContext(credential, null)).toEqual({ kind: "signed-out" });
  });
});
