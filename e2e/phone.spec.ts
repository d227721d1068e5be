import { createHash, randomBytes } from "node:crypto";
import { expect, test, type BrowserContext, type Page, type TestInfo } from "@playwright/test";
import { db, newSessionToken, runtime, sessionFor, uniqueEmail, workspaceWithRoles } from "./helpers";

// The app on a phone: 390 × 844, the size of a common handset. Every page
// fits the screen's width (the document never scrolls sideways; wide tables
// scroll inside their own box), and the sidebar is a drawer behind a menu
// button. A screenshot of each page is attached to the test's results.
test.use({ viewport: { width: 390, height: 844 }, timezoneId: "Asia/Kolkata" });

async function fitsTheScreen(page: Page, name: string, testInfo: TestInfo) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
  // Soft: every page is checked (and photographed) even when one is too wide.
  expect.soft(scrollWidth, `${name}: the page is ${scrollWidth} px wide on a ${clientWidth} px screen`).toBeLessThanOrEqual(clientWidth);
}

/** A signed-in browser for a user who belongs to no workspace. */
async function signedInWithoutWorkspace(context: BrowserContext, user: { id: string }) {
  await context.addCookies([{ name: "authjs.session-token", value: await newSessionToken(user), url: runtime().baseUrl }]);
}

async function userRow(email: string) {
  return (await db().query<{ id: string }>("INSERT INTO users (email) VALUES ($1) RETURNING id", [email])).rows[0]!;
}

/** An invitation with a token this test knows (stored, as the app stores it, by its SHA-256). */
async function invitation(tenantId: string, email: string, fields: { status?: string; expiresAt?: Date } = {}) {
  const token = randomBytes(32).toString("base64url");
  await db().query(
    "INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at) VALUES ($1, $2, 'member', $3, $4, $5)",
    [tenantId, email, createHash("sha256").update(token).digest("hex"), fields.status ?? "pending", fields.expiresAt ?? new Date(Date.now() + 86_400_000)],
  );
  return `/invite/${token}`;
}

test("every page fits a 390 px screen", async ({ browser }, testInfo) => {
  const ws = await workspaceWithRoles("Phone Co with a longer name");
  // Something in each table: an invitation (its audit row too), a project, and a workspace in the trash.
  await db().query("INSERT INTO projects (tenant_id, name, description, created_by) VALUES ($1, 'Website relaunch', 'The new site', $2)", [ws.tenantId, ws.users.owner.id]);
  const trashed = await workspaceWithRoles("Old Phone Co");
  await db().query("UPDATE tenant_members SET user_id = $1 WHERE tenant_id = $2 AND role = 'owner'", [ws.users.owner.id, trashed.tenantId]);
  await db().query("UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [trashed.tenantId]);

  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();

  await page.goto("/app/settings");
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  // Usable, not only visible: an invitation sent from the phone.
  const invitee = uniqueEmail("phone-invitee");
  await page.getByTestId("invite-form").getByLabel("Email address").fill(invitee);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${invitee}`)).toBeVisible();
  await expect(page.locator(`[data-testid=invitation-row][data-email="${invitee}"]`)).toBeVisible();
  await fitsTheScreen(page, "members", testInfo);

  const pages: Array<[string, string, string]> = [
    ["/app/dashboard", "dashboard", "Phone Co with a longer name"],
    ["/app/settings/general", "general-settings", "General"],
    ["/app/audit", "audit", "Audit log"],
    ["/app/projects", "projects", "Projects"],
    ["/app/trash", "trash", "Trash"],
    ["/app/settings/api-keys", "api-keys", "API keys"],
    ["/app/settings/transfer", "transfer", "Transfer ownership"],
    ["/app/hierarchy", "workspaces", "Workspaces"],
    ["/app/workspaces/new", "new-workspace", "Create a workspace"],
    ["/app/profile", "profile", "Your profile"],
    ["/docs/errors", "api-errors", "API errors"],
    ["/docs/api", "api-reference", "Tenantry API"],
  ];
  for (const [path, name, heading] of pages) {
    await page.goto(path);
    // The API reference's heading is drawn by its script, once the OpenAPI document has loaded.
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible({ timeout: 20_000 });
    if (name === "projects") await expect(page.getByTestId("projects-row")).toHaveCount(1);
    await fitsTheScreen(page, name, testInfo);
  }
  await page.goto("/app/audit");
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  // The time of an event, rendered on the server in the viewer's zone (the browser's, India's here), not UTC.
  const time = page.getByTestId("audit-row").first().locator("time");
  const iso = await time.getAttribute("datetime");
  const expected = new Intl.DateTimeFormat("en", { timeStyle: "medium", timeZone: "Asia/Kolkata" }).format(new Date(iso!));
  const html = await (await context.request.get("/app/audit")).text();
  expect(html).toContain(expected);

  // Signed out: sign-in. Signed in without a workspace: onboarding, and an invitation's question.
  const visitor = await browser.newContext();
  const signInPage = await visitor.newPage();
  await signInPage.goto("/sign-in");
  await expect(signInPage.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await fitsTheScreen(signInPage, "sign-in", testInfo);

  const newcomer = await browser.newContext();
  const newcomerEmail = uniqueEmail("phone-newcomer");
  await signedInWithoutWorkspace(newcomer, await userRow(newcomerEmail));
  const newcomerPage = await newcomer.newPage();
  const link = await invitation(ws.tenantId, newcomerEmail);
  await newcomerPage.goto("/app/onboarding");
  await expect(newcomerPage.getByRole("heading", { name: "Welcome to Tenantry" })).toBeVisible();
  await fitsTheScreen(newcomerPage, "onboarding", testInfo);
  await newcomerPage.goto(link);
  await expect(newcomerPage.getByTestId("invitation-question")).toHaveText("Join Phone Co with a longer name as a member?");
  await fitsTheScreen(newcomerPage, "invitation", testInfo);
  const elsewhere = await workspaceWithRoles("Expired Co");
  await newcomerPage.goto(await invitation(elsewhere.tenantId, newcomerEmail, { expiresAt: new Date(Date.now() - 60_000) }));
  await expect(newcomerPage.getByTestId("invite-outcome-title")).toHaveText("This invitation has expired");
  await fitsTheScreen(newcomerPage, "invitation-expired", testInfo);

  await Promise.all([context.close(), visitor.close(), newcomer.close()]);
});

test("on a phone the sidebar is a drawer: it opens, keeps focus, closes with Escape, and switches workspace", async ({ browser }, testInfo) => {
  const first = await workspaceWithRoles("Drawer One");
  const second = await workspaceWithRoles("Drawer Two");
  const user = first.users.admin;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [second.tenantId, user.id]);
  const context = await browser.newContext();
  await sessionFor(context, user, first.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");

  // No sidebar beside the content; a top bar names the workspace.
  await expect(page.getByTestId("mobile-workspace-name")).toHaveText("Drawer One");
  await expect(page.locator("aside")).toBeHidden();
  await expect(page.getByTestId("app-drawer")).toHaveCount(0);

  const menu = page.getByRole("button", { name: "Open navigation" });
  await menu.click();
  const drawer = page.getByRole("dialog", { name: "Navigation" });
  await expect(drawer).toBeVisible();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(drawer.getByRole("link", { name: "Audit log" })).toBeVisible();
  const shot = testInfo.outputPath("drawer.png");
  await page.screenshot({ path: shot });
  await testInfo.attach("drawer", { path: shot, contentType: "image/png" });
  // Focus stays in the drawer: the page behind it is inert.
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest("#app-drawer")))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("app-drawer")).toHaveCount(0);
  await expect(menu).toBeFocused();
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  // A link in the drawer navigates and closes it.
  await menu.click();
  await drawer.getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/app\/settings$/);
  await expect(page.getByTestId("app-drawer")).toHaveCount(0);

  // The switcher, in the drawer.
  await menu.click();
  await drawer.getByTestId("workspace-switcher").click();
  await drawer.getByRole("button", { name: /Drawer Two/ }).click();
  await expect(page.getByTestId("mobile-workspace-name")).toHaveText("Drawer Two");
  await expect(page.getByTestId("app-drawer")).toHaveCount(0);
  await menu.click();
  await expect(drawer.getByTestId("active-workspace")).toHaveText("Drawer Two");
  // A click on the backdrop closes it.
  await page.mouse.click(385, 400);
  await expect(page.getByTestId("app-drawer")).toHaveCount(0);
  await context.close();
});
