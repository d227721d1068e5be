import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

// The new key is shown once, with a Copy button whose "Copied" belongs to
// that key: a key created next, before the first is put away, starts at
// "Copy" — the clipboard still holds the first.
test("a key created while another is shown starts at Copy, and Copy copies it", async ({ browser }) => {
  const ws = await workspaceWithRoles("Copy Twice");
  await db().query("UPDATE tenants SET plan_id = 'enterprise' WHERE id = $1", [ws.tenantId]);
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await sessionFor(context, ws.users.admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/api-keys");

  const create = async (name: string) => {
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByTestId("api-key-row").filter({ hasText: name })).toBeVisible();
    return page.getByTestId("new-api-key-value").inputValue();
  };
  const first = await create("Key A");
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(page.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);

  const second = await create("Key B");
  expect(second).not.toBe(first);
  await expect(page.getByTestId("new-api-key-value")).toHaveValue(second);
  await expect(page.getByRole("button", { name: "Copy", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Copied", exact: true })).toHaveCount(0);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(page.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(second);
  await context.close();
});

// A plan changed to one allowing fewer keys than the workspace has: nothing
// is removed, and a new key is refused until fewer are in use. The page says
// how many there are, more than the plan's, as General says the seats.
test("after a downgrade below the keys in use, the page says how many there are, more than the plan allows", async ({ browser }) => {
  const ws = await workspaceWithRoles("Downgraded Keys");
  await db().query("UPDATE tenants SET plan_id = 'enterprise' WHERE id = $1", [ws.tenantId]);
  for (let i = 0; i < 5; i++) {
    await db().query(
      `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at)
       VALUES ($1, $2, $3, 'read', $4, $5, now() + interval '30 days')`,
      [ws.tenantId, ws.users.owner.id, `Key ${i}`, `tnty_${randomBytes(4).toString("hex")}`, randomBytes(32).toString("hex")],
    );
  }
  const plan = `keys-1-${randomBytes(3).toString("hex")}`;
  await db().query("INSERT INTO plans (id, name, api_keys) VALUES ($1, $1, 1)", [plan]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, plan]);

  const pageAs = async (user: { id: string }) => {
    const context = await browser.newContext();
    await sessionFor(context, user, ws.tenantId);
    const page = await context.newPage();
    await page.goto("/app/settings/api-keys");
    return { context, page };
  };
  const owner = await pageAs(ws.users.owner);
  await expect(owner.page.getByTestId("api-keys-full")).toHaveText(
    "5 API keys are in use, more than the 1 your plan allows; they keep working, and no new one can be created. To create one, revoke 5 of them below, or ask the platform's operators to upgrade the plan.",
  );
  await expect(owner.page.getByTestId("create-api-key-form")).toHaveCount(0);
  await expect(owner.page.getByTestId("api-key-row")).toHaveCount(5);

  // A member, who sees none of them, asks someone who may revoke them.
  const member = await pageAs(ws.users.member);
  await expect(member.page.getByTestId("api-keys-full")).toContainText(
    "5 API keys are in use, more than the 1 your plan allows; they keep working, and no new one can be created. To create one, ask one of the workspace's owners or admins to revoke 5 of them, or ask one of the workspace's owners",
  );
  await expect(member.page.getByTestId("api-keys-full")).not.toContainText("The 1 API key your plan allows is in use");
  await Promise.all([owner.context.close(), member.context.close()]);
});
