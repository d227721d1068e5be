import { expect, test } from "@playwright/test";
import { createWorkspace, db, signIn, uniqueEmail } from "./helpers";

test("sign in by magic link, create two workspaces, switch, and the choice survives a reload", async ({ page }) => {
  const email = uniqueEmail("switcher");
  await signIn(page, email);

  await expect(page).toHaveURL(/\/app\/onboarding$/);
  await createWorkspace(page, "Acme Production");
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  await expect(page.getByTestId("dashboard-role")).toHaveText("owner");

  await page.getByTestId("workspace-switcher").click();
  await page.getByRole("link", { name: "+ Create workspace" }).click();
  await expect(page).toHaveURL(/\/app\/workspaces\/new$/);
  await page.getByLabel("Workspace name").fill("Beta Staging");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByTestId("active-workspace")).toHaveText("Beta Staging");

  await page.getByTestId("workspace-switcher").click();
  await page.getByRole("button", { name: /Acme Production/ }).click();
  await expect(page.getByTestId("active-workspace")).toHaveText("Acme Production");
  await expect(page.getByTestId("dashboard-workspace-name")).toHaveText("Acme Production");

  await page.reload();
  await expect(page.getByTestId("active-workspace")).toHaveText("Acme Production");

  const me = await page.request.get("/api/me");
  expect(me.status()).toBe(200);
  const body = await me.json();
  expect(body.user.email).toBe(email);
  expect(body.tenants.map((t: { name: string; role: string }) => `${t.name}:${t.role}`).sort()).toEqual([
    "Acme Production:owner",
    "Beta Staging:owner",
  ]);
  const active = body.tenants.find((t: { name: string }) => t.name === "Acme Production");
  expect(body.activeTenantId).toBe(active.id);
});

test("a second user cannot reach another user's workspace by forging the cookie", async ({ browser }) => {
  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  await signIn(alice, uniqueEmail("alice"));
  await createWorkspace(alice, "Alice Secret Plans");
  const aliceTenant = (await aliceContext.cookies()).find((c) => c.name === "prom_tenant")!.value;

  const malloryContext = await browser.newContext();
  const mallory = await malloryContext.newPage();
  const malloryEmail = uniqueEmail("mallory");
  await signIn(mallory, malloryEmail);
  await createWorkspace(mallory, "Mallory Workspace");

  await malloryContext.addCookies([{ name: "prom_tenant", value: aliceTenant, url: mallory.url() }]);
  await mallory.goto("/app/dashboard");
  await expect(mallory.getByTestId("active-workspace")).toHaveText("Mallory Workspace");
  await expect(mallory.getByText("Alice Secret Plans")).toHaveCount(0);

  const me = await (await mallory.request.get("/api/me")).json();
  expect(me.tenants.map((t: { name: string }) => t.name)).toEqual(["Mallory Workspace"]);
  expect(me.activeTenantId).not.toBe(aliceTenant);

  const { rows } = await db().query(
    "SELECT count(*)::int AS n FROM tenant_members m JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND m.tenant_id = $2",
    [malloryEmail, aliceTenant],
  );
  expect(rows[0].n).toBe(0);
  await aliceContext.close();
  await malloryContext.close();
});

test("bad workspace names and slugs get a message on the form and create nothing", async ({ page }) => {
  const email = uniqueEmail("badinput");
  await signIn(page, email);
  await createWorkspace(page, "Taken Slug Co");
  await page.goto("/app/workspaces/new");
  const submit = () => page.getByRole("button", { name: "Create workspace" }).click();
  const cases: Array<[string, string, string]> = [
    ["", "", "Enter a workspace name."],
    ["x".repeat(81), "", "Keep the name to 80 characters or fewer."],
    ["Fine Name", "-leading-hyphen", "Use lowercase letters, digits and single hyphens"],
    ["Fine Name", "ab", "The slug needs at least 3 characters."],
    ["Fine Name", "taken-slug-co", "The slug “taken-slug-co” is already taken. Choose another."],
  ];
  for (const [name, slug, message] of cases) {
    await page.getByLabel("Workspace name").fill(name);
    if (slug) await page.getByLabel("Slug").fill(slug);
    await submit();
    await expect(page.getByText(message)).toBeVisible();
    await expect(page).toHaveURL(/\/app\/workspaces\/new$/);
  }
  const { rows } = await db().query(
    "SELECT t.name FROM tenants t JOIN tenant_members m ON m.tenant_id = t.id JOIN users u ON u.id = m.user_id WHERE u.email = $1",
    [email],
  );
  expect(rows.map((r) => r.name)).toEqual(["Taken Slug Co"]);
});
