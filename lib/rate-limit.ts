import "server-only";
import { createHmac } from "node:crypto";
import ipaddr from "ipaddr.js";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getPool } from "@/lib/db";
import { DomainError } from "@/lib/errors";

export interface RateLimitRule {
  /** Requests allowed in one window. */
  points: number;
  /** The window, in seconds, counted from the first request in it. */
  duration: number;
}

/**
 * Every limit, in one place. The README's "Rate limits" table states the same
 * figures and why each was chosen; lib/rate-limit.test.ts holds them equal.
 */
export const RATE_LIMITS = {
  signInLinkPerAddress: { points: 5, duration: 15 * 60 },
  signInLinkPerIp: { points: 20, duration: 15 * 60 },
  invitationsPerInviter: { points: 30, duration: 60 * 60 },
  invitationsPerWorkspace: { points: 100, duration: 60 * 60 },
  inviteTokenMissesPerIp: { points: 30, duration: 15 * 60 },
  exportsPerUser: { points: 10, duration: 60 * 60 },
  secondFactorMissesPerUser: { points: 10, duration: 15 * 60 },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof RATE_LIMITS;

/**
 * The limits per client network an operator may raise, each by its variable,
 * in requests per window (the window stays RATE_LIMITS's): many people behind
 * one address — an office's NAT, a test suite's browsers on one machine —
 * share one budget.
 */
export const RATE_LIMIT_ENV = {
  signInLinkPerIp: "SIGN_IN_LINK_LIMIT_PER_IP",
  inviteTokenMissesPerIp: "INVITE_TOKEN_MISS_LIMIT_PER_IP",
} as const satisfies Partial<Record<RateLimitName, string>>;

/** The rule in force for `name`: RATE_LIMITS's, with the operator's figure (RATE_LIMIT_ENV) where one is set. */
export function rateLimitRule(name: RateLimitName, env: Record<string, string | undefined> = process.env): RateLimitRule {
  const rule = RATE_LIMITS[name];
  const variable = (RATE_LIMIT_ENV as Partial<Record<RateLimitName, string>>)[name];
  const points = variable ? Number(env[variable]) : NaN;
  return Number.isInteger(points) && points > 0 ? { points, duration: rule.duration } : rule;
}

/** Created by prisma/migrations/…_rate_limits: the app role cannot create tables. */
export const RATE_LIMIT_TABLE = "rate_limits";

/**
 * A limiter whose counts live in Postgres, so every process of the app (and
 * every instance behind a load balancer) shares them. Rows are keyed
 * "<name>:<key>". Nothing is kept in memory: an in-process block would hold
 * in one process and not the next.
 */
export function createRateLimiter(name: string, rule: RateLimitRule, pool: pg.Pool): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: "pool",
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    keyPrefix: name,
    points: rule.points,
    duration: rule.duration,
  });
}

// One limiter per limit and process; a dev server's hot reload would
// otherwise start another cleanup timer per limiter on every reload.
const globalForLimits = globalThis as unknown as { tenantryRateLimiters?: Map<RateLimitName, RateLimiterPostgres> };
function limiter(name: RateLimitName): RateLimiterPostgres {
  const limiters = (globalForLimits.tenantryRateLimiters ??= new Map());
  let found = limiters.get(name);
  if (!found) {
    found = createRateLimiter(name, rateLimitRule(name), getPool());
    limiters.set(name, found);
  }
  return found;
}

/** A request refused by a limit: nothing was sent or changed. The message says when to try again. */
export class RateLimited extends DomainError {
  constructor(
    readonly limit: RateLimitName,
    message: string,
    /** Whole seconds until the limit's window ends (an HTTP Retry-After). */
    readonly retryAfterSeconds: number,
  ) {
    super("rate_limited", message);
    this.name = "RateLimited";
  }
}

/** "12 minutes", "1 minute", "40 seconds": rounded up, so trying again then succeeds. */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} ${seconds === 1 ? "second" : "seconds"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}

interface Charge {
  limit: RateLimitName;
  /** null: this limit does not apply to the request (an unknown client address). */
  key: string | null;
  /** What the refusal says before "Try again in …". */
  refusal: string;
}

/**
 * Takes one point from each limit in turn. A refusal gives back the points
 * already taken for this request, so a refused request costs nothing against
 * the other limits, and throws RateLimited. Returns a refund for a request
 * that turns out not to be what the limit counts.
 */
async function spend(charges: Charge[]): Promise<() => Promise<void>> {
  const taken: Array<{ limiter: RateLimiterPostgres; key: string }> = [];
  const refund = async () => {
    await Promise.all(taken.map(({ limiter, key }) => limiter.reward(key, 1)));
  };
  for (const charge of charges) {
    if (charge.key === null) continue;
    const chosen = limiter(charge.limit);
    try {
      await chosen.consume(charge.key, 1);
    } catch (error) {
      await refund();
      // The library rejects with its result object when the limit is reached, and with an Error when the store fails.
      if (error instanceof RateLimiterRes) {
        throw new RateLimited(charge.limit, `${charge.refusal} Try again in ${waitText(error.msBeforeNext)}.`, Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      }
      throw error;
    }
    taken.push({ limiter: chosen, key: charge.key });
  }
  return refund;
}

// Addresses and client addresses are personal data, and the app role reads
// this table without any session: keys carry them only as a digest keyed by
// the app's secret, so the table lists no one and cannot be matched against a
// list of addresses without that secret.
function digest(kind: string, value: string): string {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set; rate-limit keys are digests keyed by it.");
  return createHmac("sha256", secret).update(`rate-limit\0${kind}\0${value}`).digest("base64url");
}

/** An email address as Auth.js stores and sends to it: trimmed, lower-cased. */
export function addressKey(email: string): string {
  return digest("email", email.trim().toLowerCase());
}

/**
 * A client address, or null when the request's address is unknown (plain
 * `next start`, or no parsable address): then a per-IP limit does not apply,
 * since one shared bucket for every unknown client would let one of them
 * lock all the others out. IPv6 counts per /64, the block one subscriber
 * gets: a single host can choose among 2^64 addresses in it.
 */
export function ipKey(ip: string | null | undefined): string | null {
  if (!ip) return null;
  let network = ip;
  try {
    let parsed = ipaddr.parse(ip);
    if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    if (parsed.kind() === "ipv6") {
      network = `${(parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(":")}::/64`;
    } else {
      network = parsed.toString();
    }
  } catch {
    // Not an address after all: counted as the text it is.
  }
  return digest("ip", network);
}

/**
 * Before a sign-in link is sent to `email`. Counted for every request,
 * whether or not the address has an account (or an active one), so a refusal
 * says nothing about accounts.
 */
export async function limitSignInLink(email: string, ip: string | null): Promise<void> {
  await spend([
    { limit: "signInLinkPerAddress", key: addressKey(email), refusal: "Too many sign-in links were requested for this address." },
    { limit: "signInLinkPerIp", key: ipKey(ip), refusal: "Too many sign-in links were requested from your network." },
  ]);
}

/**
 * Runs `send` (an invitation or a resend, which emails someone) within the
 * inviter's and the workspace's limits. A refusal by the domain's own rules
 * (already a member, not pending…) sends nothing, so it is not counted.
 */
export async function withinInvitationLimits<T>(actor: { userId: string; tenantId: string }, send: () => Promise<T>): Promise<T> {
  const refund = await spend([
    { limit: "invitationsPerInviter", key: actor.userId, refusal: "You have sent too many invitations recently." },
    { limit: "invitationsPerWorkspace", key: actor.tenantId, refusal: "This workspace has sent too many invitations recently." },
  ]);
  try {
    return await send();
  } catch (error) {
    if (error instanceof DomainError) await refund();
    throw error;
  }
}

/** A link's outcome that means its token matched no invitation: what guessing produces. */
function tokenMissed(outcome: { ok: boolean; reason?: string }): boolean {
  return !outcome.ok && (outcome.reason === "not_found" || outcome.reason === "invalid");
}

/**
 * Runs `attempt` (a look-up of an invitation by its token) within the client
 * address's limit on tokens that match nothing. The point is taken before the
 * look-up and given back when the token matched an invitation (used, expired
 * or not): concurrent guesses cannot overshoot the limit, and someone opening
 * their own link again and again is never counted.
 */
export async function withinInviteTokenLimit<T extends { ok: boolean; reason?: string }>(ip: string | null, attempt: () => Promise<T>): Promise<T> {
  const refund = await spend([
    { limit: "inviteTokenMissesPerIp", key: ipKey(ip), refusal: "Too many invitation links that match no invitation were opened from your network." },
  ]);
  let outcome: T;
  try {
    outcome = await attempt();
  } catch (error) {
    await refund();
    throw error;
  }
  if (!tokenMissed(outcome)) await refund();
  return outcome;
}

/** Before an audit log export starts: each one reads the workspace's whole filtered log. */
export async function limitAuditExport(userId: string): Promise<void> {
  await spend([{ limit: "exportsPerUser", key: userId, refusal: "You have started too many audit log exports recently." }]);
}

/**
 * Runs `attempt` (checking a second-factor code or recovery code of `userId`)
 * within the user's limit on wrong codes. The point is taken before the
 * check, so concurrent guesses cannot overshoot, and given back when the code
 * was right: only misses count.
 */
export async function withinSecondFactorLimit<T>(userId: string, attempt: () => Promise<T>, accepted: (outcome: T) => boolean): Promise<T> {
  const refund = await spend([
    { limit: "secondFactorMissesPerUser", key: userId, refusal: "Too many wrong codes were entered for this account." },
  ]);
  let outcome: T;
  try {
    outcome = await attempt();
  } catch (error) {
    await refund();
    throw error;
  }
  if (accepted(outcome)) await refund();
  return outcome;
}
