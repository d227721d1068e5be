// The sign-in link's email, reached as anyone can reach it: Auth.js's own
// route, CSRF token and all. Where the link leads and whom it goes to are the
// app's to decide, not the request's: not its Host header, not a second
// `email` field the limits never read.
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { POST } from "@/app/api/auth/[...nextauth]/route";
import { SOCKET_ADDRESS_HEADER } from "@/lib/http/client-address";
import { appBaseUrl } from "@/lib/urls";
import { authCsrf } from "@/test/auth-route";
import { emailsTo, owner, uniqueEmail, uniqueIp } from "@/test/fixtures";

const savedAuthUrl = process.env.AUTH_URL;
afterEach(() => {
  process.env.AUTH_URL = savedAuthUrl;
});

async function requestLink(origin: string, body: (csrfToken: string) => URLSearchParams, headers: Record<string, string> = {}): Promise<Response> {
  const { csrfToken, cookie } = await authCsrf(origin);
  return POST(
    new NextRequest(`${origin}/api/auth/signin/email`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, [SOCKET_ADDRESS_HEADER]: uniqueIp(), ...headers },
      body: body(csrfToken).toString(),
    }),
  );
}

const storedTokens = async (email: string) =>
  (await owner().query<{ n: number }>("SELECT count(*)::int AS n FROM verification_tokens WHERE identifier = $1", [email])).rows[0]!.n;

describe("the sign-in link's email", () => {
  it("links to the app's own origin, whatever Host the request named", async () => {
    // An installation without AUTH_URL: Auth.js builds its URLs from the request's Host (or X-Forwarded-Host).
    delete process.env.AUTH_URL;
    const victim = uniqueEmail("host");
    const sent = await requestLink(
      "http://attacker.example",
      (csrfToken) => new URLSearchParams({ email: victim, csrfToken, callbackUrl: "/app" }),
      { host: "attacker.example", "x-forwarded-host": "attacker.example" },
    );
    expect(sent.status).toBe(302);
    const [email] = await emailsTo(victim);
    expect(email).toBeDefined();
    const links = [...email!.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(new URL(link.replaceAll("&amp;", "&")).origin).toBe(new URL(appBaseUrl()).origin);
    expect(email!.html).not.toContain("attacker.example");
    expect(email!.text).not.toContain("attacker.example");
  });

  it("refuses a request naming two addresses, of which the limits would read one and Auth.js another", async () => {
    const decoy = uniqueEmail("decoy");
    const victim = uniqueEmail("victim");
    const attacker = uniqueEmail("attacker");
    for (const last of [victim, `${attacker}, ${victim}`]) {
      const response = await requestLink(AUTH_BASE, (csrfToken) => {
        const body = new URLSearchParams({ email: decoy, csrfToken, callbackUrl: "/app" });
        body.append("email", last);
        return body;
      });
      expect(response.status, last).toBe(400);
    }
    expect(await emailsTo(victim, 0)).toEqual([]);
    expect(await emailsTo(attacker, 0)).toEqual([]);
    expect(await storedTokens(victim)).toBe(0);
  });
});

const AUTH_BASE = process.env.AUTH_URL ?? "http://localhost:3000";
