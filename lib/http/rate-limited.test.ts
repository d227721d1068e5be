// The limits in their HTTP shape: Auth.js's own sign-in route, called as a
// script would call it (CSRF token and all), sends five links to an address
// and then answers 429 with Retry-After, sending and storing nothing more;
// an export refusal is a 429 with Retry-After. Real Auth.js, real database,
// real mail catcher.
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/auth/[...nextauth]/route";
import { SOCKET_ADDRESS_HEADER } from "@/lib/http/client-address";
import { refusedByLimit } from "@/lib/http/rate-limited";
import { limitAuditExport } from "@/lib/rate-limit";
import { authCsrf } from "@/test/auth-route";
import { createUser, emailsTo, owner, uniqueEmail, uniqueIp } from "@/test/fixtures";

const BASE = process.env.AUTH_URL ?? "http://localhost:3000";

async function requestLink(email: string, ip: string, path = "/api/auth/signin/email"): Promise<Response> {
  const { csrfToken, cookie } = await authCsrf(BASE);
  return POST(
    new NextRequest(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, [SOCKET_ADDRESS_HEADER]: ip },
      body: new URLSearchParams({ email, csrfToken, callbackUrl: "/app" }).toString(),
    }),
  );
}

const storedTokens = async (email: string) =>
  (await owner().query<{ n: number }>("SELECT count(*)::int AS n FROM verification_tokens WHERE identifier = $1", [email])).rows[0]!.n;

describe("Auth.js's sign-in route", () => {
  it("sends five links to an address, then answers 429 with Retry-After and sends and stores nothing", async () => {
    const email = uniqueEmail("route");
    for (let i = 0; i < 5; i++) {
      const sent = await requestLink(email, uniqueIp());
      expect(sent.status).toBe(302);
      expect(sent.headers.get("location")).toContain("/api/auth/verify-request");
    }
    expect(await emailsTo(email, 5)).toHaveLength(5);

    // Another spelling of the path reaches the same provider, and the same limit.
    const refused = await requestLink(email, uniqueIp(), "/api/auth/signin//email/");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(await refused.text()).toMatch(/^Too many sign-in links were requested for this address\. Try again in \d+ minutes\.\n$/);
    expect(refused.headers.get("cache-control")).toBe("no-store");

    // The refused request finished before we looked: had it sent anything, the catcher would hold it.
    expect(await emailsTo(email, 5)).toHaveLength(5);
    expect(await storedTokens(email)).toBe(5);
  });

  it("answers a deactivated account's address exactly as an unknown one's once over the limit", async () => {
    const inactive = await createUser({ active: false });
    const unknown = uniqueEmail("nobody");
    const answers: Array<{ status: number; body: string }> = [];
    for (const email of [inactive.email, unknown]) {
      for (let i = 0; i < 5; i++) expect((await requestLink(email, uniqueIp())).status).toBe(302);
      const refused = await requestLink(email, uniqueIp());
      answers.push({ status: refused.status, body: (await refused.text()).replace(/\d+ minutes?/, "N") });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]!.status).toBe(429);
  });

  it("refuses with 400, sending nothing, anything that is not one email address", async () => {
    const victim = uniqueEmail("victim");
    for (const email of [`attacker@example.test, ${victim}`, "", "not-an-address"]) {
      const response = await requestLink(email, uniqueIp());
      expect(response.status, email).toBe(400);
    }
    expect(await emailsTo(victim, 0)).toEqual([]);
  });

  it("limits one client address across many email addresses", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 20; i++) expect((await requestLink(uniqueEmail("spray"), ip)).status).toBe(302);
    const refused = await requestLink(uniqueEmail("spray"), ip);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/^Too many sign-in links were requested from your network\./);
    expect((await requestLink(uniqueEmail("spray"), uniqueIp())).status).toBe(302);
  });
});

describe("a route's refusal", () => {
  it("is a 429 with Retry-After in seconds and the sentence saying when", async () => {
    const user = await createUser();
    for (let i = 0; i < 10; i++) expect(await refusedByLimit(limitAuditExport(user.id))).toBeNull();
    const refused = await refusedByLimit(limitAuditExport(user.id));
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(3500);
    expect(Number(refused?.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
    expect(refused?.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await refused?.text()).toMatch(/^You have started too many audit log exports recently\. Try again in (59|60) minutes\.\n$/);
  });
});
