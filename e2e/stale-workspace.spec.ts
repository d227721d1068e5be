import { expect, test } from "@playwright/test";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

// Two tabs of one browser share its cookies: switching workspace in one
// changes the workspace the other's next request acts in. A form rendered
// for workspace A must not then act in B.
test("a form rendered for workspace A, submitted after another tab switched to B, changes nothing and says why", async ({ browser }) => {
  const alpha = await workspaceWithRoles("Alpha Stale");
  const beta = await workspaceWithRoles("Beta Stale");
  // The same owner and the same member in both workspaces.
  const [owner, member] = [alpha.users.owner, alpha.users.member];
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'owner'), ($1, $3, 'member')", [beta.tenantId, owner.id, member.id]);

  const context = await browser.newContext();
  await sessionFor(context, owner, alpha.tenantId);
  const tabA = await context.newPage();
  await tabA.goto("/app/settings");
  await expect(tabA.getByTestId("active-workspace")).toHaveText("Alpha Stale");
  await tabA.getByTestId(`remove-${member.email}`).click();

  const tabB = await context.newPage();
  await tabB.goto("/app/dashboard");
  await tabB.getByTestId("workspace-switcher").click();
  await tabB.getByRole("button", { name: /Beta Stale/ }).click();
  await expect(tabB.getByTestId("active-workspace")).toHaveText("Beta Stale");

  await tabA.getByRole("button", { name: "Remove member" }).click();
  await expect(tabA.getByText("This page belongs to workspace Alpha Stale; you have since switched to Beta Stale. Reload to continue.")).toBeVisible();
  const { rows } = await db().query<{ tenant_id: string }>("SELECT tenant_id FROM tenant_members WHERE user_id = $1 ORDER BY tenant_id", [member.id]);
  expect(rows.map((r) => r.tenant_id).sort()).toEqual([alpha.tenantId, beta.tenantId].sort());
  await context.close();
});

test("a form submitted after its user was removed from the workspace says they no longer have access, not that they switched", async ({ browser }) => {
  const acme = await workspaceWithRoles("Acme Removed");
  const home = await workspaceWithRoles("Home Kept");
  // An admin of Acme who also belongs to Home.
  const admin = acme.users.admin;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [home.tenantId, admin.id]);

  const context = await browser.newContext();
  await sessionFor(context, admin, acme.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  await expect(page.getByTestId("active-workspace")).toHaveText("Acme Removed");
  // An owner removes them while the page is open.
  await db().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [acme.tenantId, admin.id]);
  await page.getByTestId(`remove-${acme.users.member.email}`).click();
  await page.getByRole("button", { name: "Remove member" }).click();
  await expect(
    page.getByText("You no longer have access to the workspace this page belongs to (you were removed from it, or it was deleted); you are now in Home Kept. Reload to continue."),
  ).toBeVisible();
  await expect(page.getByText(/you have since switched/)).toHaveCount(0);
  const { rows } = await db().query("SELECT 1 FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [acme.tenantId, acme.users.member.id]);
  expect(rows).toHaveLength(1);
  await context.close();
});
