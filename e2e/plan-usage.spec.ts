// What General and the Workspaces page say of a plan and the child workspaces
// under it: how many children are in use when the plan includes none (after a
// downgrade), whom to ask for more by the viewer's role, and which plan a new
// child starts on.
import { expect, test } from "@playwright/test";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

test("a workspace moved from Pro to Free with a child says the child is in use, and its Workspaces page says it exists when it is not listed", async ({ browser }) => {
  const ws = await workspaceWithRoles("Acme Downgrade");
  await db().query("UPDATE tenants SET plan_id = 'pro' WHERE id = $1", [ws.tenantId]);
  // A child whose owners allow no delegated access: its parent's owners do not see it listed.
  await db().query("INSERT INTO tenants (name, slug, parent_id, delegate_role) VALUES ($1, $2, $3, NULL)", [
    `Closed Child ${ws.slug.slice(-6)}`,
    `closed-child-${ws.slug.slice(-6)}`,
    ws.tenantId,
  ]);
  await db().query("UPDATE tenants SET plan_id = 'free' WHERE id = $1", [ws.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();

  await page.goto("/app/settings/general");
  await expect(page.getByTestId("plan-child-workspaces")).toHaveText("1 in use; your plan includes none");

  await page.goto("/app/hierarchy");
  const children = page.getByTestId("child-workspaces");
  await expect(children.getByTestId("children-not-listed")).toHaveText("1 child workspace, not listed here: its owners allow no delegated access.");
  await expect(children.getByText("None yet.")).toHaveCount(0);
  await context.close();
});

test("General's plan section tells an owner to ask the platform's operators, and anyone else an owner, who can ask them", async ({ browser }) => {
  const ws = await workspaceWithRoles("Advice Plan");
  for (const [role, advice] of [
    ["owner", "What the workspace's plan allows. For more, ask the platform's operators to upgrade the plan."],
    ["admin", "What the workspace's plan allows. For more, ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan."],
    ["member", "What the workspace's plan allows. For more, ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan."],
  ] as const) {
    const context = await browser.newContext();
    await sessionFor(context, ws.users[role], ws.tenantId);
    const page = await context.newPage();
    await page.goto("/app/settings/general");
    await expect(page.getByTestId("settings-plan").getByText(/^What the workspace's plan allows\./)).toHaveText(advice);
    await context.close();
  }
});

test("the form for a child workspace says which plan the child starts on: the default plan, whatever the parent's", async ({ browser }) => {
  const ws = await workspaceWithRoles("Pro Parent");
  await db().query("UPDATE tenants SET plan_id = 'pro' WHERE id = $1", [ws.tenantId]);
  const { name } = (await db().query<{ name: string }>("SELECT name FROM plans WHERE id = app_default_plan_id()")).rows[0]!;
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/hierarchy");
  await expect(page.getByTestId("create-child")).toContainText(
    `It starts on the ${name} plan, as every new workspace does; only the platform's operators change a workspace's plan.`,
  );
  await context.close();
});
