import { readFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import pg from "pg";

interface Runtime {
  ownerDatabaseUrl: string;
  mailApiUrl: string;
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

/** Waits for the newest email to `address` whose subject contains `subject`. */
export async function waitForEmail(address: string, subject: string, after = 0): Promise<CaughtEmail> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${runtime().mailApiUrl}/api/email`);
    const emails = (await response.json()) as CaughtEmail[];
    const match = emails
      .filter((e) => e.to.some((t) => t.address.toLowerCase() === address.toLowerCase()))
      .filter((e) => e.subject.includes(subject) && new Date(e.time).getTime() >= after - 1000)
      .sort((a, b) => new Date(b.time).getTime() - new Date(a.time).getTime())[0];
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
  pool ??= new pg.Pool({ connectionString: runtime().ownerDatabaseUrl, max: 2 });
  return pool;
}
