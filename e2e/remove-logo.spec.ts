import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

// Removing a workspace's logo cannot be undone (the image is gone; only a new
// upload brings one back), so the button asks first, as every other
// destructive action does.
test("removing the logo asks first: Cancel keeps it, confirming removes it", async ({ browser }) => {
  const ws = await workspaceWithRoles("Logo Works");
  const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: "#0b6e4f" } }).png().toBuffer();
  await db().query("INSERT INTO tenant_logos (tenant_id, content, mime, width, height, updated_by) VALUES ($1, $2, 'image/png', 64, 64, $3)", [
    ws.tenantId,
    png,
    ws.users.owner.id,
  ]);
  const logos = async () => (await db().query<{ n: number }>("SELECT count(*)::int AS n FROM tenant_logos WHERE tenant_id = $1", [ws.tenantId])).rows[0]!.n;
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/general");
  await expect(page.getByTestId("settings-logo")).toBeVisible();

  await page.getByRole("button", { name: "Remove logo" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove the logo?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("settings-logo")).toBeVisible();
  expect(await logos()).toBe(1);

  await page.getByRole("button", { name: "Remove logo" }).click();
  await dialog.getByRole("button", { name: "Remove logo" }).click();
  await expect(page.getByTestId("remove-logo-saved")).toHaveText("The logo was removed.");
  await expect(page.getByTestId("settings-logo")).toHaveCount(0);
  expect(await logos()).toBe(0);
  await context.close();
});
