// A browser whose session was signed out from another device still sends
// its old session cookie. Sent to sign in, it signs in again by link — the
// link is not refused as a server misconfiguration, link after link.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { sessionFor, signIn, workspaceWithRoles } from "./helpers";

/** Browsers P and Q, both signed in as the workspace's owner, each on its dashboard. */
async function twoBrowsers(browser: Browser, name: string) {
  const ws = await workspaceWithRoles(name);
  const user = ws.users.owner;
  const pages: Page[] = [];
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext();
    await sessionFor(context, user, ws.tenantId);
    const page = await context.newPage();
    await page.goto("/app");
    await expect(page.getByTestId("active-workspace")).toHaveText(name);
    pages.push(page);
  }
  return { user, p: pages[0]!, q: pages[1]!, name };
}

/** Q, its session ended: sent to sign in, it signs in again by link and reaches the workspace. */
async function signsInAgain(q: Page, email: string, name: string) {
  const before = (await q.context().cookies()).find((c) => c.name === "authjs.session-token")?.value;
  await q.goto("/app");
  await expect(q).toHaveURL(/\/sign-in(\?|$)/);
  await signIn(q, email);
  await expect(q).not.toHaveURL(/\/sign-in\/error/);
  await expect(q).toHaveURL(/\/app\/dashboard$/);
  await expect(q.getByTestId("active-workspace")).toHaveText(name);
  const after = (await q.context().cookies()).find((c) => c.name === "authjs.session-token")?.value;
  expect(after).toBeTruthy();
  expect(after).not.toBe(before);
  expect((await q.request.get("/api/me")).status()).toBe(200);
}

test("a browser signed out by \"Sign out other sessions\" elsewhere signs in again by link", async ({ browser }) => {
  const { user, p, q, name } = await twoBrowsers(browser, "Stale Cookie Others");
  await p.goto("/app/profile");
  await expect(p.getByTestId("session-row")).toHaveCount(2);
  await p.getByTestId("sign-out-others").click();
  await p.getByRole("dialog").getByRole("button", { name: "Sign out others" }).click();
  await expect(p.getByTestId("session-row")).toHaveCount(1);

  await signsInAgain(q, user.email, name);
  // P was never signed out.
  await p.reload();
  await expect(p.getByTestId("session-row")).toHaveCount(2);
  await p.context().close();
  await q.context().close();
});

test("a browser signed out by \"Sign out\" on its row elsewhere signs in again by link", async ({ browser }) => {
  const { user, p, q, name } = await twoBrowsers(browser, "Stale Cookie One");
  await p.goto("/app/profile");
  const rows = p.getByTestId("session-row");
  await expect(rows).toHaveCount(2);
  await rows.filter({ hasNotText: "This device" }).getByRole("button", { name: "Sign out" }).click();
  await p.getByRole("dialog").getByRole("button", { name: "Sign out" }).click();
  await expect(rows).toHaveCount(1);

  await signsInAgain(q, user.email, name);
  await p.context().close();
  await q.context().close();
});
