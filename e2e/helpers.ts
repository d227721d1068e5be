import { readFileSync } from "node:fs";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { expect, type BrowserContext, type Page } from "@playwright/test";
import pg from "pg";

interface Runtime {
  ownerDatabaseUrl: string;
  mailApiUrl: string;
  smtpUrl: string;
  baseUrl: string;
}

let runtimeCache: Runtime | undefined;
export function runtime(): Runtime {
  runtimeCache ??= JSON.parse(readFileSync(path.join(import.meta.dirname, "..", ".data", "e2e-runtime.json"), "utf8"));
  return runtimeCache!;
}

export const uniqueEmail = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}@example.test`;

interface CaughtEmail {
  id: string;
  subject: string;
  html: string;
  text: string;
  time: string;
  to: Array<{ address: string }>;
}

/**
 * Waits for the newest email to `address` whose subject contains `subject`.
 * Newest by arrival: the catcher lists emails in the order they arrived, and
 * their `time` is the Date header's, to the second — two emails sent within
 * one second carry the same time.
 */
export async function waitForEmail(address: string, subject: string, after = 0): Promise<CaughtEmail> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${runtime().mailApiUrl}/api/email`);
    const emails = (await response.json()) as CaughtEmail[];
    const match = emails
      .filter((e) => e.to.some((t) => t.address.toLowerCase() === address.toLowerCase()))
      .findLast((e) => e.subject.includes(subject) && new Date(e.time).getTime() >= after - 1000);
    if (match) return match;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`No email to ${address} with subject containing “${subject}”`);
}

export function linkIn(email: CaughtEmail, pattern: RegExp): string {
  const match = email.text.match(pattern) ?? email.html.replaceAll("&amp;", "&").match(pattern);
  if (!match) throw new Error(`No link matching ${pattern} in “${email.subject}”`);
  return match[0];
}

/** Signs in by magic link, reading the link from the mail catcher as a user would. */
export async function signIn(page: Page, email: string, options: { next?: string } = {}) {
  const startedAt = Date.now();
  await page.goto(options.next ? `/sign-in?next=${encodeURIComponent(options.next)}` : "/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in\/check-email(\?|$)/);
  // The page names the address, so that a typo is seen there.
  await expect(page.getByTestId("link-sent-to")).toHaveText(email.toLowerCase());
  await expect(page.getByRole("link", { name: "Use a different address" })).toBeVisible();
  const message = await waitForEmail(email, "sign-in link", startedAt);
  await page.goto(linkIn(message, /https?:\/\/[^\s"<>]+\/api\/auth\/callback\/email\?[^\s"<>]+/));
}

/** Creates a workspace from whichever create form the page shows. */
export async function createWorkspace(page: Page, name: string) {
  await page.getByLabel("Workspace name").fill(name);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByTestId("active-workspace")).toHaveText(name);
}

let pool: pg.Pool | undefined;
/** The e2e database as its owner, for arranging and checking state a user cannot see. */
export function db(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: runtime().ownerDatabaseUrl, max: 2 });
    // A connection that fails while idle is discarded; reported, not thrown (graphile-worker's runOnce checks both).
    pool.on("error", (error) => console.error("[e2e db] idle connection failed:", error.message));
    pool.on("connect", (client) => client.on("error", (error) => console.error("[e2e db] connection failed:", error.message)));
  }
  return pool;
}

/** A live database session for a user, as Auth.js makes one after a magic link; returns the cookie's token. */
export async function newSessionToken(user: { id: string }): Promise<string> {
  const token = randomBytes(32).toString("hex");
  // Stored as Auth.js stores it through the app's adapter: the token's SHA-256.
  await db().query("INSERT INTO sessions (session_token, user_id, expires) VALUES ($1, $2, now() + interval '1 day')", [
    createHash("sha256").update(token).digest("hex"),
    user.id,
  ]);
  return token;
}

/**
 * Signs a browser context in as a user by giving it a database session, the
 * way Auth.js would after a magic link — for tests about what a role may do,
 * where the sign-in flow itself is not the subject (workspaces.spec.ts covers it).
 */
export async function sessionFor(context: BrowserContext, user: { id: string }, tenantId: string) {
  const token = await newSessionToken(user);
  const url = runtime().baseUrl;
  await context.addCookies([
    { name: "authjs.session-token", value: token, url },
    { name: "prom_tenant", value: tenantId, url },
  ]);
}

/** A workspace with one user per role, arranged directly in the database. */
export async function workspaceWithRoles(name: string) {
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomBytes(3).toString("hex")}`;
  const tenant = (await db().query<{ id: string }>("INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id", [name, slug])).rows[0]!;
  const users: Record<"owner" | "admin" | "auditor" | "member", { id: string; email: string }> = {} as never;
  for (const role of ["owner", "admin", "auditor", "member"] as const) {
    const email = uniqueEmail(role);
    const user = (await db().query<{ id: string }>("INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id", [email, `${role[0]!.toUpperCase()}${role.slice(1)} User`])).rows[0]!;
    await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, $3)", [tenant.id, user.id, role]);
    users[role] = { id: user.id, email };
  }
  return { tenantId: tenant.id, slug, users };
}
