import { expect, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { createWorkspace, db, sessionFor, signIn, uniqueEmail } from "./helpers";

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

test("a user of more workspaces than a page carries opens the switcher, sees them all, searches and switches", async ({ page, context }) => {
  // 60 workspaces: beyond the 50 a page carries (components/switcher-list.ts).
  const email = uniqueEmail("many");
  const user = (await db().query<{ id: string }>("INSERT INTO users (email, name) VALUES ($1, 'Many Workspaces') RETURNING id", [email])).rows[0]!;
  const tag = randomBytes(3).toString("hex");
  const names = Array.from({ length: 60 }, (_, i) => `Fleet ${tag} ${String(i + 1).padStart(2, "0")}`);
  const ids: string[] = [];
  for (const [i, name] of names.entries()) {
    const tenant = (await db().query<{ id: string }>("INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id", [name, `fleet-${tag}-${i + 1}`])).rows[0]!;
    await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, $3)", [tenant.id, user.id, i % 2 ? "member" : "admin"]);
    ids.push(tenant.id);
  }
  await sessionFor(context, user, ids[0]!);

  // The page itself carries none of the list: only the active workspace.
  const html = await (await page.request.get("/app/dashboard")).text();
  expect(html).toContain(names[0]!);
  expect(ids.slice(1).filter((id) => html.includes(id))).toEqual([]);

  await page.goto("/app/dashboard");
  await expect(page.getByTestId("active-workspace")).toHaveText(names[0]!);
  await page.getByTestId("workspace-switcher").click();
  const entries = page.getByTestId("workspace-list").locator("button[name=tenantId]:visible");
  await expect(entries).toHaveCount(60);
  await expect(page.getByTestId("workspace-list-loading")).toHaveCount(0);

  // Searched in the loaded list: "… 4" is 40–49.
  await page.getByTestId("workspace-search").fill(`${tag} 4`);
  await expect(entries).toHaveCount(10);
  await page.getByRole("button", { name: new RegExp(`${names[46]!}`) }).click();
  await expect(page.getByTestId("active-workspace")).toHaveText(names[46]!);
  await expect(page.getByTestId("dashboard-workspace-name")).toHaveText(names[46]!);

  // A child workspace created on the page that stays open: the page now says the memberships changed, and the list loaded before is dropped.
  await page.getByRole("link", { name: "Workspaces", exact: true }).click();
  await expect(page.getByRole("button", { name: "Create child workspace" })).toBeVisible();
  await page.getByTestId("workspace-switcher").click();
  await expect(entries).toHaveCount(60);
  await page.keyboard.press("Escape");
  await page.getByLabel("Name", { exact: true }).fill(`Fleet ${tag} child`);
  await page.getByRole("button", { name: "Create child workspace" }).click();
  await expect(page.getByTestId("create-child-done")).toBeVisible();
  await page.getByTestId("workspace-switcher").click();
  await expect(entries).toHaveCount(61);
  await expect(page.getByTestId("workspace-list").locator("li[data-depth='1']").getByRole("button", { name: new RegExp(`Fleet ${tag} child`) })).toBeVisible();
  await page.keyboard.press("Escape");

  // Removed from one meanwhile: once a page shows it (here, the next switch), the list loaded before is dropped.
  await db().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ids[59], user.id]);
  await page.getByTestId("workspace-switcher").click();
  await page.getByRole("button", { name: new RegExp(`${names[2]!}`) }).click();
  await expect(page.getByTestId("active-workspace")).toHaveText(names[2]!);
  await page.getByTestId("workspace-switcher").click();
  await expect(entries).toHaveCount(60);
  await expect(page.getByRole("button", { name: new RegExp(names[59]!) })).toHaveCount(0);
  await page.keyboard.press("Escape");

  // A session that ended before the list was asked for: the switcher says so instead of an empty list.
  // (The pointer is moved off the switcher first: hovering it after the reload would load the list early.)
  await page.mouse.move(900, 600);
  await page.reload();
  await db().query("DELETE FROM sessions WHERE user_id = $1", [user.id]);
  await page.getByTestId("workspace-switcher").click();
  const listError = page.getByTestId("workspace-list-error");
  await expect(listError).toContainText("Your session has ended. Sign in again.");
  // Its last words are the way back in: the sign-in page, then this page again (no "Try again", which cannot help).
  const here = new URL(page.url());
  await expect(listError.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", `/sign-in?next=${encodeURIComponent(here.pathname + here.search)}`);
  await expect(listError.getByRole("button", { name: "Try again" })).toHaveCount(0);
  await expect(entries).toHaveCount(0);
});
