import { expect, test } from "@playwright/test";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

test("an owner deletes a workspace after typing its name, its members lose it at once, and restoring brings it back whole", async ({ browser }) => {
  const ws = await workspaceWithRoles("Doomed Deal Room");
  await db().query(
    `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by)
     VALUES ($1, 'pending-guest@example.test', 'member', encode(sha256(gen_random_uuid()::text::bytea), 'hex'), now() + interval '7 days', $2)`,
    [ws.tenantId, ws.users.owner.id],
  );
  const ownerContext = await browser.newContext();
  await sessionFor(ownerContext, ws.users.owner, ws.tenantId);
  const owner = await ownerContext.newPage();
  const memberContext = await browser.newContext();
  await sessionFor(memberContext, ws.users.member, ws.tenantId);
  const member = await memberContext.newPage();
  await member.goto("/app/dashboard");
  await expect(member.getByTestId("active-workspace")).toHaveText("Doomed Deal Room");
  // A second owner, shown the workspace before another owner deletes it.
  await db().query("UPDATE tenant_members SET role = 'owner' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.admin.id]);
  const coOwnerContext = await browser.newContext();
  await sessionFor(coOwnerContext, ws.users.admin, ws.tenantId);
  const coOwner = await coOwnerContext.newPage();
  await coOwner.goto("/app/dashboard");
  await expect(coOwner.getByTestId("active-workspace")).toHaveText("Doomed Deal Room");

  await owner.goto("/app/settings/general");
  await owner.getByTestId("delete-workspace").click();
  const dialog = owner.getByRole("dialog");
  // The button waits for the name (the action checks it again).
  await expect(dialog.getByRole("button", { name: "Delete workspace" })).toBeDisabled();
  await dialog.getByLabel("Workspace name").fill("Doomed Deal");
  await expect(dialog.getByRole("button", { name: "Delete workspace" })).toBeDisabled();
  await dialog.getByLabel("Workspace name").fill("Doomed Deal Room");
  await expect(dialog.getByRole("button", { name: "Delete workspace" })).toBeEnabled();
  await dialog.getByRole("button", { name: "Delete workspace" }).click();

  await expect(owner).toHaveURL(/\/app\/trash\?deleted=/);
  await expect(owner.getByText("“Doomed Deal Room” was deleted.")).toBeVisible();
  const row = owner.locator('[data-testid="trash-row"]', { hasText: "Doomed Deal Room" });
  await expect(row).toContainText("purged in 30 days");

  // The member's next request no longer reaches it: the welcome says they lost it, not that they have no workspace "yet".
  await member.goto("/app/dashboard");
  await expect(member).toHaveURL(/\/app\/onboarding$/);
  await expect(member.getByTestId("lost-workspace-notice")).toContainText("You no longer have access to Doomed Deal Room");
  await expect(member.getByText("You do not belong to a workspace any more: create one, or accept an invitation sent to this address.")).toBeVisible();
  // The other owner is told it is in their trash, and so is the owner who deleted it, their only workspace: the way back.
  await coOwner.goto("/app");
  await expect(coOwner.getByTestId("lost-workspace-notice")).toHaveText("Doomed Deal Room was deleted. It is in your trash, where you can restore it.");
  await owner.goto("/app");
  await expect(owner.getByText("You do not belong to a workspace any more: restore the one in your trash, create one, or accept")).toBeVisible();
  await owner.getByTestId("onboarding-trash").click();
  await expect(owner).toHaveURL(/\/app\/trash$/);

  await row.getByRole("button", { name: "Restore" }).click();
  await owner.getByRole("dialog").getByRole("button", { name: "Restore workspace" }).click();
  await expect(owner.getByTestId("active-workspace")).toHaveText("Doomed Deal Room");
  // The restore says it happened.
  await expect(owner.getByTestId("restored-workspace-notice")).toHaveText(
    "“Doomed Deal Room” was restored from the trash. Its members have their access back, with everything it held when it was deleted.",
  );
  // The focus goes to it, not to the page: the Restore button went away with the trash.
  await expect(owner.locator(":focus")).toContainText("“Doomed Deal Room” was restored from the trash.");
  // Said once: the address forgets it, and a reload does not say it again.
  await expect(owner).toHaveURL(/\/app\/dashboard$/);
  await owner.reload();
  await expect(owner.getByTestId("active-workspace")).toHaveText("Doomed Deal Room");
  await expect(owner.getByTestId("restored-workspace-notice")).toHaveCount(0);

  await member.goto("/app/dashboard");
  await expect(member.getByTestId("active-workspace")).toHaveText("Doomed Deal Room");
  const { rows } = await db().query("SELECT status, deleted_at FROM tenant_invitations WHERE tenant_id = $1", [ws.tenantId]);
  expect(rows).toEqual([{ status: "pending", deleted_at: null }]);
  const audit = await db().query("SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'tenant.%' ORDER BY id", [ws.tenantId]);
  expect(audit.rows.map((r) => r.action)).toEqual(["tenant.delete", "tenant.restore"]);
  await ownerContext.close();
  await memberContext.close();
  await coOwnerContext.close();
});

test("a member of a suspended workspace is told so, and reaches their other workspaces", async ({ browser }) => {
  const suspended = await workspaceWithRoles("Frozen Fjord");
  const other = await workspaceWithRoles("Open Orchard");
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [other.tenantId, suspended.users.admin.id]);
  await db().query("UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1", [suspended.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, suspended.users.admin, suspended.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  await expect(page).toHaveURL(/\/app\/suspended$/);
  await expect(page.getByTestId("suspended-title")).toHaveText("Frozen Fjord is suspended");
  // No download either: 402, before any byte.
  const exported = await page.request.get("/app/audit/export?format=csv");
  expect(exported.status()).toBe(402);
  await page.getByTestId("workspace-switcher").click();
  await page.getByRole("button", { name: /Open Orchard/ }).click();
  await expect(page.getByTestId("active-workspace")).toHaveText("Open Orchard");
  await context.close();
});

test("purging a workspace from the trash updates the page: no Restore or Purge now for it, and no banner offering to restore it", async ({ browser }) => {
  const ws = await workspaceWithRoles("Burnt Bridge");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const owner = await context.newPage();
  await owner.goto("/app/settings/general");
  await owner.getByTestId("delete-workspace").click();
  await owner.getByRole("dialog").getByLabel("Workspace name").fill("Burnt Bridge");
  await owner.getByRole("dialog").getByRole("button", { name: "Delete workspace" }).click();
  await expect(owner).toHaveURL(/\/app\/trash\?deleted=/);
  await expect(owner.getByText("“Burnt Bridge” was deleted. Its members have lost access; you can restore it below.")).toBeVisible();

  const row = owner.locator('[data-testid="trash-row"]', { hasText: "Burnt Bridge" });
  await row.getByRole("button", { name: "Purge now" }).click();
  const dialog = owner.getByRole("dialog");
  await expect(dialog.getByRole("button", { name: "Purge for good" })).toBeDisabled();
  await dialog.getByLabel("Workspace name").fill("Burnt Bridg");
  await expect(dialog.getByRole("button", { name: "Purge for good" })).toBeDisabled();
  await dialog.getByLabel("Workspace name").fill("Burnt Bridge");
  await dialog.getByRole("button", { name: "Purge for good" }).click();
  await expect(owner.getByText("“Burnt Bridge” is being purged. This cannot be undone.")).toBeVisible();
  // The focus goes to the notice, not to the page: the Purge now button went away with the row's actions.
  await expect(owner.locator(":focus")).toHaveText("“Burnt Bridge” is being purged. This cannot be undone.");
  // The row no longer offers what can no longer be done, and nothing says it can be restored.
  await expect(row.getByRole("button", { name: "Restore" })).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Purge now" })).toHaveCount(0);
  await expect(owner.getByText("you can restore it below")).toHaveCount(0);
  await owner.reload();
  await expect(owner.getByText("you can restore it below")).toHaveCount(0);
  await context.close();
});

test("the page saying a workspace is suspended offers to sign out, whether or not one has another workspace", async ({ browser }) => {
  const suspended = await workspaceWithRoles("Sealed Sound");
  await db().query("UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1", [suspended.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, suspended.users.member, suspended.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await expect(page).toHaveURL(/\/app\/suspended$/);
  await expect(page.getByTestId("suspended-title")).toHaveText("Sealed Sound is suspended");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/app/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
  await context.close();
});

test("the delete dialog says deleting cancels the ownership transfer in progress, and to whom, before the owner confirms", async ({ browser }) => {
  const ws = await workspaceWithRoles("Handover Harbour");
  await db().query(
    `INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, status, due_at, confirmed_at, final_confirmed_at)
     VALUES ($1, $2, $3, 'cooling', now() + interval '70 hours', now() - interval '26 hours', now())`,
    [ws.tenantId, ws.users.owner.id, ws.users.member.id],
  );
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const owner = await context.newPage();
  await owner.goto("/app/settings/general");
  await owner.getByTestId("delete-workspace").click();
  const dialog = owner.getByRole("dialog");
  await expect(dialog.getByTestId("delete-cancels-transfer")).toHaveText(
    `Deleting it cancels the transfer of ownership to Member User (${ws.users.member.email}) now in progress. Restoring the workspace does not resume it.`,
  );
  await dialog.getByLabel("Workspace name").fill("Handover Harbour");
  await dialog.getByRole("button", { name: "Delete workspace" }).click();
  await expect(owner).toHaveURL(/\/app\/trash\?deleted=/);
  const { rows } = await db().query("SELECT status, end_reason FROM ownership_transfers WHERE tenant_id = $1", [ws.tenantId]);
  expect(rows).toEqual([{ status: "cancelled", end_reason: "workspace_deleted" }]);
  await context.close();
});

test("a delete refused because the owner lost ownership in another tab says so where the danger zone was", async ({ browser }) => {
  const ws = await workspaceWithRoles("Slipped Summit");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const owner = await context.newPage();
  await owner.goto("/app/settings/general");
  await owner.getByTestId("delete-workspace").click();
  const dialog = owner.getByRole("dialog");
  await dialog.getByLabel("Workspace name").fill("Slipped Summit");
  // Meanwhile ownership passed to another (a transfer completed in another tab).
  await db().query("UPDATE tenant_members SET role = 'owner' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.admin.id]);
  await db().query("UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.owner.id]);
  await dialog.getByRole("button", { name: "Delete workspace" }).click();
  // The page renders again without the danger zone, and the refusal stays in its place, with the focus.
  const refused = owner.getByTestId("refused-form");
  await expect(refused).toContainText("Your role in this workspace does not allow that (any more): the page now shows your current role.");
  await expect(refused).toBeFocused();
  await expect(owner.getByTestId("delete-workspace")).toHaveCount(0);
  const { rows } = await db().query("SELECT status::text FROM tenants WHERE id = $1", [ws.tenantId]);
  expect(rows).toEqual([{ status: "active" }]);
  await context.close();
});
