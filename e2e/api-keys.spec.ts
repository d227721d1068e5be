import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

// API keys in the browser: a member creates a read-only key, sees
// it exactly once with a copy button, uses it against the API, and revokes
// it after confirming; the reference and an error type's page load from the
// app itself.
test("a member creates a key, sees it once, uses it, and revokes it after confirming", async ({ browser, baseURL }) => {
  const ws = await workspaceWithRoles("Keyed Works");
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();

  await page.goto("/app/settings/general");
  await page.getByTestId("api-keys-link").click();
  await expect(page).toHaveURL(/\/app\/settings\/api-keys$/);
  await expect(page.getByText("No API keys yet.")).toBeVisible();

  // A name is required: the form says so and keeps what was chosen.
  await page.getByLabel("Access").selectOption("read");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Name the key, e.g. “CI deploys”.")).toBeVisible();

  await page.getByLabel("Name", { exact: true }).fill("Deploy script");
  await page.getByLabel("Expires").selectOption("90");
  await page.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByTestId("new-api-key-value");
  await expect(shown).toBeVisible();
  const key = await shown.inputValue();
  expect(key).toMatch(/^tnty_[0-9A-Za-z]{49}$/);
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(page.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  // Listed by its prefix, never in full; gone from the page once dismissed or reloaded.
  const row = page.getByTestId("api-key-row");
  await expect(row).toContainText("Deploy script");
  await expect(row).toContainText(key.slice(0, 13));
  await expect(row).toContainText("Never used");
  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  expect(await page.content()).not.toContain(key);
  const stored = await db().query("SELECT key_hash, prefix FROM api_keys WHERE tenant_id = $1", [ws.tenantId]);
  expect(stored.rows).toHaveLength(1);
  expect(JSON.stringify(stored.rows)).not.toContain(key);

  // The key works against the API, read-only.
  const me = await page.request.get(`${baseURL}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).key.scope).toBe("read");
  const write = await page.request.patch(`${baseURL}/api/v1/tenants/${ws.tenantId}`, {
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    data: { name: "Nope" },
  });
  expect(write.status()).toBe(403);
  expect(write.headers()["content-type"]).toBe("application/problem+json");
  // A resource's endpoints too (projects, registered by its module): a read key lists, and creates nothing.
  const projects = await page.request.get(`${baseURL}/api/v1/tenants/${ws.tenantId}/projects`, { headers: { Authorization: `Bearer ${key}` } });
  expect(projects.status()).toBe(200);
  expect(await projects.json()).toEqual({ data: [], total: 0, nextCursor: null });
  const create = await page.request.post(`${baseURL}/api/v1/tenants/${ws.tenantId}/projects`, {
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    data: { name: "Nope" },
  });
  expect(create.status()).toBe(403);
  // As Next.js routes them: a path no endpoint has, and a method a path does not take, are problems too.
  const misses: Array<[string, string, number, string]> = [
    ["GET", "/api/v1", 404, "not-found"],
    ["GET", "/api/v1/nope", 404, "not-found"],
    ["POST", `/api/v1/tenants/${ws.tenantId}/nope`, 404, "not-found"],
    ["PUT", `/api/v1/tenants/${ws.tenantId}`, 405, "method-not-allowed"],
    ["DELETE", "/api/v1/me", 405, "method-not-allowed"],
  ];
  for (const [method, path, status, type] of misses) {
    const answer = await page.request.fetch(`${baseURL}${path}`, { method, headers: { Authorization: `Bearer ${key}` } });
    expect(answer.status(), `${method} ${path}`).toBe(status);
    expect(answer.headers()["content-type"]).toBe("application/problem+json");
    expect((await answer.json()).type).toMatch(new RegExp(`/docs/errors/${type}$`));
    if (status === 405) expect(answer.headers().allow).toBe(path.endsWith("/me") ? "GET, HEAD, OPTIONS" : "GET, PATCH, HEAD, OPTIONS");
  }
  const head = await page.request.head(`${baseURL}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
  expect(head.status()).toBe(200);
  expect(await head.text()).toBe("");
  await page.reload();
  await expect(page.getByTestId("api-key-row")).toContainText("Last used");

  // Revoking asks first; cancelling keeps the key.
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  expect((await page.request.get(`${baseURL}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } })).status()).toBe(200);
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  await page.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("api-key-row")).toContainText("Revoked");
  const refused = await page.request.get(`${baseURL}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  const problem = await refused.json();
  expect(problem.type).toMatch(/\/docs\/errors\/unauthorized$/);

  // The problem's type is a page; the reference loads from the app, no CDN.
  await page.goto(new URL(problem.type).pathname);
  await expect(page.getByTestId("problem-title")).toHaveText("No valid API key");
  const outside: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(baseURL!)) outside.push(r.url());
  });
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { name: "Tenantry API", level: 1 })).toBeVisible({ timeout: 20_000 });
  // One reference, not an empty one above it: Scalar's bundle mounts a second
  // app of its own beside any element whose id is "api-reference".
  await expect(page.getByRole("main")).toHaveCount(1);
  await expect(page.getByText("Accept an invitation with its token, as the key's user").first()).toBeAttached();
  await expect(page.getByText("Create a project").first()).toBeAttached();
  expect(outside).toEqual([]);
  await context.close();
});

// React resets a form after its action runs, and a reset <select> shows its
// first option whatever was chosen: after a refusal the form must still show
// the access and expiry that were sent, and create exactly what it shows.
test("a refused key keeps the chosen access and expiry on the form, and the key made next is what the form shows", async ({ browser }) => {
  const ws = await workspaceWithRoles("Kept Choices");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/api-keys");
  const form = page.getByTestId("create-api-key-form");
  const access = form.getByLabel("Access");
  const expires = form.getByLabel("Expires");

  // No name: refused; the choices stay.
  await access.selectOption("read_write");
  await expires.selectOption("7");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Name the key, e.g. “CI deploys”.")).toBeVisible();
  await expect(access).toHaveValue("read_write");
  await expect(expires).toHaveValue("7");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("");

  // A date: still refused for the name; the date field keeps its date beside "On a date…".
  await expires.selectOption("date");
  const date = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  await form.getByLabel("Expiry date").fill(date);
  await form.getByLabel("Name", { exact: true }).fill("   ");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Name the key, e.g. “CI deploys”.")).toBeVisible();
  await expect(expires).toHaveValue("date");
  await expect(form.getByLabel("Expiry date")).toHaveValue(date);
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("   ");
  await expect(access).toHaveValue("read_write");

  // Named: the key made is the one the form showed.
  await expires.selectOption("7");
  await form.getByLabel("Name", { exact: true }).fill("Deploys");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-api-key-value")).toBeVisible();
  await expect(page.getByTestId("api-key-row")).toContainText("Read and write");
  const stored = (await db().query<{ scope: string; days: number }>(
    "SELECT scope, round(extract(epoch FROM expires_at - created_at) / 86400)::int AS days FROM api_keys WHERE tenant_id = $1",
    [ws.tenantId],
  )).rows;
  expect(stored).toEqual([{ scope: "read_write", days: 7 }]);
  // The form is ready for the next key.
  await expect(access).toHaveValue("read");
  await expect(expires).toHaveValue("30");
  await context.close();
});

// A plan limits a workspace's live keys (lib/billing/limits.ts). A plan with
// none offers no form that can only be refused; one whose keys are all in
// use says so, and a refusal the page could not foresee (another member's
// keys) names the limit.
test("a plan without API keys says so instead of offering the form; a plan whose keys are in use says so too", async ({ browser }) => {
  const ws = await workspaceWithRoles("Keyless Plan");
  const plan = async (apiKeys: number) => {
    const id = `keys-${apiKeys}-${randomBytes(3).toString("hex")}`;
    await db().query("INSERT INTO plans (id, name, api_keys) VALUES ($1, $1, $2)", [id, apiKeys]);
    await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, id]);
  };
  await plan(0);
  const pageAs = async (user: { id: string }) => {
    const context = await browser.newContext();
    await sessionFor(context, user, ws.tenantId);
    const page = await context.newPage();
    await page.goto("/app/settings/api-keys");
    return { context, page };
  };
  const member = await pageAs(ws.users.member);
  await expect(member.page.getByTestId("api-keys-not-in-plan")).toHaveText(
    "Your plan does not include API keys. To create keys in Keyless Plan, ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.",
  );
  await expect(member.page.getByTestId("create-api-key-form")).toHaveCount(0);
  await expect(member.page.getByText("No API keys yet.")).toBeVisible();
  const owner = await pageAs(ws.users.owner);
  await expect(owner.page.getByTestId("api-keys-not-in-plan")).toHaveText(
    "Your plan does not include API keys. To create keys in Keyless Plan, ask the platform's operators to upgrade the plan.",
  );
  await expect(owner.page.getByTestId("create-api-key-form")).toHaveCount(0);

  // One key allowed: the page says so; the owner makes it, and sees that it is the one.
  await plan(1);
  await member.page.reload();
  await expect(member.page.getByTestId("create-api-key-form")).toBeVisible();
  await owner.page.reload();
  await expect(owner.page.getByTestId("api-keys-plan-limit")).toHaveText(
    "Your plan allows 1 API key in Keyless Plan at a time, counting every member's keys that are not revoked or expired.",
  );
  await owner.page.getByLabel("Name", { exact: true }).fill("Owner's key");
  await owner.page.getByRole("button", { name: "Create key" }).click();
  await expect(owner.page.getByTestId("new-api-key-value")).toBeVisible();
  await expect(owner.page.getByTestId("api-keys-full")).toHaveText(
    "The 1 API key your plan allows is in use. To create another, revoke one below, or ask the platform's operators to upgrade the plan.",
  );
  await expect(owner.page.getByTestId("create-api-key-form")).toHaveCount(0);
  // The new key is still shown, once, above the notice.
  await expect(owner.page.getByTestId("new-api-key-value")).toBeVisible();

  // The member's page, opened before the owner's key filled the plan, still offers the form: its refusal names the limit.
  await member.page.getByLabel("Name", { exact: true }).fill("Member's key");
  await member.page.getByRole("button", { name: "Create key" }).click();
  await expect(
    member.page.getByText("Your plan allows 1 API key; revoke one, or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan."),
  ).toBeVisible();
  await expect(member.page.getByLabel("Name", { exact: true })).toHaveValue("Member's key");
  // Reloaded, it says the plan is full, though the member cannot see the owner's key.
  await member.page.reload();
  await expect(member.page.getByTestId("api-keys-full")).toHaveText(
    "The 1 API key your plan allows is in use by other members of Keyless Plan. To create one, ask one of the workspace's owners or admins to revoke a key, or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.",
  );
  await expect(member.page.getByTestId("create-api-key-form")).toHaveCount(0);

  // Revoked: the form is back.
  await owner.page.getByRole("button", { name: "Revoke", exact: true }).click();
  await owner.page.getByRole("button", { name: "Revoke key" }).click();
  await expect(owner.page.getByTestId("api-key-row")).toContainText("Revoked");
  await expect(owner.page.getByTestId("api-keys-full")).toHaveCount(0);
  await expect(owner.page.getByTestId("create-api-key-form")).toBeVisible();
  await member.page.reload();
  await expect(member.page.getByTestId("api-keys-full")).toHaveCount(0);
  await expect(member.page.getByTestId("create-api-key-form")).toBeVisible();
  await Promise.all([member.context.close(), owner.context.close()]);
});

// A member sees only their own keys; the plan counts every member's. With a
// colleague's keys filling it, the member is told so up front, and with a
// live key of their own, that revoking it makes room.
test("a member whose colleague's keys fill the plan is told so, though the keys are not listed to them", async ({ browser }) => {
  const ws = await workspaceWithRoles("Crowded Keys");
  const id = `keys-2-${randomBytes(3).toString("hex")}`;
  await db().query("INSERT INTO plans (id, name, api_keys) VALUES ($1, $1, 2)", [id]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, id]);
  const key = (userId: string, state: "live" | "revoked" = "live") =>
    db().query(
      `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at, revoked_at)
       VALUES ($1, $2, $3, 'read', $4, $5, now() + interval '30 days', CASE WHEN $6 THEN now() END)`,
      [ws.tenantId, userId, `Key ${randomBytes(2).toString("hex")}`, `tnty_${randomBytes(4).toString("hex")}`, randomBytes(32).toString("hex"), state === "revoked"],
    );
  await key(ws.users.admin.id);
  await key(ws.users.admin.id);
  await key(ws.users.member.id, "revoked");

  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/api-keys");
  await expect(page.getByTestId("api-keys-full")).toHaveText(
    "All 2 API keys your plan allows are in use by other members of Crowded Keys. To create one, ask one of the workspace's owners or admins to revoke a key, or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.",
  );
  await expect(page.getByTestId("create-api-key-form")).toHaveCount(0);
  // Only the member's own (revoked) key is listed.
  await expect(page.getByTestId("api-key-row")).toHaveCount(1);
  await expect(page.getByTestId("api-key-row")).toContainText("Revoked");

  // One of the colleague's keys revoked, one of the member's own live: full still, and theirs may go.
  await db().query("UPDATE api_keys SET revoked_at = now() WHERE id = (SELECT id FROM api_keys WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL LIMIT 1)", [
    ws.tenantId,
    ws.users.admin.id,
  ]);
  await key(ws.users.member.id);
  await page.reload();
  await expect(page.getByTestId("api-keys-full")).toHaveText(
    "All 2 API keys your plan allows are in use. To create another, revoke one below, or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.",
  );
  await context.close();
  await db().query("UPDATE tenants SET plan_id = 'enterprise' WHERE id = $1", [ws.tenantId]);
});

// The new key is shown once; once put away, the keyboard goes on from the key
// in the list (its row), not from the top of the page. The name field's
// refusal is its description, for a screen reader on the field.
test("after 'I have copied it' the focus is on the new key's row; a refused name is the field's description", async ({ browser }) => {
  const ws = await workspaceWithRoles("Focused Keys");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/api-keys");
  const form = page.getByTestId("create-api-key-form");
  const name = form.getByLabel("Name", { exact: true });
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription("Name the key, e.g. “CI deploys”.");

  await name.fill("Nightly backup");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-api-key-value")).toBeVisible();
  await expect(name).not.toHaveAttribute("aria-invalid");
  await expect(name).not.toHaveAttribute("aria-describedby", /error/);
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  const row = page.getByTestId("api-key-row").filter({ hasText: "Nightly backup" });
  await expect(row).toBeFocused();
  // Tab goes on to the row's own action.
  await page.keyboard.press("Tab");
  await expect(row.getByRole("button", { name: "Revoke" })).toBeFocused();
  await context.close();
});
