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
