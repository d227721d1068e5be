// Signing in with GitHub, end to end: Auth.js's own route (CSRF token, the
// redirect to GitHub with its PKCE challenge, the callback with the code and
// the cookies), against a local stand-in for a GitHub Enterprise host
// (AUTH_GITHUB_ENTERPRISE_URL) that implements the endpoints the provider
// calls. Only an address GitHub says is verified — the account's primary one —
// may name the Tenantry account.
import { createHash, randomBytes, randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUser, owner, unique, uniqueEmail } from "@/test/fixtures";

const CLIENT_ID = "tenantry-test-client";
const CLIENT_SECRET = "tenantry-test-secret";
const AUTH_BASE = process.env.AUTH_URL ?? "http://localhost:3000";

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility: "public" | "private" | null;
}

interface GitHubAccount {
  id: number;
  login: string;
  name: string | null;
  /** The profile's public email (GitHub's `GET /user`), or null when none is public. */
  email: string | null;
  /** `GET /user/emails`; null answers 403, as for a token without the user:email scope. */
  emails: GitHubEmail[] | null;
}

/** A GitHub Enterprise host with the four endpoints the provider calls, checking what GitHub checks. */
class FakeGitHub {
  private server: Server = createServer((req, res) => void this.handle(req, res));
  private codes = new Map<string, { account: GitHubAccount; challenge: string; redirectUri: string }>();
  private tokens = new Map<string, GitHubAccount>();
  /** The account whose owner approves the next authorization. */
  signingIn: GitHubAccount | null = null;
  baseUrl = "";

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, this.baseUrl);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    const bearer = () => this.tokens.get((req.headers.authorization ?? "").replace(/^Bearer /i, ""));

    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      const q = url.searchParams;
      const account = this.signingIn;
      if (!account || q.get("client_id") !== CLIENT_ID || q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256") {
        return json(400, { error: "bad authorization request" });
      }
      const code = randomBytes(10).toString("hex");
      this.codes.set(code, { account, challenge: q.get("code_challenge")!, redirectUri: q.get("redirect_uri")! });
      const back = new URL(q.get("redirect_uri")!);
      back.searchParams.set("code", code);
      if (q.has("state")) back.searchParams.set("state", q.get("state")!);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }

    if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      let text = "";
      for await (const chunk of req) text += chunk;
      const body = new URLSearchParams(text);
      const expectedAuth = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;
      const grant = this.codes.get(body.get("code") ?? "");
      this.codes.delete(body.get("code") ?? "");
      const verifier = body.get("code_verifier") ?? "";
      if (
        req.headers.authorization !== expectedAuth ||
        !grant ||
        body.get("grant_type") !== "authorization_code" ||
        body.get("redirect_uri") !== grant.redirectUri ||
        createHash("sha256").update(verifier).digest("base64url") !== grant.challenge
      ) {
        return json(200, { error: "bad_verification_code" });
      }
      const token = `gho_${randomBytes(16).toString("hex")}`;
      this.tokens.set(token, grant.account);
      return json(200, { access_token: token, token_type: "bearer", scope: "read:user,user:email" });
    }

    if (req.method === "GET" && url.pathname === "/api/v3/user") {
      const account = bearer();
      if (!account) return json(401, { message: "Bad credentials" });
      return json(200, { id: account.id, login: account.login, name: account.name, email: account.email, avatar_url: null });
    }

    if (req.method === "GET" && url.pathname === "/api/v3/user/emails") {
      const account = bearer();
      if (!account) return json(401, { message: "Bad credentials" });
      if (!account.emails) return json(403, { message: "Resource not accessible by integration" });
      return json(200, account.emails);
    }

    json(404, { message: "Not Found" });
  }
}

/** The browser's cookies for the app's origin. */
class CookieJar {
  private cookies = new Map<string, string>();

  take(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attributes.some((a) => {
        const [key, v] = a.trim().split("=");
        return (key!.toLowerCase() === "max-age" && Number(v) <= 0) || (key!.toLowerCase() === "expires" && Date.parse(v!) <= Date.now());
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string) {
    return this.cookies.get(name);
  }

  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

// The sign-in page, rendered as for a browser with no session: only the
// request's headers and cookies, which Next.js provides inside a request.
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", "user-agent": "vitest" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false }),
}));

/** The text of the sign-in page at the URL. */
async function signInPageText(url: URL): Promise<string> {
  const { default: SignInPage } = await import("@/app/sign-in/page");
  const page = await SignInPage({ searchParams: Promise.resolve(Object.fromEntries(url.searchParams)) });
  return renderToStaticMarkup(page).replace(/<[^>]+>/g, " ");
}

/** The text of the sign-in error page at the URL. */
async function errorPageText(url: URL): Promise<string> {
  const { default: SignInErrorPage } = await import("@/app/sign-in/error/page");
  const page = await SignInErrorPage({ searchParams: Promise.resolve(Object.fromEntries(url.searchParams)) });
  return renderToStaticMarkup(page).replace(/<[^>]+>/g, " ");
}

const github = new FakeGitHub();
const savedEnv = { ...process.env };
let route: typeof import("@/app/api/auth/[...nextauth]/route");

beforeAll(async () => {
  await github.start();
  process.env.AUTH_GITHUB_ID = CLIENT_ID;
  process.env.AUTH_GITHUB_SECRET = CLIENT_SECRET;
  process.env.AUTH_GITHUB_ENTERPRISE_URL = github.baseUrl;
  // Auth.js reads its providers when lib/auth is first imported.
  route = await import("@/app/api/auth/[...nextauth]/route");
});

afterAll(async () => {
  for (const name of ["AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET", "AUTH_GITHUB_ENTERPRISE_URL"]) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await github.stop();
});

/**
 * A browser's sign-in with the account: the sign-in button's POST, GitHub's
 * authorization page (approved at once), and Auth.js's callback. Returns
 * where the callback sends the browser and the cookies it then holds.
 */
async function signInWithGitHub(account: GitHubAccount): Promise<{ location: URL; jar: CookieJar }> {
  const jar = new CookieJar();
  const csrf = await route.GET(new NextRequest(`${AUTH_BASE}/api/auth/csrf`));
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };

  const start = await route.POST(
    new NextRequest(`${AUTH_BASE}/api/auth/signin/github`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/app" }).toString(),
    }),
  );
  expect(start.status).toBe(302);
  jar.take(start);
  const authorize = new URL(start.headers.get("location")!);
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${github.baseUrl}/login/oauth/authorize`);
  expect(authorize.searchParams.get("scope")).toContain("user:email");

  github.signingIn = account;
  const approved = await fetch(authorize, { redirect: "manual" });
  expect(approved.status).toBe(302);
  const callback = new URL(approved.headers.get("location")!);
  expect(`${callback.origin}${callback.pathname}`).toBe(`${AUTH_BASE}/api/auth/callback/github`);

  const done = await route.GET(new NextRequest(callback, { headers: { cookie: jar.header(), "user-agent": "vitest" } }));
  expect(done.status).toBe(302);
  jar.take(done);
  return { location: new URL(done.headers.get("location")!, AUTH_BASE), jar };
}

const gitHubAccount = (emails: GitHubEmail[] | null, publicEmail: string | null = null): GitHubAccount => ({
  id: randomInt(1, 2 ** 31),
  login: `octo-${unique()}`,
  name: "Octo Cat",
  email: publicEmail,
  emails,
});

const usersWithEmail = async (...emails: string[]) =>
  (await owner().query<{ id: string; email: string }>("SELECT id, email FROM users WHERE email = ANY($1)", [emails.map((e) => e.toLowerCase())])).rows;
const linkedAccounts = async (account: GitHubAccount) =>
  (
    await owner().query<{ user_id: string }>("SELECT user_id FROM accounts WHERE provider = 'github' AND provider_account_id = $1", [
      String(account.id),
    ])
  ).rows;
const sessionsOf = async (userId: string) =>
  (await owner().query<{ session_token: string }>("SELECT session_token FROM sessions WHERE user_id = $1", [userId])).rows.map((r) => r.session_token);

const UNVERIFIED_SENTENCE = "Your GitHub account has no verified primary email address. Verify it on GitHub, or sign in with an email link.";

describe("signing in with GitHub", () => {
  it("with a verified primary address: creates the user with that address, links the GitHub account and starts a session", async () => {
    const primary = uniqueEmail("gh-primary");
    const other = uniqueEmail("gh-other");
    // An unverified address listed first, as GitHub may list it.
    const account = gitHubAccount([
      { email: other, primary: false, verified: false, visibility: null },
      { email: primary, primary: true, verified: true, visibility: "private" },
    ]);

    const { location, jar } = await signInWithGitHub(account);

    expect(location.toString()).toBe(`${AUTH_BASE}/app`);
    const [user] = await usersWithEmail(primary);
    expect(user).toBeDefined();
    expect(await usersWithEmail(other)).toEqual([]);
    expect(await linkedAccounts(account)).toEqual([{ user_id: user!.id }]);
    const token = jar.get("authjs.session-token");
    expect(token).toBeDefined();
    expect(await sessionsOf(user!.id)).toEqual([createHash("sha256").update(token!).digest("hex")]);
  });

  it("with an unverified primary address (another one verified): refuses, creates nothing, and says why on the error page", async () => {
    const primary = uniqueEmail("gh-unverified");
    const verified = uniqueEmail("gh-verified-secondary");
    const account = gitHubAccount([
      { email: primary, primary: true, verified: false, visibility: null },
      { email: verified, primary: false, verified: true, visibility: null },
    ]);

    const { location, jar } = await signInWithGitHub(account);

    expect(`${location.origin}${location.pathname}`).toBe(`${AUTH_BASE}/sign-in/error`);
    expect(await errorPageText(location)).toContain(UNVERIFIED_SENTENCE);
    expect(await usersWithEmail(primary, verified)).toEqual([]);
    expect(await linkedAccounts(account)).toEqual([]);
    expect(jar.get("authjs.session-token")).toBeUndefined();
  });

  it("when GitHub does not list the account's addresses: refuses, creates nothing, and says why", async () => {
    const account = gitHubAccount(null);

    const { location, jar } = await signInWithGitHub(account);

    expect(`${location.origin}${location.pathname}`).toBe(`${AUTH_BASE}/sign-in/error`);
    expect(await errorPageText(location)).toContain(UNVERIFIED_SENTENCE);
    expect(await linkedAccounts(account)).toEqual([]);
    expect(jar.get("authjs.session-token")).toBeUndefined();
  });

  it("does not link GitHub to an existing account of the same address (made by an email link): refuses, and says to use the link", async () => {
    const existing = await createUser({ email: uniqueEmail("gh-existing") });
    const account = gitHubAccount([{ email: existing.email.toUpperCase(), primary: true, verified: true, visibility: "private" }]);

    const { location, jar } = await signInWithGitHub(account);

    // Auth.js sends its sign-in errors to the sign-in page, which says what happened.
    expect(`${location.origin}${location.pathname}`).toBe(`${AUTH_BASE}/sign-in`);
    expect(location.searchParams.get("error")).toBe("OAuthAccountNotLinked");
    expect(await signInPageText(location)).toContain(
      "A Tenantry account with that email address already exists, and GitHub is not linked to it. Sign in with an email link instead.",
    );
    expect(await linkedAccounts(account)).toEqual([]);
    expect(await usersWithEmail(existing.email)).toEqual([{ id: existing.id, email: existing.email }]);
    // Only the session the account already had.
    expect(await sessionsOf(existing.id)).toHaveLength(1);
    expect(jar.get("authjs.session-token")).toBeUndefined();
  });
});
