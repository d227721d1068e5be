// Signing in by link from a browser that still sends the cookie of a session
// the database has ended (signed out from another device, the user
// deactivated and reactivated, two-factor turned off). Auth.js deletes the
// session of that cookie before it signs the browser in; a session already
// gone must not turn the sign-in into "Configuration", link after link.
import { createHash } from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { tenantryAdapter } from "@/lib/auth";
import { SOCKET_ADDRESS_HEADER } from "@/lib/http/client-address";
import { authCsrf } from "@/test/auth-route";
import { createSession, createUser, emailsTo, owner, uniqueIp } from "@/test/fixtures";

const AUTH_BASE = process.env.AUTH_URL ?? "http://localhost:3000";
const SESSION_COOKIE = "authjs.session-token";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const sessionExists = async (token: string) =>
  (await owner().query<{ n: number }>("SELECT count(*)::int AS n FROM sessions WHERE session_token = $1", [sha256(token)])).rows[0]!.n === 1;

/** The set-cookie value the response gives the cookie, if any. */
const cookieSet = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/** Asks for a sign-in link from a browser sending `cookie`, and returns the link the email carries. */
async function requestLink(email: string, cookie: string): Promise<URL> {
  const ip = uniqueIp();
  const { csrfToken, cookie: csrfCookie } = await authCsrf(AUTH_BASE);
  const before = (await emailsTo(email, 0, 0)).length;
  const sent = await POST(
    new NextRequest(`${AUTH_BASE}/api/auth/signin/email`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${csrfCookie}; ${cookie}`, [SOCKET_ADDRESS_HEADER]: ip },
      body: new URLSearchParams({ email, csrfToken, callbackUrl: "/app" }).toString(),
    }),
  );
  expect(sent.status).toBe(302);
  expect(sent.headers.get("location")).toContain("/api/auth/verify-request");
  const emails = await emailsTo(email, before + 1);
  const text = emails.at(-1)!.text;
  const link = text.match(/https?:\/\/[^\s"<>]+\/api\/auth\/callback\/email\?[^\s"<>]+/)?.[0];
  expect(link).toBeDefined();
  return new URL(link!);
}

/** Opens the link in a browser sending `cookie`: where it is sent, and the session cookie it is given. */
async function openLink(link: URL, cookie: string) {
  const response = await GET(new NextRequest(link, { headers: { cookie, "user-agent": "vitest", [SOCKET_ADDRESS_HEADER]: uniqueIp() } }));
  return { status: response.status, location: response.headers.get("location") ?? "", session: cookieSet(response, SESSION_COOKIE) };
}

describe("signing in by link with the cookie of a session that has ended", () => {
  it("after another device signed this one out: signs in with a new session, and again with the next link", async () => {
    const user = await createUser();
    const other = await createSession(user.id);
    // The first device (user.sessionToken) signs out every other session, as the profile does.
    await owner().query("SELECT app_sign_out_sessions($1, NULL)", [user.sessionToken]);
    expect(await sessionExists(other)).toBe(false);
    const stale = `${SESSION_COOKIE}=${other}`;

    const first = await openLink(await requestLink(user.email, stale), stale);
    expect(first.location).not.toContain("/sign-in/error");
    expect(first.status).toBe(302);
    expect(new URL(first.location, AUTH_BASE).pathname).toBe("/app");
    expect(first.session).toBeTruthy();
    expect(first.session).not.toBe(other);
    expect(await sessionExists(first.session!)).toBe(true);

    // The same browser, later, with the old cookie once more (say a second tab): no different.
    const second = await openLink(await requestLink(user.email, stale), stale);
    expect(second.location).not.toContain("/sign-in/error");
    expect(second.session).toBeTruthy();
    expect(await sessionExists(second.session!)).toBe(true);
    // The first device is still signed in.
    expect(await sessionExists(user.sessionToken)).toBe(true);
  });

  it("after the user was deactivated and reactivated (every session ended by the database)", async () => {
    const user = await createUser();
    await owner().query("UPDATE users SET active = false WHERE id = $1", [user.id]);
    await owner().query("UPDATE users SET active = true WHERE id = $1", [user.id]);
    expect(await sessionExists(user.sessionToken)).toBe(false);
    const stale = `${SESSION_COOKIE}=${user.sessionToken}`;

    const done = await openLink(await requestLink(user.email, stale), stale);
    expect(done.location).not.toContain("/sign-in/error");
    expect(new URL(done.location, AUTH_BASE).pathname).toBe("/app");
    expect(await sessionExists(done.session!)).toBe(true);
  });

  it("the adapter's deleteSession takes a session already gone as done", async () => {
    const adapter = tenantryAdapter();
    const user = await createUser();
    await owner().query("DELETE FROM sessions WHERE user_id = $1", [user.id]);
    await expect(adapter.deleteSession!(user.sessionToken)).resolves.toBeNull();
    // A live one is still deleted.
    const live = await createSession(user.id);
    await adapter.deleteSession!(live);
    expect(await sessionExists(live)).toBe(false);
  });
});
