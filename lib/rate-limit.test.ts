// Rate limits against the real database, as the app role: the figures are
// the README's, each limit refuses the request after its last allowed one
// with when to retry, counts per key, and holds across processes (separate
// pools) and under concurrency. Windows are never waited out: a refusal's
// retry time is read, and a window is ended by moving its expiry.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { RateLimiterRes } from "rate-limiter-flexible";
import { afterAll, describe, expect, it } from "vitest";
import {
  addressKey,
  createRateLimiter,
  ipKey,
  limitAuditExport,
  limitSignInLink,
  rateLimitRule,
  RATE_LIMITS,
  RateLimited,
  waitText,
  type RateLimitName,
} from "@/lib/rate-limit";
import { createUser, owner, unique, uniqueEmail, uniqueIp } from "@/test/fixtures";

// Pools of the app role of their own, as two processes of the app would have.
const pools: pg.Pool[] = [];
function appProcessPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: process.env.APP_DATABASE_URL, max: 10 });
  pools.push(pool);
  return pool;
}
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
});

const uniqueIpv6 = () => `2001:db8:${randomBytes(2).toString("hex")}:${randomBytes(2).toString("hex")}::1`;

/** What a promise rejected with: the RateLimited refusal, "ok", or the unexpected error rethrown. */
async function refusal(promise: Promise<unknown>): Promise<RateLimited | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof RateLimited) return error;
    throw error;
  }
}

async function times(n: number, call: () => Promise<unknown>) {
  for (let i = 0; i < n; i++) await call();
}

describe("the figures", () => {
  it("are the ones the README's table states", () => {
    const readme = readFileSync(path.join(import.meta.dirname, "..", "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `(\w+)` \|[^|]*\| (\d+) per (\d+ )?(minutes|hour) \|/gm)].map((m) => ({
      name: m[1],
      points: Number(m[2]),
      duration: Number(m[3] ?? 1) * (m[4] === "hour" ? 3600 : 60),
    }));
    const configured = Object.entries(RATE_LIMITS).map(([name, rule]) => ({ name, points: rule.points, duration: rule.duration }));
    expect(rows).toEqual(configured);
  });

  it("are the ones the product promises", () => {
    expect(RATE_LIMITS).toEqual({
      signInLinkPerAddress: { points: 5, duration: 900 },
      signInLinkPerIp: { points: 20, duration: 900 },
      invitationsPerInviter: { points: 30, duration: 3600 },
      invitationsPerWorkspace: { points: 100, duration: 3600 },
      inviteTokenMissesPerIp: { points: 30, duration: 900 },
      exportsPerUser: { points: 10, duration: 3600 },
      secondFactorMissesPerUser: { points: 10, duration: 900 },
    });
  });

  it("per client network, take an operator's figure from the environment, in the same window; every other limit stays as it is", () => {
    const env = { SIGN_IN_LINK_LIMIT_PER_IP: "500", INVITE_TOKEN_MISS_LIMIT_PER_IP: "750" };
    expect(rateLimitRule("signInLinkPerIp", env)).toEqual({ points: 500, duration: 900 });
    expect(rateLimitRule("inviteTokenMissesPerIp", env)).toEqual({ points: 750, duration: 900 });
    expect(rateLimitRule("signInLinkPerAddress", { ...env, SIGN_IN_LINK_LIMIT_PER_ADDRESS: "500" })).toEqual(RATE_LIMITS.signInLinkPerAddress);
    for (const junk of ["", "0", "-5", "2.5", "many"]) expect(rateLimitRule("signInLinkPerIp", { SIGN_IN_LINK_LIMIT_PER_IP: junk })).toEqual(RATE_LIMITS.signInLinkPerIp);
    expect(rateLimitRule("inviteTokenMissesPerIp", {})).toEqual(RATE_LIMITS.inviteTokenMissesPerIp);
  });

  it("say when to retry, rounded up", () => {
    expect(waitText(1)).toBe("1 second");
    expect(waitText(40_000)).toBe("40 seconds");
    expect(waitText(60_000)).toBe("1 minute");
    expect(waitText(11 * 60_000 + 1)).toBe("12 minutes");
    expect(waitText(3_600_000)).toBe("60 minutes");
  });
});

describe("the Postgres store", () => {
  it("shares one count between two processes: the request after the last allowed one is refused in either", async () => {
    const name = `test-shared-${unique()}`;
    const first = createRateLimiter(name, { points: 3, duration: 600 }, appProcessPool());
    const second = createRateLimiter(name, { points: 3, duration: 600 }, appProcessPool());
    expect((await first.consume("k")).remainingPoints).toBe(2);
    expect((await second.consume("k")).remainingPoints).toBe(1);
    expect((await first.consume("k")).remainingPoints).toBe(0);
    const refused = await second.consume("k").then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect((refused as RateLimiterRes).msBeforeNext).toBeGreaterThan(0);
    expect((refused as RateLimiterRes).msBeforeNext).toBeLessThanOrEqual(600_000);
    // Another key of the same limit is untouched.
    expect((await first.consume("other")).remainingPoints).toBe(2);
  });

  it("lets exactly the limit through when 20 requests from two processes arrive at once", async () => {
    const name = `test-burst-${unique()}`;
    const limiters = [appProcessPool(), appProcessPool()].map((pool) => createRateLimiter(name, { points: 5, duration: 600 }, pool));
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => limiters[i % 2]!.consume("k")));
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(5);
    for (const s of settled.filter((s) => s.status === "rejected")) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(RateLimiterRes);
  });

  it("starts a key over once its window has passed", async () => {
    const name = `test-window-${unique()}`;
    const limiter = createRateLimiter(name, { points: 1, duration: 600 }, appProcessPool());
    await limiter.consume("k");
    await expect(limiter.consume("k")).rejects.toBeInstanceOf(RateLimiterRes);
    await owner().query("UPDATE rate_limits SET expire = $2 WHERE key = $1", [`${name}:k`, Date.now() - 1]);
    expect((await limiter.consume("k")).consumedPoints).toBe(1);
  });

  it("gives the app role only what the library's statements use", async () => {
    const table = await owner().query<{ privilege_type: string }>(
      `SELECT privilege_type FROM information_schema.role_table_grants
        WHERE grantee = 'tenantry_app' AND table_name = 'rate_limits' ORDER BY privilege_type`,
    );
    expect(table.rows.map((r) => r.privilege_type)).toEqual(["DELETE", "INSERT", "SELECT"]);
    const updatable = await owner().query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.column_privileges
        WHERE grantee = 'tenantry_app' AND table_name = 'rate_limits' AND privilege_type = 'UPDATE' ORDER BY column_name`,
    );
    expect(updatable.rows.map((r) => r.column_name)).toEqual(["expire", "points"]);
  });

  it("keeps no address and no client address in its keys", async () => {
    const email = uniqueEmail("secret");
    const ip = uniqueIp();
    await limitSignInLink(email, ip);
    const { rows } = await owner().query<{ key: string }>("SELECT key FROM rate_limits WHERE key = ANY($1)", [
      [`signInLinkPerAddress:${addressKey(email)}`, `signInLinkPerIp:${ipKey(ip)}`],
    ]);
    expect(rows).toHaveLength(2);
    const all = await owner().query<{ key: string }>("SELECT key FROM rate_limits WHERE key LIKE $1 OR key LIKE $2", [
      `%${email.split("@")[0]}%`,
      `%${ip}%`,
    ]);
    expect(all.rows).toEqual([]);
  });
});

describe("sign-in links", () => {
  const expectRefusal = (result: RateLimited | "ok", limit: RateLimitName, sentence: string, windowSeconds: number) => {
    expect(result).toBeInstanceOf(RateLimited);
    const refused = result as RateLimited;
    expect(refused.limit).toBe(limit);
    expect(refused.message).toMatch(new RegExp(`^${sentence.replaceAll(".", "\\.")} Try again in \\d+ (minutes?|seconds?)\\.$`));
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(windowSeconds);
  };

  it("refuses a sixth link for one address within 15 minutes, with the same answer whether it has an account, an inactive one or none", async () => {
    const active = await createUser();
    const inactive = await createUser({ active: false });
    const messages: string[] = [];
    for (const email of [active.email, inactive.email, uniqueEmail("nobody")]) {
      await times(5, () => limitSignInLink(email, uniqueIp()));
      const sixth = await refusal(limitSignInLink(email, uniqueIp()));
      expectRefusal(sixth, "signInLinkPerAddress", "Too many sign-in links were requested for this address.", 900);
      messages.push((sixth as RateLimited).message.replace(/\d+ (minutes?|seconds?)/, "N"));
    }
    expect(new Set(messages).size).toBe(1);
  });

  it("counts an address however it is typed, and each address on its own", async () => {
    const email = uniqueEmail("cased");
    await times(5, () => limitSignInLink(email, null));
    expect(await refusal(limitSignInLink(`  ${email.toUpperCase()} `, null))).toBeInstanceOf(RateLimited);
    expect(await refusal(limitSignInLink(uniqueEmail("other"), null))).toBe("ok");
  });

  it("refuses a 21st link from one client address within 15 minutes, and the refused request costs its address nothing", async () => {
    const ip = uniqueIp();
    await times(20, () => limitSignInLink(uniqueEmail("spray"), ip));
    const email = uniqueEmail("twenty-first");
    const refused = await refusal(limitSignInLink(email, ip));
    expectRefusal(refused, "signInLinkPerIp", "Too many sign-in links were requested from your network.", 900);
    // From elsewhere, that address still has all five of its links.
    await times(5, () => limitSignInLink(email, uniqueIp()));
    expect(await refusal(limitSignInLink(email, uniqueIp()))).toBeInstanceOf(RateLimited);
    // And another client address is unaffected by the first one's refusals.
    expect(await refusal(limitSignInLink(uniqueEmail("elsewhere"), uniqueIp()))).toBe("ok");
  });

  it("counts IPv6 clients per /64, and an IPv4-mapped address as its IPv4 address", async () => {
    expect(ipKey("2001:db8:1:2::1")).toBe(ipKey("2001:db8:1:2:ffff:ffff:ffff:fffe"));
    expect(ipKey("2001:db8:1:2::1")).not.toBe(ipKey("2001:db8:1:3::1"));
    expect(ipKey("::ffff:203.0.113.9")).toBe(ipKey("203.0.113.9"));
    expect(ipKey(null)).toBeNull();

    const network = uniqueIpv6();
    const prefix = network.replace(/::1$/, "");
    await times(20, () => limitSignInLink(uniqueEmail("v6"), `${prefix}:${unique().slice(0, 4)}:0:0:1`));
    expect(await refusal(limitSignInLink(uniqueEmail("v6"), `${prefix}::abcd`))).toBeInstanceOf(RateLimited);
  });

  it("without a known client address, still limits the address", async () => {
    const email = uniqueEmail("no-ip");
    await times(5, () => limitSignInLink(email, null));
    expectRefusal(await refusal(limitSignInLink(email, null)), "signInLinkPerAddress", "Too many sign-in links were requested for this address.", 900);
  });

  it("lets exactly five of 20 simultaneous requests for one address through", async () => {
    const email = uniqueEmail("burst");
    const results = await Promise.all(Array.from({ length: 20 }, () => refusal(limitSignInLink(email, uniqueIp()))));
    expect(results.filter((r) => r === "ok")).toHaveLength(5);
    for (const r of results.filter((r) => r !== "ok")) expect((r as RateLimited).limit).toBe("signInLinkPerAddress");
  });
});

describe("audit log exports", () => {
  it("refuses an 11th export by one user within an hour, and not another user's", async () => {
    const user = await createUser();
    await times(10, () => limitAuditExport(user.id));
    const refused = await refusal(limitAuditExport(user.id));
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).message).toMatch(/^You have started too many audit log exports recently\. Try again in (60|59) minutes\.$/);
    expect((refused as RateLimited).retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(await refusal(limitAuditExport((await createUser()).id))).toBe("ok");
  });
});
