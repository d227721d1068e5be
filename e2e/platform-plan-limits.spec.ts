import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { db, sessionFor, uniqueEmail, workspaceWithRoles } from "./helpers";

// The console's workspace page lists the plan's limits, each noun in its
// number's form: "1 seat", "1 API key", "1 child workspace", "1 day".
test("the console's plan limits say 1 seat and 1 API key, in the singular", async ({ browser }) => {
  const ws = await workspaceWithRoles("Singular Plan");
  const plan = `ones-${randomBytes(3).toString("hex")}`;
  await db().query("INSERT INTO plans (id, name, seats, api_keys, child_workspaces, audit_retention_days, export_allowed) VALUES ($1, 'Ones', 1, 1, 1, 1, false)", [plan]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, plan]);
  const admin = (await db().query<{ id: string }>("INSERT INTO users (email, name, is_platform_admin) VALUES ($1, 'Pat Platform', true) RETURNING id", [uniqueEmail("platform")])).rows[0]!;
  const context = await browser.newContext();
  await sessionFor(context, admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto(`/admin/workspaces/${ws.tenantId}`);
  await expect(page.getByText(/^Plan limits:/)).toHaveText(
    "Plan limits: 1 seat (members and pending invitations), 1 API key, 1 child workspace, audit log kept 1 day, export not allowed.",
  );
  await db().query("UPDATE plans SET seats = NULL, api_keys = 3, child_workspaces = 0, audit_retention_days = NULL WHERE id = $1", [plan]);
  await page.reload();
  await expect(page.getByText(/^Plan limits:/)).toHaveText(
    "Plan limits: unlimited seats (members and pending invitations), 3 API keys, 0 child workspaces, audit log kept forever, export not allowed.",
  );
  await context.close();
});
