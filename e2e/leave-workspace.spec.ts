import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

/** Leaves the workspace the members page shows, after confirming. */
async function leave(page: import("@playwright/test").Page) {
  await page.goto("/app/settings");
  await page.getByRole("button", { name: "Leave workspace" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Leave workspace" }).click();
}

test("leaving one's last workspace lands on the welcome page, which says so and still offers a new workspace and the invitations", async ({ browser }) => {
  const ws = await workspaceWithRoles("Last Left Co");
  const inviting = await workspaceWithRoles("Still Inviting Co");
  const member = ws.users.member;
  await db().query(
    "INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at) VALUES ($1, $2, 'member', $3, now() + interval '1 day')",
    [inviting.tenantId, member.email, createHash("sha256").update(randomBytes(32)).digest("hex")],
  );
  const context = await browser.newContext();
  await sessionFor(context, member, ws.tenantId);
  const page = await context.newPage();
  await leave(page);
  await expect(page).toHaveURL(/\/app\/onboarding\?left=/);
  await expect(page.getByRole("heading", { name: "Welcome to Tenantry" })).toBeVisible();
  await expect(page.getByTestId("left-workspace-notice")).toHaveText("You left Last Left Co.");
  await expect(page.getByTestId("pending-invitations")).toContainText("Still Inviting Co");
  await expect(page.getByRole("heading", { name: "Create a workspace" })).toBeVisible();
  await expect(page.getByTestId("lost-workspace-notice")).toHaveCount(0);
  await context.close();
});

test("leaving a workspace while others remain says so on the next one's dashboard", async ({ browser }) => {
  const left = await workspaceWithRoles("Left Behind Co");
  const kept = await workspaceWithRoles("Kept On Co");
  const member = left.users.member;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [kept.tenantId, member.id]);
  const context = await browser.newContext();
  await sessionFor(context, member, left.tenantId);
  const page = await context.newPage();
  await leave(page);
  await expect(page).toHaveURL(/\/app\/dashboard\?left=/);
  await expect(page.getByTestId("active-workspace")).toHaveText("Kept On Co");
  await expect(page.getByTestId("left-workspace-notice")).toHaveText("You left Left Behind Co.");
  await context.close();
});

test("a link that says one left a workspace is believed only from one's own leaving: a crafted one, or another person's, says nothing", async ({ browser }) => {
  const ws = await workspaceWithRoles("Really Left Co");
  const other = await workspaceWithRoles("Someone Else Co");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  // Anyone can send a link: what it says must not appear as the app's own word.
  const crafted = "Acme. Your account is locked: call +1 555 0100 to unlock it";
  for (const path of ["/app", "/app/dashboard", "/app/onboarding"]) {
    await page.goto(`${path}?left=${encodeURIComponent(crafted)}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByTestId("left-workspace-notice")).toHaveCount(0);
  }
  // One's own leaving is told; the link it lands on says nothing to someone else.
  await leave(page);
  await expect(page.getByTestId("left-workspace-notice")).toHaveText("You left Really Left Co.");
  const landed = page.url();
  const elsewhere = await browser.newContext();
  await sessionFor(elsewhere, other.users.member, other.tenantId);
  const theirs = await elsewhere.newPage();
  await theirs.goto(landed);
  await expect(theirs.getByTestId("active-workspace")).toHaveText("Someone Else Co");
  await expect(theirs.getByTestId("left-workspace-notice")).toHaveCount(0);
  await elsewhere.close();
  await context.close();
});
