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

test("General → Plan says of each limit how many are used of how many, as the seats do", async ({ browser }) => {
  const ws = await workspaceWithRoles("Plan Words");
  const planId = `words-${randomBytes(3).toString("hex")}`;
  await db().query("INSERT INTO plans (id, name, seats, api_keys, child_workspaces) VALUES ($1, 'Words Plan', 5, 2, 0)", [planId]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, planId]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/general");
  await expect(page.getByTestId("plan-seats")).toHaveText("4 of 5 used (members and pending invitations)");
  await expect(page.getByTestId("plan-api-keys")).toHaveText("0 of 2 used (every member's keys that are not revoked or expired)");
  await expect(page.getByTestId("plan-child-workspaces")).toHaveText("Not included");

  // A member's key counts (the limit is the workspace's), and so does a child workspace; a revoked key does not.
  const key = (userId: string, revoked: boolean) =>
    db().query(
      `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at, revoked_at)
       VALUES ($1, $2, 'Words', 'read', $3, $4, now() + interval '30 days', CASE WHEN $5 THEN now() END)`,
      [ws.tenantId, userId, `tnty_${randomBytes(4).toString("hex")}`, randomBytes(32).toString("hex"), revoked],
    );
  await key(ws.users.member.id, false);
  await key(ws.users.owner.id, true);
  // No limits: said in words, not as a count of "Unlimited".
  await db().query("UPDATE plans SET seats = NULL, api_keys = NULL, child_workspaces = 3 WHERE id = $1", [planId]);
  await db().query("INSERT INTO tenants (name, slug, parent_id) VALUES ('Words Child', $1, $2)", [`words-child-${planId}`, ws.tenantId]);
  await page.reload();
  await expect(page.getByTestId("plan-seats")).toHaveText("4 used, no limit (members and pending invitations)");
  await expect(page.getByTestId("plan-api-keys")).toHaveText("1 used, no limit (every member's keys that are not revoked or expired)");
  await expect(page.getByTestId("plan-child-workspaces")).toHaveText("1 of 3 used");

  // A member may not see the workspace's children: only the limit.
  const memberContext = await browser.newContext();
  await sessionFor(memberContext, ws.users.member, ws.tenantId);
  const memberPage = await memberContext.newPage();
  await memberPage.goto("/app/settings/general");
  await expect(memberPage.getByTestId("plan-api-keys")).toHaveText("1 used, no limit (every member's keys that are not revoked or expired)");
  await expect(memberPage.getByTestId("plan-child-workspaces")).toHaveText("Up to 3");
  await memberContext.close();
  await context.close();
});

test("the audit log's search says what it finds: the values an event recorded, not the Details column's wording", async ({ browser }) => {
  const ws = await workspaceWithRoles("Search Words");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/audit");
  const search = page.getByLabel("Search", { exact: true });
  await expect(search).toHaveAttribute("placeholder", "names, addresses, ids…");
  await expect(search).toHaveAccessibleDescription(
    "Finds events that recorded every word (whole words of two or more letters or digits): the target's id and the values stored with the event, such as names, email addresses, ids and roles. The wording of the Details column is not searched.",
  );
  await context.close();
});
