import "server-only";
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { single, sql, type Sql, type Tx } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { withinSecondFactorLimit } from "@/lib/rate-limit";
import { withUser, type Actor, type Credential } from "@/lib/tenancy";

// Two-factor authentication with TOTP (RFC 6238: SHA-1, 6 digits, 30 s).
//
// * The secret is stored sealed: AES-256-GCM under a key derived from
//   AUTH_SECRET (HKDF-SHA-256), so neither the database nor a copy of it
//   holds a usable secret.
// * A code is accepted within one step either side of now (clock drift), and
//   never twice: the last accepted step is kept, and a code of that step or
//   an earlier one is refused (otplib's afterTimeStep, and the database's
//   conditional update, which also settles two concurrent submissions).
// * Ten recovery codes, shown once, stored as their SHA-256 (60 random bits
//   each, so a plain digest is enough), each usable once.
// * Wrong codes are rate-limited per user (secondFactorMissesPerUser).

export const ISSUER = "Tenantry";
export const RECOVERY_CODE_COUNT = 10;
const PERIOD_SECONDS = 30;
/** One step either side: a code typed as it changes, or a phone's clock a little off. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;

/** What time it is, for codes: injected by tests, which never sleep. */
export interface Clock {
  now(): number;
}
const systemClock: Clock = { now: () => Date.now() };

// ---------------------------------------------------------------------------
// Sealing the secret.
// ---------------------------------------------------------------------------

function sealingKey(): Buffer {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set; two-factor secrets are sealed with a key derived from it.");
  return Buffer.from(hkdfSync("sha256", secret, "tenantry", "two-factor secret v1", 32));
}

/** v1.<iv>.<tag>.<ciphertext>, base64url: what user_two_factor.secret_sealed holds (a CHECK insists on the shape). */
export function sealSecret(secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(), iv);
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function openSecret(sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !ciphertext) throw new Error("Not a sealed two-factor secret.");
  const decipher = createDecipheriv("aes-256-gcm", sealingKey(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

// ---------------------------------------------------------------------------
// Codes.
// ---------------------------------------------------------------------------

/** A TOTP code as typed: digits, maybe spaced ("123 456"). */
export function normalizeTotp(input: string): string | null {
  const digits = input.replace(/\s+/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

// Lower-case letters and digits without 0, 1, l, o: nothing to misread.
const RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

/** A recovery code as typed: case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]+/g, "");
  return compact.length === 12 && [...compact].every((c) => RECOVERY_ALPHABET.includes(c)) ? compact : null;
}

/** "abcd-efgh-jkmn": 12 characters of a 32-letter alphabet, 60 random bits. */
function newRecoveryCode(): string {
  const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]!).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/** As the database hashes it too (app_second_factor_recover): SHA-256 of the normalised code. */
export const hashRecoveryCode = (normalized: string) => createHash("sha256").update(normalized, "utf8").digest("hex");

/** The time step a TOTP code is valid for, if it is valid now and later than `after`. */
async function totpStep(secret: string, code: string, after: number | null, clock: Clock): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(clock.now() / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(after === null ? {} : { afterTimeStep: after }),
  });
  // A TOTP result carries the step it matched (the functional API types HOTP's and TOTP's results together).
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

const WRONG_CODE = "That code is not right. Enter the current 6-digit code from your authenticator app, or a recovery code.";

// ---------------------------------------------------------------------------
// For other features: inside a transaction of the user (withUser or
// withTenant with their session), whose policies admit only their own rows.
// ---------------------------------------------------------------------------

interface TwoFactorRow {
  secret_sealed: string;
  enabled_at: Date | null;
  last_used_step: string | null;
}

async function twoFactorRow(tx: Tx, userId: string): Promise<TwoFactorRow | null> {
  return tx.one<TwoFactorRow>(sql`SELECT secret_sealed, enabled_at, last_used_step FROM user_two_factor WHERE user_id = ${userId}::uuid`);
}

/**
 * Whether `user` (an expression) has two-factor enabled, as a boolean
 * expression another statement can hold (the transfer page's). Under the
 * user's own policies: another user's row is never seen, so false.
 */
export function twoFactorEnabled(user: Sql): Sql {
  return sql`EXISTS (SELECT 1 FROM user_two_factor f WHERE f.user_id = ${user} AND f.enabled_at IS NOT NULL)`;
}

/** Whether the user has two-factor enabled. Call inside a transaction entered with that user's session. */
export async function hasTwoFactor(tx: Tx, userId: string): Promise<boolean> {
  return (await tx.one<{ enabled: boolean }>(sql`SELECT ${twoFactorEnabled(sql`${userId}::uuid`)} AS enabled`))?.enabled === true;
}

/**
 * Checks a second factor of the transaction's own user — a current TOTP code
 * (not one accepted before) or an unused recovery code, which is then used
 * up — for a step that asks for it again (ownership transfer, disabling).
 * False when the user has no second factor or the code is wrong; wrong codes
 * are rate-limited (a refusal throws RateLimited). Call inside a transaction
 * entered with that user's session: the policies admit no one else's rows.
 */
export async function verifySecondFactor(tx: Tx, userId: string, code: string, clock: Clock = systemClock): Promise<boolean> {
  return withinSecondFactorLimit(
    userId,
    async () => {
      const row = await twoFactorRow(tx, userId);
      if (!row?.enabled_at) return false;
      const totp = normalizeTotp(code);
      if (totp) {
        const last = row.last_used_step === null ? null : Number(row.last_used_step);
        const step = await totpStep(openSecret(row.secret_sealed), totp, last, clock);
        if (step === null) return false;
        // Conditional: of two requests with the same code, one wins.
        return (
          (await tx.exec(sql`UPDATE user_two_factor SET last_used_step = ${step}
                              WHERE user_id = ${userId}::uuid AND (last_used_step IS NULL OR last_used_step < ${step})`)) === 1
        );
      }
      const recovery = normalizeRecoveryCode(code);
      if (!recovery) return false;
      return (
        (await tx.exec(sql`UPDATE user_recovery_codes SET used_at = now()
                            WHERE user_id = ${userId}::uuid AND code_hash = ${hashRecoveryCode(recovery)} AND used_at IS NULL`)) === 1
      );
    },
    (ok) => ok,
  );
}

// ---------------------------------------------------------------------------
// The profile: enrol, confirm, disable.
// ---------------------------------------------------------------------------

export interface TwoFactorState {
  enabled: boolean;
  /**
   * Enrolment started and not yet confirmed: what the authenticator app needs,
   * and the key's fingerprint, which the confirming form sends back so that a
   * setup started again in another window is told apart from a wrong code.
   */
  enrolment: { secret: string; uri: string; qrDataUrl: string; key: string } | null;
  recoveryCodesLeft: number;
}

/** What the profile needs of the user's second factor, as one row (or none: never enrolled). */
export interface TwoFactorStateRow {
  secret_sealed: string;
  /** Set once enrolment is confirmed (a Date, or its text when read through JSON). */
  enabled_at: Date | string | null;
  recovery_left: number;
}

/**
 * The statement reading that row for `user`; its recovery codes left are
 * counted in it. Under the user's own policies: another user's is no row.
 */
export function twoFactorStateStatement(user: Sql): Sql {
  return sql`SELECT f.secret_sealed, f.enabled_at,
                    (SELECT count(*)::int FROM user_recovery_codes r WHERE r.user_id = f.user_id AND r.used_at IS NULL) AS recovery_left
               FROM user_two_factor f WHERE f.user_id = ${user}`;
}

/** The profile's view of the user's second factor, from its row: an enrolment under way carries what the app needs. */
export async function twoFactorStateFrom(row: TwoFactorStateRow | null, email: string): Promise<TwoFactorState> {
  if (!row) return { enabled: false, enrolment: null, recoveryCodesLeft: 0 };
  if (row.enabled_at) return { enabled: true, enrolment: null, recoveryCodesLeft: row.recovery_left };
  const secret = openSecret(row.secret_sealed);
  const uri = generateURI({ issuer: ISSUER, label: email, secret });
  // Rendered here, offline: the secret never leaves the server but in this page.
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 1, width: 224 });
  return { enabled: false, enrolment: { secret, uri, qrDataUrl, key: enrolmentKey(secret) }, recoveryCodesLeft: 0 };
}

/** Which enrolment a page showed: a fingerprint of its secret (the page shows the secret itself too). */
function enrolmentKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 16);
}

/** The profile's view of the user's second factor (inside their transaction). */
export async function twoFactorState(tx: Tx, user: { id: string; email: string }): Promise<TwoFactorState> {
  return twoFactorStateFrom(await tx.one<TwoFactorStateRow>(twoFactorStateStatement(sql`${user.id}::uuid`)), user.email);
}

/** Starts (or restarts) enrolment: a new secret, sealed, not yet enabled. */
export async function startEnrolment(actor: Pick<Actor, "credential">): Promise<void> {
  await withUser(actor.credential, async (tx, user) => {
    const row = await twoFactorRow(tx, user.id);
    if (row?.enabled_at) throw new DomainError("two_factor_enabled", "Two-factor authentication is already on.");
    const sealed = sealSecret(generateSecret({ length: 20 }));
    await tx.exec(sql`DELETE FROM user_two_factor WHERE user_id = ${user.id}::uuid`);
    await tx.exec(sql`INSERT INTO user_two_factor (user_id, secret_sealed) VALUES (${user.id}::uuid, ${sealed})`);
  });
}

/** Abandons an enrolment that was not confirmed. */
export async function cancelEnrolment(actor: Pick<Actor, "credential">): Promise<void> {
  await withUser(actor.credential, async (tx, user) => {
    await tx.exec(sql`DELETE FROM user_two_factor WHERE user_id = ${user.id}::uuid AND enabled_at IS NULL`);
  });
}

/**
 * Confirms enrolment with a first valid code for the key the page showed
 * (`shownKey`, the enrolment's `key`): two-factor is on from now (the
 * next sign-in asks for it), and ten new recovery codes are returned — the
 * only time they exist in clear.
 */
export async function confirmEnrolment(actor: Pick<Actor, "credential">, code: string, clock: Clock = systemClock, shownKey?: string): Promise<string[]> {
  return withUser(actor.credential, async (tx, user) => {
    const row = await twoFactorRow(tx, user.id);
    if (!row) throw new DomainError("no_enrolment", "Start setting up two-factor authentication first.");
    if (row.enabled_at) throw new DomainError("two_factor_enabled", "Two-factor authentication is already on.");
    // The page showed another key than the one kept: setup was started again since, elsewhere. Its code
    // would only be "not right" (and count as a miss); the page now shows the key that counts.
    if (shownKey !== undefined && shownKey !== enrolmentKey(openSecret(row.secret_sealed))) {
      throw new DomainError(
        "enrolment_replaced",
        "Setup was started again in another window, with a new key: scan the QR code shown here now, or enter its key, and then its code.",
      );
    }
    const totp = normalizeTotp(code);
    if (!totp) throw new DomainError("invalid_code", "Enter the 6-digit code your authenticator app shows.", "code");
    const step = await withinSecondFactorLimit(user.id, () => totpStep(openSecret(row.secret_sealed), totp, null, clock), (s) => s !== null);
    if (step === null) throw new DomainError("invalid_code", "That code is not right. Check the app's clock and enter the current code.", "code");
    await tx.exec(sql`UPDATE user_two_factor SET enabled_at = now(), last_used_step = ${step} WHERE user_id = ${user.id}::uuid`);
    return replaceRecoveryCodes(tx, user.id);
  });
}

async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.exec(sql`DELETE FROM user_recovery_codes WHERE user_id = ${userId}::uuid`);
  await tx.exec(sql`INSERT INTO user_recovery_codes (user_id, code_hash)
                    SELECT ${userId}::uuid, h FROM unnest(${codes.map((c) => hashRecoveryCode(normalizeRecoveryCode(c)!))}::text[]) AS h`);
  return codes;
}

/** New recovery codes for the old ones (all of them, used or not), after a current code. */
export async function regenerateRecoveryCodes(actor: Pick<Actor, "credential">, code: string, clock: Clock = systemClock): Promise<string[]> {
  return withUser(actor.credential, async (tx, user) => {
    if (!(await hasTwoFactor(tx, user.id))) throw new DomainError("two_factor_off", "Two-factor authentication is off.");
    if (!(await verifySecondFactor(tx, user.id, code, clock))) throw new DomainError("invalid_code", WRONG_CODE, "code");
    return replaceRecoveryCodes(tx, user.id);
  });
}

/**
 * Turns two-factor off: needs a current code or a recovery code. A sign-in
 * still awaiting its code is signed out: with no second factor left, no code
 * could complete it (a new sign-in link signs in without one).
 */
export async function disableTwoFactor(actor: Pick<Actor, "credential">, code: string, clock: Clock = systemClock): Promise<void> {
  await withUser(actor.credential, async (tx, user) => {
    if (!(await hasTwoFactor(tx, user.id))) throw new DomainError("two_factor_off", "Two-factor authentication is already off.");
    if (!(await verifySecondFactor(tx, user.id, code, clock))) throw new DomainError("invalid_code", WRONG_CODE, "code");
    await tx.exec(sql`DELETE FROM user_recovery_codes WHERE user_id = ${user.id}::uuid`);
    await tx.exec(sql`DELETE FROM user_two_factor WHERE user_id = ${user.id}::uuid`);
    const token = actor.credential.token;
    await tx.exec(sql`SELECT app_sign_out_sessions(${token}, s.id) FROM app_my_sessions(${token}) s WHERE s.awaiting_second_factor`);
  });
}

// ---------------------------------------------------------------------------
// Sign-in: a session awaiting its second factor. It enters nothing (the
// database refuses it everywhere); these functions, by its token, are its
// only way forward.
// ---------------------------------------------------------------------------

export type SecondFactorOutcome = { ok: true } | { ok: false; reason: "expired" | "wrong_code" };

/**
 * Completes a sign-in with the awaited code: a current TOTP code (never one
 * accepted before) or an unused recovery code (used up). On success the
 * session is a full session from the next request on.
 */
export async function completeSecondFactor(credential: Credential, code: string, clock: Clock = systemClock): Promise<SecondFactorOutcome> {
  const [challenge] = await single<{ user_id: string | null; secret_sealed: string | null; last_used_step: string | null }>(
    sql`SELECT user_id, secret_sealed, last_used_step FROM app_second_factor_challenge(${credential.token})`,
  );
  if (!challenge?.user_id || !challenge.secret_sealed) return { ok: false, reason: "expired" };
  const { user_id: userId, secret_sealed: sealed, last_used_step: lastStep } = challenge;
  const accepted = await withinSecondFactorLimit(
    userId,
    async () => {
      const totp = normalizeTotp(code);
      if (totp) {
        const step = await totpStep(openSecret(sealed), totp, lastStep === null ? null : Number(lastStep), clock);
        if (step === null) return false;
        const [row] = await single<{ ok: boolean }>(sql`SELECT app_second_factor_accept(${credential.token}, ${step}) AS ok`);
        return row?.ok === true;
      }
      const recovery = normalizeRecoveryCode(code);
      if (!recovery) return false;
      const [row] = await single<{ ok: boolean }>(sql`SELECT app_second_factor_recover(${credential.token}, ${recovery}) AS ok`);
      return row?.ok === true;
    },
    (ok) => ok,
  );
  return accepted ? { ok: true } : { ok: false, reason: "wrong_code" };
}

export const SECOND_FACTOR_MESSAGES = {
  expired: "This sign-in has expired. Request a new sign-in link.",
  wrong_code: WRONG_CODE,
} as const;
