import { expect, test } from "@playwright/test";
import { db, newSessionToken, runtime, sessionFor, uniqueEmail, workspaceWithRoles } from "./helpers";

// Getting where one means to go: the profile from the welcome page, the
// content past the sidebar by keyboard, focus after a switch in the phone's
// drawer, and a wide table's hint where the table starts.

test("a user with no workspace reaches their profile from the welcome page", async ({ browser }) => {
  const email = uniqueEmail("alone");
  const user = (await db().query<{ id: string }>("INSERT INTO users (email) VALUES ($1) RETURNING id", [email])).rows[0]!;
  const context = await browser.newContext();
  await context.addCookies([{ name: "authjs.session-token", value: await newSessionToken(user), url: runtime().baseUrl }]);
  const page = await context.newPage();
  await page.goto("/app/onboarding");
  await expect(page.getByRole("heading", { name: "Welcome to Tenantry" })).toBeVisible();
  await page.getByRole("link", { name: "Your profile" }).click();
  await expect(page).toHaveURL(/\/app\/profile$/);
  await expect(page.getByRole("heading", { name: "Your profile", level: 1 })).toBeVisible();
  await context.close();
});

test("the first Tab on a workspace page focuses a visible skip link, and Enter moves focus to the main content", async ({ browser }) => {
  const ws = await workspaceWithRoles("Skip Link");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await sessionFor(context, ws.users.admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await expect(page.getByTestId("active-workspace").first()).toHaveText("Skip Link");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  // The next Tab goes on from the content, not from the sidebar's first control.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => Boolean(document.activeElement?.closest("main")))).toBe(true);
  // On a phone it comes before the menu button.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByTestId("mobile-workspace-name")).toHaveText("Skip Link");
  await page.keyboard.press("Tab");
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await context.close();
});

test("on a phone, a switch of workspace from the drawer leaves focus on the menu button", async ({ browser }) => {
  const first = await workspaceWithRoles("Focus One");
  const second = await workspaceWithRoles("Focus Two");
  const user = first.users.admin;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [second.tenantId, user.id]);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await sessionFor(context, user, first.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  const menu = page.getByRole("button", { name: "Open navigation" });
  await menu.click();
  const drawer = page.getByRole("dialog", { name: "Navigation" });
  await drawer.getByTestId("workspace-switcher").click();
  await drawer.getByRole("button", { name: /Focus Two/ }).click();
  await expect(page.getByTestId("mobile-workspace-name")).toHaveText("Focus Two");
  await expect(page.getByTestId("app-drawer")).toHaveCount(0);
  await expect(menu).toBeFocused();
  // Opening the drawer on a fresh page load takes no focus from anyone.
  await page.reload();
  await expect(page.getByTestId("mobile-workspace-name")).toHaveText("Focus Two");
  await expect(menu).not.toBeFocused();
  await context.close();
});

test("on a phone, a page of 50 audit events says where the table starts that more columns are to the right", async ({ browser }) => {
  const ws = await workspaceWithRoles("Hint On Top");
  await db().query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
     SELECT $1, $2, $3, 'member.invite', 'invitation', gen_random_uuid()::text, jsonb_build_object('email', 'someone' || n || '@example.test', 'role', 'member')
       FROM generate_series(1, 60) AS n`,
    [ws.tenantId, ws.users.owner.id, ws.users.owner.email],
  );
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/audit");
  await expect(page.getByTestId("audit-row")).toHaveCount(50);
  const region = page.getByRole("region", { name: "Audit log" });
  const hint = region.locator("xpath=../..").getByText("More columns");
  // The table's start half-way down the screen.
  await region.evaluate((element) => window.scrollTo(0, element.getBoundingClientRect().top + window.scrollY - 422));
  // Where the table starts, the hint is on the screen too: just above its first row.
  await expect(hint).toBeInViewport();
  const [h, r] = await Promise.all([hint.boundingBox(), region.boundingBox()]);
  expect(h!.y + h!.height).toBeLessThanOrEqual(r!.y + 1);
  expect(r!.y - (h!.y + h!.height)).toBeLessThan(40);
  await context.close();
});
