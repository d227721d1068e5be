// Security properties seen from outside, against the production build:
// forged client addresses, the security headers on every kind of response,
// pages that still hydrate under the Content-Security-Policy, and a sign-in
// form that answers a deactivated address exactly as an unknown one.
import { expect, test, type Page, type Response } from "@playwright/test";
import { createWorkspace, db, runtime, sessionFor, uniqueEmail, waitForEmail, workspaceWithRoles } from "./helpers";

type HeaderList = Array<{ name: string; value: string }>;

const FIXED_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

/** Each security header exactly once, with its value; returns the policy's nonce. */
function expectSecurityHeaders(headers: HeaderList, what: string): string {
  const all = (name: string) => headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  for (const [name, value] of Object.entries(FIXED_HEADERS)) expect(all(name), `${what}: ${name}`).toEqual([value]);
  // Served over http here: no HSTS, no upgrade of subresources.
  expect(all("strict-transport-security"), `${what}: HSTS`).toEqual([]);
  const policies = all("content-security-policy");
  expect(policies, `${what}: one Content-Security-Policy`).toHaveLength(1);
  const policy = policies[0]!;
  const nonce = policy.match(/script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'(;|$)/)?.[1];
  expect(nonce, `${what}: script-src with a nonce and nothing unsafe: ${policy}`).toBeTruthy();
  for (const directive of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"]) {
    expect(policy.split("; "), `${what}: ${directive}`).toContain(directive);
  }
  expect(policy, what).not.toContain("unsafe-eval");
  expect(policy, what).not.toContain("upgrade-insecure-requests");
  return nonce!;
}

/** Collects the browser's CSP violation reports and console complaints about the policy. */
async function watchPolicy(page: Page) {
  const complaints: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|evaluate|connect|frame)/i.test(message.text())) complaints.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return async () => [...complaints, ...(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations))];
}

test("a forged X-Forwarded-For (or socket header) does not reach the audit log", async ({ browser }) => {
  const ws = await workspaceWithRoles("Forgery Check");
  const context = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-for": "203.0.113.66", "x-tenantry-socket-address": "198.51.100.7" },
  });
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/workspaces/new");
  const name = `Forged ${Date.now().toString(36)}`;
  await createWorkspace(page, name);

  const { rows } = await db().query<{ ip: string | null; user_agent: string | null }>(
    `SELECT a.ip, a.user_agent FROM audit_log a JOIN tenants t ON t.id = a.tenant_id
      WHERE t.name = $1 AND a.action = 'tenant.create'`,
    [name],
  );
  expect(rows).toHaveLength(1);
  // The browser connects over loopback; neither header it sent counts.
  expect(["127.0.0.1", "::1"]).toContain(rows[0]!.ip);
  expect(rows[0]!.user_agent).toBe(await page.evaluate(() => navigator.userAgent));
  await context.close();
});

test("pages, a server action, API routes, redirects and static files carry the security headers", async ({ browser, request }) => {
  const context = await browser.newContext();
  const page = await context.newPage();

  // A public page: the policy's nonce is on every script Next.js rendered, and is new per request.
  const signIn = (await page.goto("/sign-in"))!;
  const nonce = expectSecurityHeaders(await signIn.headersArray(), "/sign-in");
  const scriptNonces = await page.evaluate(() => [...document.scripts].map((s) => s.nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
  const again = await request.get("/sign-in");
  expect(expectSecurityHeaders(again.headersArray(), "/sign-in again")).not.toBe(nonce);

  // The sign-in form's server action.
  await page.getByLabel("Email address").fill(uniqueEmail("headers"));
  const [action] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && Boolean(r.request().headers()["next-action"])),
    page.getByRole("button", { name: "Email me a sign-in link" }).click(),
  ]);
  expectSecurityHeaders(await action.headersArray(), "server action POST");
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  // Public API route, and the gate's redirect.
  expectSecurityHeaders((await request.get("/api/health")).headersArray(), "/api/health");
  const gated = await request.get("/app/dashboard", { maxRedirects: 0 });
  expect(gated.status()).toBe(307);
  expectSecurityHeaders(gated.headersArray(), "gate redirect");

  // Signed in: a page and an API route.
  const ws = await workspaceWithRoles("Headers Inc");
  await sessionFor(context, ws.users.member, ws.tenantId);
  const dashboard = (await page.goto("/app/dashboard"))!;
  expect(dashboard.status()).toBe(200);
  expectSecurityHeaders(await dashboard.headersArray(), "/app/dashboard");
  const me = await page.request.get("/api/me");
  expect(me.status()).toBe(200);
  expectSecurityHeaders(me.headersArray(), "/api/me");

  // A static file: the same headers (a browser ignores the policy on a script; no path is let off it).
  const script = await page.evaluate(() => [...document.scripts].map((s) => s.src).find((src) => src.includes("/_next/static/")));
  const asset = await request.get(script!);
  expect(asset.status()).toBe(200);
  expectSecurityHeaders(asset.headersArray(), "static file");
  await context.close();
});

test("signed-in pages hydrate under the policy and the browser reports no violation", async ({ browser }) => {
  const ws = await workspaceWithRoles("Hydration Ltd");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  const violations = await watchPolicy(page);

  await page.goto("/app/dashboard");
  // Opening the switcher is React state: it works only once the page has hydrated.
  await page.getByTestId("workspace-switcher").click();
  await page.getByRole("link", { name: "+ Create workspace" }).click();
  await expect(page).toHaveURL(/\/app\/workspaces\/new$/);
  await createWorkspace(page, `Hydrated ${Date.now().toString(36)}`);
  await page.goto("/app/settings");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.goto("/sign-in");

  expect(await violations()).toEqual([]);
  await context.close();
});

test("a deactivated address asking for a sign-in link sees what an unknown address sees, and gets no email", async ({ browser }) => {
  const deactivated = uniqueEmail("deactivated");
  await db().query("INSERT INTO users (email, name) VALUES ($1, 'Gone User')", [deactivated]);
  await db().query("UPDATE users SET active = false WHERE email = $1", [deactivated]);
  const unknown = uniqueEmail("nobody");

  async function requestLink(email: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email address").fill(email);
    const [action] = await Promise.all([
      page.waitForResponse((r: Response) => r.request().method() === "POST" && Boolean(r.request().headers()["next-action"])),
      page.getByRole("button", { name: "Email me a sign-in link" }).click(),
    ]);
    // The answer is either another page or a message on the form.
    await expect(page.getByRole("heading", { name: "Check your email" }).or(page.locator("main").getByRole("alert"))).toBeVisible();
    const seen = {
      status: action.status(),
      redirect: (await action.headerValue("x-action-redirect")) ?? "",
      url: page.url(),
      heading: await page.getByRole("heading", { level: 1 }).textContent(),
      // The page names the address each typed; apart from it, the two must be the same.
      text: (await page.locator("main").innerText()).replaceAll(email, "<the address typed>"),
    };
    await context.close();
    return seen;
  }

  const startedAt = Date.now();
  const forDeactivated = await requestLink(deactivated);
  const forUnknown = await requestLink(unknown);
  expect(forUnknown.heading).toBe("Check your email");
  expect(forUnknown.text).toContain("We sent a sign-in link to <the address typed>.");
  expect(forDeactivated).toEqual(forUnknown);

  // The unknown address's link was sent after the deactivated address's
  // request had finished; the deactivated address got nothing.
  await waitForEmail(unknown, "sign-in link", startedAt);
  const emails = (await (await fetch(`${runtime().mailApiUrl}/api/email`)).json()) as Array<{ to: Array<{ address: string }> }>;
  expect(emails.filter((e) => e.to.some((t) => t.address.toLowerCase() === deactivated))).toEqual([]);
  const tokens = await db().query("SELECT 1 FROM verification_tokens WHERE identifier = $1", [deactivated]);
  expect(tokens.rowCount).toBe(0);
});
