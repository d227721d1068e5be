import "server-only";
import { createHash } from "node:crypto";
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth, { AuthError, type NextAuthConfig } from "next-auth";
import type { Adapter, AdapterSession, AdapterUser } from "next-auth/adapters";
import GitHub, { type GitHubEmail, type GitHubProfile } from "next-auth/providers/github";
import { createElement } from "react";
import MagicLinkEmail from "@/emails/magic-link";
import { getAuthDb } from "@/lib/auth-db";
import { authRedirect } from "@/lib/auth-redirect";
import { sendEmail } from "@/lib/email";
import { describeDevice } from "@/lib/device";
import { appBaseUrl } from "@/lib/urls";
import { emailSchema } from "@/lib/validation";

const MAGIC_LINK_MAX_AGE_SECONDS = 60 * 60;
// Where Auth.js sends whoever has been emailed a link (its verify-request
// route, which redirects to pages.verifyRequest).
const VERIFY_REQUEST_URL = `/api/auth/verify-request?${new URLSearchParams({ provider: "email", type: "email" })}`;

declare module "next-auth" {
  interface User {
    active?: boolean;
  }
}

/**
 * A sign-in email that could not be sent. Auth.js takes any other error in
 * sending for a broken server ("Configuration": the error page tells the
 * person to contact the administrator); an AuthError it hands back to the
 * action that called signIn, which asks the person to try again.
 */
class SignInEmailNotSent extends AuthError {
  static type = "EmailSignInError" as const;
}

/**
 * A link Auth.js built, on the app's public origin (AUTH_URL). Without
 * AUTH_URL, Auth.js builds its links from the request's Host or
 * X-Forwarded-Host header, which whoever asks for a link chooses: a sign-in
 * link for someone else's address, pointing at the asker's own host, would
 * hand them its token when it is clicked. Its callbackUrl, checked against
 * that same host, moves with it.
 */
function onAppOrigin(link: string): string {
  const app = new URL(appBaseUrl());
  const url = new URL(link);
  const requested = url.origin;
  const rebased = (from: URL) => new URL(`${from.pathname}${from.search}${from.hash}`, app.origin);
  const result = rebased(url);
  const callback = url.searchParams.get("callbackUrl");
  if (callback && URL.canParse(callback) && new URL(callback).origin === requested) {
    result.searchParams.set("callbackUrl", rebased(new URL(callback)).toString());
  }
  return result.toString();
}

/**
 * An address as the sign-in form takes it: one address, trimmed and
 * lower-cased. Auth.js's own normaliser cuts a list ("a@x, b@y") down to
 * its first address; this one refuses it, so a link is never sent to more
 * than the one address its limits counted.
 */
function signInAddress(identifier: string): string {
  const parsed = emailSchema.safeParse(identifier);
  if (!parsed.success) throw new SignInEmailNotSent("Not one email address.");
  return parsed.data;
}

/** Sessions are stored as the SHA-256 of their token (the database accepts nothing else). */
export const hashSessionToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * The Prisma adapter on Auth.js's own role, plus: emails are stored
 * lower-cased (the users table checks it); session tokens are stored only as
 * their SHA-256 — the cookie holds the token, the database its hash, as
 * app_enter() expects; a deactivated user's session is never honoured even if
 * a row survived (the database deletes them on deactivation); deleting a
 * session that is already gone is done, not an error.
 */
export function tenantryAdapter(): Adapter {
  // Created on first use, not at import: `next build` loads this module
  // without a database.
  let prismaAdapter: Adapter | undefined;
  const base = () => (prismaAdapter ??= PrismaAdapter(getAuthDb() as unknown as Parameters<typeof PrismaAdapter>[0]));
  const methods = [
    "createUser", "getUser", "getUserByEmail", "getUserByAccount", "updateUser", "deleteUser", "linkAccount",
    "unlinkAccount", "getSessionAndUser", "createSession", "updateSession", "deleteSession",
    "createVerificationToken", "useVerificationToken",
  ] as const;
  // A session the database has already ended — signed out from another
  // device, its user deactivated, two-factor turned off — is gone, as asked.
  // Auth.js deletes the session of the cookie a browser still sends before it
  // signs that browser in by link; the Prisma adapter's delete throws P2025
  // ("no record found") for a missing row, which Auth.js takes for a broken
  // server, and the browser, still sending the cookie, could never sign in.
  const deleteSession = async (sessionToken: string): Promise<AdapterSession | null | undefined> => {
    try {
      return (await base().deleteSession!(hashSessionToken(sessionToken))) ?? null;
    } catch (error) {
      if (error && typeof error === "object" && "code" in error && error.code === "P2025") return null;
      throw error;
    }
  };
  const adapter = Object.fromEntries(
    methods.map((name) => [name, (...args: unknown[]) => (base()[name] as (...a: unknown[]) => unknown)(...args)]),
  ) as Adapter;
  return {
    ...adapter,
    createUser: (user) => base().createUser!({ ...user, email: user.email.toLowerCase() }),
    getUserByEmail: (email) => base().getUserByEmail!(email.toLowerCase()),
    async createSession(session) {
      const device = await requestDevice();
      const created = await base().createSession!({ ...session, sessionToken: hashSessionToken(session.sessionToken), ...(device ? { device } : {}) });
      return { ...created, sessionToken: session.sessionToken };
    },
    async getSessionAndUser(sessionToken) {
      const found = await base().getSessionAndUser!(hashSessionToken(sessionToken));
      if (!found) return null;
      // Awaiting its second factor (set by the database when the session was
      // created): not signed in yet, to Auth.js either.
      if ((found.session as { secondFactorPending?: boolean }).secondFactorPending) return null;
      if ((found.user as AdapterUser & { active?: boolean }).active === false) {
        await deleteSession(sessionToken);
        return null;
      }
      return { user: found.user, session: { ...found.session, sessionToken } };
    },
    async updateSession(session) {
      const updated = await base().updateSession!({ ...session, sessionToken: hashSessionToken(session.sessionToken) });
      return updated && { ...updated, sessionToken: session.sessionToken };
    },
    deleteSession,
  };
}

/** The device the sign-in request came from, for the profile's session list (none outside a request). */
async function requestDevice(): Promise<string | null> {
  try {
    const { headers } = await import("next/headers");
    return describeDevice((await headers()).get("user-agent"));
  } catch {
    return null;
  }
}

export const githubConfigured = Boolean(process.env.AUTH_GITHUB_ID && process.env.AUTH_GITHUB_SECRET);

// Where a GitHub sign-in without a verified primary address is sent: the
// sign-in error page, which has the sentence for this code.
const GITHUB_EMAIL_UNVERIFIED_URL = `/sign-in/error?${new URLSearchParams({ error: "GitHubEmailUnverified" })}`;

/**
 * GitHub (github.com, or the GitHub Enterprise Server at
 * AUTH_GITHUB_ENTERPRISE_URL), signing in as the account's primary email
 * address only if GitHub has verified it.
 *
 * The account's email is what the app trusts: an invitation is accepted by
 * the signed-in address, and an email link to that address signs in to the
 * same account. GitHub lets anyone add any address to their account,
 * unverified, and even make it primary; Auth.js's GitHub provider takes the
 * profile's public address, else the primary one (or the first listed)
 * without asking whether it is verified.
 *
 * GitHub's REST API documents `GET /user/emails` (the `user:email` scope,
 * which the provider asks for) as listing every address with `primary` and
 * `verified` (30 a page by default, at most 100: one page of 100 is asked
 * for). `GET /user`'s `email` is only the address the user chose to show:
 * GitHub lets only a verified address be public, but the field carries no
 * such flag and the documentation of the API promises nothing about it, and
 * it may be a secondary address. So it is ignored: the address always comes
 * from /user/emails. No verified primary address (or no list) leaves the
 * profile without an email, which the signIn callback refuses.
 */
function gitHubProvider() {
  const enterpriseUrl = process.env.AUTH_GITHUB_ENTERPRISE_URL?.replace(/\/+$/, "") || undefined;
  const apiUrl = enterpriseUrl ? `${enterpriseUrl}/api/v3` : "https://api.github.com";
  const get = (path: string, accessToken: unknown) =>
    fetch(`${apiUrl}${path}`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/vnd.github+json", "User-Agent": "tenantry" },
    });
  return GitHub({
    ...(enterpriseUrl ? { enterprise: { baseUrl: enterpriseUrl } } : {}),
    userinfo: {
      url: `${apiUrl}/user`,
      async request({ tokens }: { tokens: { access_token?: unknown } }) {
        const profile = (await (await get("/user", tokens.access_token)).json()) as GitHubProfile;
        return { ...profile, email: await verifiedPrimaryEmail(await get("/user/emails?per_page=100", tokens.access_token)) };
      },
    },
  });
}

/** The primary address in a `GET /user/emails` answer, if GitHub has verified it; else null. */
async function verifiedPrimaryEmail(response: Response): Promise<string | null> {
  if (!response.ok) return null;
  const emails: unknown = await response.json().catch(() => null);
  if (!Array.isArray(emails)) return null;
  const primary = (emails as Partial<GitHubEmail>[]).find((e) => e?.primary === true);
  return primary?.verified === true && typeof primary.email === "string" && primary.email ? primary.email : null;
}

const config: NextAuthConfig = {
  adapter: tenantryAdapter(),
  // The database keeps sessions alive on the same terms when pages enter
  // through app_enter() without Auth.js (app_private.session_user).
  session: { strategy: "database", maxAge: 30 * 86_400, updateAge: 86_400 },
  trustHost: true,
  pages: { signIn: "/sign-in", verifyRequest: "/sign-in/check-email", error: "/sign-in/error" },
  providers: [
    {
      id: "email",
      type: "email",
      name: "Email",
      maxAge: MAGIC_LINK_MAX_AGE_SECONDS,
      normalizeIdentifier: signInAddress,
      async sendVerificationRequest({ identifier, url: requestedUrl }) {
        const url = onAppOrigin(requestedUrl);
        const result = await sendEmail({
          to: identifier,
          subject: "Your Tenantry sign-in link",
          react: createElement(MagicLinkEmail, {
            url,
            host: new URL(url).host,
            expiresInMinutes: MAGIC_LINK_MAX_AGE_SECONDS / 60,
          }),
        });
        if (!result.delivered) throw new SignInEmailNotSent(`Sign-in email not sent: ${result.error}`);
      },
    },
    ...(githubConfigured ? [gitHubProvider()] : []),
  ],
  callbacks: {
    redirect: authRedirect,
    signIn({ user, account, profile, email }) {
      // No verified primary address on GitHub (see gitHubProvider): no account
      // is created or signed in to, whichever address GitHub lists.
      if (account?.provider === "github" && !profile?.email) return GITHUB_EMAIL_UNVERIFIED_URL;
      if (user.active !== false) return true;
      // A deactivated user cannot start a new session by any provider. Asking
      // for a link, they are sent none but led where everyone is led, so the
      // form does not tell anyone which addresses are deactivated accounts.
      return email?.verificationRequest ? VERIFY_REQUEST_URL : false;
    },
    session({ session, user }) {
      session.user.id = user.id;
      return session;
    },
  },
};

export const { handlers, auth, signIn, signOut } = NextAuth(config);
