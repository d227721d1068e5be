import "server-only";
import { createHmac } from "node:crypto";
import { RateLimiterRes, type RateLimiterPostgres } from "rate-limiter-flexible";
import { getPool } from "@/lib/db";
import { createRateLimiter, ipKey, type RateLimitRule } from "@/lib/rate-limit";

/**
 * The REST API's limits, per API key and per client address, on the same
 * Postgres-backed limiter as every other limit (lib/rate-limit.ts). A script
 * paging through members or the audit log makes a few requests a second;
 * 300 a minute per key leaves room for that and stops a runaway loop. Per
 * address, 600 a minute: a CI runner's several keys, and a bound on guessing.
 */
export const API_RATE_LIMITS = {
  apiPerKey: { points: 300, duration: 60 },
  apiPerIp: { points: 600, duration: 60 },
} satisfies Record<string, RateLimitRule>;
type ApiLimit = keyof typeof API_RATE_LIMITS;

const globalForApiLimits = globalThis as unknown as { tenantryApiLimiters?: Map<string, RateLimiterPostgres> };

/** An operator's figures per minute (API_RATE_LIMIT_PER_KEY, API_RATE_LIMIT_PER_IP), else the defaults. */
function fromEnv(env: Record<string, string | undefined> = process.env): Record<ApiLimit, RateLimitRule> {
  const perMinute = (value: string | undefined, fallback: RateLimitRule) => {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? { points: n, duration: 60 } : fallback;
  };
  return {
    apiPerKey: perMinute(env.API_RATE_LIMIT_PER_KEY, API_RATE_LIMITS.apiPerKey),
    apiPerIp: perMinute(env.API_RATE_LIMIT_PER_IP, API_RATE_LIMITS.apiPerIp),
  };
}
let rules: Record<ApiLimit, RateLimitRule> = fromEnv();

/** Other figures (an operator's, or a test's small ones); limiters are made afresh with them. */
export function configureApiRateLimits(next: Partial<Record<ApiLimit, RateLimitRule>>, prefix = ""): void {
  rules = { ...fromEnv(), ...next };
  globalForApiLimits.tenantryApiLimiters = new Map();
  namePrefix = prefix;
}
let namePrefix = "";

function limiter(name: ApiLimit): RateLimiterPostgres {
  const limiters = (globalForApiLimits.tenantryApiLimiters ??= new Map());
  let found = limiters.get(name);
  if (!found) {
    found = createRateLimiter(`${namePrefix}${name}`, rules[name], getPool());
    limiters.set(name, found);
  }
  return found;
}

/** A key as the limiter's table holds it: a digest keyed by the app's secret, never the key. */
function keyDigest(apiKey: string): string {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set; rate-limit keys are digests keyed by it.");
  return createHmac("sha256", secret).update(`rate-limit\0api-key\0${apiKey}`).digest("base64url");
}

export interface RateState {
  limit: number;
  remaining: number;
  /** Seconds until the window ends. */
  reset: number;
}

/** The IETF RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers), and Retry-After when refused. */
export function rateLimitHeaders(state: RateState | null, refused = false): Record<string, string> {
  if (!state) return {};
  return {
    "RateLimit-Limit": String(state.limit),
    "RateLimit-Remaining": String(Math.max(0, state.remaining)),
    "RateLimit-Reset": String(state.reset),
    ...(refused ? { "Retry-After": String(state.reset) } : {}),
  };
}

export class ApiRateLimited extends Error {
  constructor(
    readonly state: RateState,
    readonly which: "key" | "address",
  ) {
    super(`Too many requests from this ${which === "key" ? "API key" : "client address"}. Try again in ${state.reset} seconds.`);
    this.name = "ApiRateLimited";
  }
}

async function take(name: ApiLimit, key: string, which: "key" | "address"): Promise<RateState> {
  const rule = rules[name];
  try {
    const res = await limiter(name).consume(key, 1);
    return { limit: rule.points, remaining: res.remainingPoints, reset: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      throw new ApiRateLimited({ limit: rule.points, remaining: 0, reset: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) }, which);
    }
    throw error;
  }
}

const tighter = (a: RateState | null, b: RateState | null) => (!a ? b : !b ? a : a.remaining / a.limit <= b.remaining / b.limit ? a : b);

/** One point from the client address's limit (when the address is known); throws ApiRateLimited. */
export async function limitAddress(ip: string | null): Promise<RateState | null> {
  const key = ipKey(ip);
  return key ? take("apiPerIp", key, "address") : null;
}

/** One point from the key's limit; the state reported is the tighter of the two. */
export async function limitKey(apiKey: string, byAddress: RateState | null): Promise<RateState | null> {
  return tighter(byAddress, await take("apiPerKey", keyDigest(apiKey), "key"));
}
