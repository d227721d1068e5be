import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

test("the profile's display name field takes no more than the rule allows: 80 characters", async ({ browser }) => {
  const ws = await workspaceWithRoles("Name Length");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/profile");
  const name = page.getByLabel("Display name");
  await expect(name).toHaveAttribute("maxlength", "80");
  await name.fill("x".repeat(100));
  await expect(name).toHaveValue("x".repeat(80));
  await context.close();
});

test("General → Plan says of each limit how many are allowed, as the seats say how many are used of how many", async ({ browser }) => {
  const ws = await workspaceWithRoles("Plan Words");
  const planId = `words-${randomBytes(3).toString("hex")}`;
  await db().query("INSERT INTO plans (id, name, seats, api_keys, child_workspaces) VALUES ($1, 'Words Plan', 5, 2, 0)", [planId]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, planId]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/general");
  await expect(page.getByTestId("plan-seats")).toHaveText("4 of 5 used (members and pending invitations)");
  await expect(page.getByTestId("plan-api-keys")).toHaveText("Up to 2 at a time, counting every member's keys that are not revoked or expired");
  await expect(page.getByTestId("plan-child-workspaces")).toHaveText("Not included");

  // No limits: said in words, not as a count of "Unlimited".
  await db().query("UPDATE plans SET seats = NULL, api_keys = NULL, child_workspaces = 3 WHERE id = $1", [planId]);
  await page.reload();
  await expect(page.getByTestId("plan-seats")).toHaveText("4 used, no limit (members and pending invitations)");
  await expect(page.getByTestId("plan-api-keys")).toHaveText("Unlimited");
  await expect(page.getByTestId("plan-child-workspaces")).toHaveText("Up to 3");
  await context.close();
});
