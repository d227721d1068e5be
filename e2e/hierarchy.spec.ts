import { expect, test } from "@playwright/test";
import { db, sessionFor, uniqueEmail, workspaceWithRoles } from "./helpers";

// Parent → child workspaces in the browser: an admin of a reseller creates a
// customer workspace; the reseller's owner finds it nested under the reseller
// in the switcher, enters it as a delegate (admin, never owner), sees the
// banner, invites someone, and the invitation is in both audit logs; the
// customer's owner turns delegated access off and the reseller's owner can
// no longer enter.
test("a parent's admin creates a child, another enters it as a delegate, and the action is audited in both logs", async ({ browser }) => {
  const reseller = await workspaceWithRoles("Reseller Co");
  const customerName = `Customer ${reseller.slug.slice(-6)}`;

  // The reseller's admin creates the customer workspace (and owns it).
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, reseller.users.admin, reseller.tenantId);
  const admin = await adminContext.newPage();
  await admin.goto("/app/dashboard");
  await admin.getByRole("link", { name: "Workspaces", exact: true }).click();
  await admin.getByLabel("Name", { exact: true }).fill(customerName);
  await admin.getByRole("button", { name: "Create child workspace" }).click();
  await expect(admin.getByTestId("create-child-done")).toContainText(`Created “${customerName}” under Reseller Co. It is listed above and in the switcher.`);
  await expect(admin.getByTestId("child-list")).toContainText(customerName);
  // Where the sentence says: the list comes before the form that says it.
  const listTop = (await admin.getByTestId("child-list").boundingBox())!.y;
  expect(listTop).toBeLessThan((await admin.getByTestId("create-child-done").boundingBox())!.y);
  const child = (await db().query<{ id: string; parent_id: string }>("SELECT id, parent_id FROM tenants WHERE name = $1", [customerName])).rows[0]!;
  expect(child.parent_id).toBe(reseller.tenantId);

  // The reseller's owner: the customer is nested under the reseller, as a delegate entry.
  // A desktop viewport: the switcher is in the sidebar (e2e/phone.spec.ts drives it in the phone's drawer).
  const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await sessionFor(ownerContext, reseller.users.owner, reseller.tenantId);
  const owner = await ownerContext.newPage();
  await owner.goto("/app/dashboard");
  await expect(owner.getByTestId("delegation-banner")).toHaveCount(0);
  await owner.getByTestId("workspace-switcher").click();
  const entry = owner.getByRole("button", { name: new RegExp(customerName) });
  await expect(entry).toContainText("delegate");
  await expect(owner.locator("li[data-depth='1']")).toContainText(customerName);
  await entry.click();

  // Inside as a delegate: the banner names the parent and the role.
  await expect(owner.getByTestId("active-workspace")).toHaveText(customerName);
  const banner = owner.getByTestId("delegation-banner");
  await expect(banner).toContainText(`You are in ${customerName} as a delegate of Reseller Co`);
  await expect(owner.getByTestId("delegation-role")).toHaveText("admin");
  // The dashboard offers what a delegate admin may do here: inviting, not creating workspaces under it (that is done from the reseller).
  const offered = owner.getByTestId("dashboard-permissions");
  await expect(offered).toContainText("Invite, remove and change the roles of members");
  await expect(offered).not.toContainText("Create child workspaces");
  // Nor API keys: a key works only where its user is a member. The keys page says how to reach this workspace instead.
  await expect(offered).not.toContainText("Create, see and revoke your own API keys");
  await owner.getByRole("link", { name: "API keys", exact: true }).click();
  await expect(owner.getByTestId("api-keys-delegate")).toContainText(`You are in ${customerName} as a delegate of Reseller Co`);
  await expect(owner.getByTestId("api-keys-delegate")).toContainText(`X-Act-As-Tenant: ${child.id}`);
  await expect(owner.getByTestId("create-api-key-form")).toHaveCount(0);

  // A delegated action: an invitation. The members page offers no leaving: a delegate is no member here.
  const invitee = uniqueEmail("customer-staff");
  await owner.getByRole("link", { name: "Members", exact: true }).click();
  await expect(owner.getByTestId("members-table")).toBeVisible();
  await expect(owner.getByRole("button", { name: "Leave workspace" })).toHaveCount(0);
  const inviteForm = owner.getByTestId("invite-form");
  await inviteForm.getByLabel("Email address").fill(invitee);
  await inviteForm.getByLabel("Role").selectOption("member");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByText(`Invitation sent to ${invitee}`)).toBeVisible();

  // In the customer's log, naming the delegate; in the reseller's, naming the customer.
  await owner.goto("/app/audit");
  await expect(owner.getByText(`Invited ${invitee} as a member — as a delegate of “Reseller Co” (admin)`)).toBeVisible();
  const inChild = (await db().query("SELECT actor_user_id, metadata FROM audit_log WHERE tenant_id = $1 AND action = 'member.invite'", [child.id])).rows;
  expect(inChild).toHaveLength(1);
  expect(inChild[0]).toMatchObject({
    actor_user_id: reseller.users.owner.id,
    metadata: { email: invitee, delegated_from: { tenant_id: reseller.tenantId, tenant_name: "Reseller Co" }, delegated_role: "admin" },
  });
  await owner.getByTestId("workspace-switcher").click();
  await owner.getByRole("button", { name: /^Reseller Co/ }).click();
  await expect(owner.getByTestId("active-workspace")).toHaveText("Reseller Co");
  await expect(owner.getByTestId("delegation-banner")).toHaveCount(0);
  await owner.goto("/app/audit");
  await expect(owner.getByText(`In the child workspace “${customerName}”, as a delegate (admin): Invited ${invitee} as a member`)).toBeVisible();
  const inParent = (await db().query("SELECT actor_user_id, target_id, metadata FROM audit_log WHERE tenant_id = $1 AND action = 'tenant.delegate.act'", [reseller.tenantId])).rows;
  expect(inParent.map((r) => r.metadata.action).sort()).toEqual(["member.invite", "tenant.switch"]);
  expect(inParent.every((r) => r.actor_user_id === reseller.users.owner.id && r.target_id === child.id)).toBe(true);

  // The reseller's owner goes back into the customer, as a delegate, while its owner (the admin who created it) turns delegated access off.
  // The page renews the browser's receipt of the workspace it shows after loading (lib/tenancy/seen-workspace.ts): waited for.
  const receiptOf = async () => (await ownerContext.cookies()).find((c) => c.name === "prom_seen")?.value ?? "";
  const receiptChangedFrom = (before: string) => expect.poll(receiptOf).not.toBe(before);
  const inReseller = await receiptOf();
  await owner.getByTestId("workspace-switcher").click();
  await owner.getByRole("button", { name: new RegExp(customerName) }).click();
  await expect(owner.getByTestId("delegation-banner")).toBeVisible();
  await receiptChangedFrom(inReseller);
  const inCustomer = await receiptOf();
  await admin.getByTestId("workspace-switcher").click();
  await admin.getByRole("button", { name: new RegExp(customerName) }).click();
  await expect(admin.getByTestId("active-workspace")).toHaveText(customerName);
  await admin.goto("/app/hierarchy");
  await admin.getByLabel("The parent workspaces' admins get").selectOption("none");
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByTestId("delegation-saved")).toContainText("can no longer enter");

  // The reseller's owner's next page is the reseller's, and says why: no one removed them, delegated access ended.
  await owner.reload();
  await expect(owner.getByTestId("active-workspace")).toHaveText("Reseller Co");
  await expect(owner.getByTestId("lost-workspace-notice")).toHaveText(
    `You can no longer enter ${customerName} as a delegate of Reseller Co: delegated access was turned off, your role in Reseller Co changed, or ${customerName} was deleted. You are now in Reseller Co.`,
  );
  // Said once.
  await receiptChangedFrom(inCustomer);
  await owner.reload();
  await expect(owner.getByTestId("active-workspace")).toHaveText("Reseller Co");
  await expect(owner.getByTestId("lost-workspace-notice")).toHaveCount(0);

  // The switcher no longer lists it, and a cookie naming it opens the reseller instead.
  await owner.getByTestId("workspace-switcher").click();
  await expect(owner.getByRole("button", { name: new RegExp(customerName) })).toHaveCount(0);
  await ownerContext.addCookies([{ name: "prom_tenant", value: child.id, url: owner.url() }]);
  await owner.goto("/app/dashboard");
  await expect(owner.getByTestId("active-workspace")).toHaveText("Reseller Co");
  await expect(owner.getByTestId("delegation-banner")).toHaveCount(0);
});

// Beyond the nearest 100 descendants the switcher lists, its search asks the
// server: a grandchild behind 110 children is found by name and entered.
test("the switcher's search finds a descendant beyond the listed ones and enters it as a delegate", async ({ browser }) => {
  const reseller = await workspaceWithRoles("Big Reseller");
  const tag = reseller.slug.slice(-6);
  await db().query(
    `INSERT INTO tenants (name, slug, parent_id) SELECT 'Filler ' || g, 'filler-' || $2 || '-' || g, $1 FROM generate_series(1, 110) g`,
    [reseller.tenantId, tag],
  );
  const middle = (await db().query<{ id: string }>("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $2, $3) RETURNING id", [`Zz Region ${tag}`, `region-${tag}`, reseller.tenantId])).rows[0]!;
  const needle = `Needle Store ${tag}`;
  await db().query("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $2, $3)", [needle, `needle-${tag}`, middle.id]);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await sessionFor(context, reseller.users.owner, reseller.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await page.getByTestId("workspace-switcher").click();
  await expect(page.getByRole("button", { name: new RegExp(needle) })).toHaveCount(0);
  await page.getByTestId("workspace-search").fill(`needle store ${tag}`);
  const result = page.getByTestId("workspace-search-result");
  await expect(result).toHaveCount(1);
  await expect(result).toContainText(needle);
  await expect(result).toContainText("under Big Reseller");
  await page.getByTestId("workspace-search").fill(`nothing like this ${tag}`);
  await expect(page.getByTestId("workspace-search-empty")).toContainText("No workspace matches");
  await page.getByTestId("workspace-search").fill(`needle store ${tag}`);
  await result.getByRole("button").click();
  await expect(page.getByTestId("active-workspace")).toHaveText(needle);
  await expect(page.getByTestId("delegation-banner")).toContainText(`as a delegate of Big Reseller`);
  await context.close();
});

// React resets a form after its action runs, and a reset <select> shows the
// option it first rendered with: after each save the select must show what
// was saved.
test("the delegated access select shows the setting just saved", async ({ browser }) => {
  const parent = await workspaceWithRoles("Upper Co");
  const tag = parent.slug.slice(-6);
  const child = (await db().query<{ id: string }>("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $2, $3) RETURNING id", [`Lower ${tag}`, `lower-${tag}`, parent.tenantId])).rows[0]!;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'owner')", [child.id, parent.users.member.id]);
  const context = await browser.newContext();
  await sessionFor(context, parent.users.member, child.id);
  const page = await context.newPage();
  await page.goto("/app/hierarchy");
  const select = page.getByLabel("The parent workspaces' admins get");
  await expect(select).toHaveValue("admin");
  const saved = page.getByTestId("delegation-saved");

  await select.selectOption("none");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(saved).toContainText("can no longer enter");
  await expect(select).toHaveValue("none");

  await select.selectOption("auditor");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(saved).toContainText("enter this workspace as auditor");
  await expect(select).toHaveValue("auditor");
  const stored = (await db().query("SELECT delegate_role FROM tenants WHERE id = $1", [child.id])).rows[0];
  expect(stored).toEqual({ delegate_role: "auditor" });

  // And after a reload, the same.
  await page.reload();
  await expect(select).toHaveValue("auditor");
  await context.close();
});

/** Who is told to ask whom to lift a plan's limit (upgradeAdvice in lib/billing/limits.ts). */
const UPGRADE_ADVICE = [
  ["owner", "ask the platform's operators to upgrade the plan"],
  ["admin", "ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan"],
] as const;

test("a plan without child workspaces tells an owner to ask the platform's operators, and an admin to ask an owner", async ({ browser }) => {
  const ws = await workspaceWithRoles("Solo Summit");
  const plan = `solo-${ws.slug.slice(-6)}`;
  await db().query("INSERT INTO plans (id, name, child_workspaces) VALUES ($1, 'Solo', 0)", [plan]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, plan]);
  for (const [role, advice] of UPGRADE_ADVICE) {
    const context = await browser.newContext();
    await sessionFor(context, ws.users[role], ws.tenantId);
    const page = await context.newPage();
    await page.goto("/app/hierarchy");
    await expect(page.getByTestId("children-not-in-plan")).toHaveText(
      `Your plan does not include child workspaces. To create workspaces under Solo Summit, ${advice}.`,
    );
    await context.close();
  }
  await db().query("UPDATE tenants SET plan_id = 'free' WHERE id = $1", [ws.tenantId]);
  await db().query("DELETE FROM plans WHERE id = $1", [plan]);
});

test("the switcher shows a delegate child workspace's whole name beside its badges", async ({ browser }) => {
  const parent = await workspaceWithRoles("Wide Parent");
  const child = `Child One ${parent.slug.slice(-6)}`;
  await db().query("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $2, $3)", [child, `child-one-${parent.slug.slice(-6)}`, parent.tenantId]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await sessionFor(context, parent.users.admin, parent.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await page.getByTestId("workspace-switcher").click();
  // The row's first part: its name (after the ↳ of a nested one); its badges follow.
  const name = page.getByTestId("workspace-list").locator("li", { hasText: child }).getByRole("button").locator("> span").first();
  await expect(name).toContainText(child);
  await expect(name).toBeVisible();
  // Not cut off with an ellipsis: the name's box holds all of its text.
  expect(await name.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
  await context.close();
});

// The suspended page's switcher lists the way the sidebar's does: a child
// workspace one may enter as a delegate is marked so, under its parent.
test("on a suspended workspace's page, the switcher marks a child entered as a delegate, under its parent", async ({ browser }) => {
  const parent = await workspaceWithRoles("Open Parent");
  const child = `Kid ${parent.slug.slice(-6)}`;
  await db().query("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $2, $3)", [child, `kid-${parent.slug.slice(-6)}`, parent.tenantId]);
  const frozen = await workspaceWithRoles("Frozen Firm");
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [frozen.tenantId, parent.users.admin.id]);
  await db().query("UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1", [frozen.tenantId]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await sessionFor(context, parent.users.admin, frozen.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await expect(page).toHaveURL(/\/app\/suspended$/);
  await page.getByTestId("workspace-switcher").click();
  const entry = page.getByRole("button", { name: new RegExp(child) });
  await expect(entry).toContainText("delegate");
  await expect(page.locator("li[data-depth='1']")).toContainText(child);
  await context.close();
});

// The plan's limit counts the children not in the trash: at the limit the
// page says so instead of offering a form the database would refuse, and a
// child moved to the trash frees its place.
test("a hierarchy whose plan's child workspaces are all in use says so instead of offering the form; a child in the trash is not counted", async ({ browser }) => {
  const ws = await workspaceWithRoles("Full House");
  const tag = ws.slug.slice(-6);
  const plan = `two-children-${tag}`;
  await db().query("INSERT INTO plans (id, name, child_workspaces) VALUES ($1, 'Two children', 2)", [plan]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, plan]);
  const child = async (name: string) =>
    (await db().query<{ id: string }>("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $2, $3) RETURNING id", [`${name} ${tag}`, `${name.toLowerCase()}-${tag}`, ws.tenantId])).rows[0]!.id;
  const toTrash = (id: string) => db().query("UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [id]);
  await child("Alpha");
  const beta = await child("Beta");
  await toTrash(await child("Gamma"));

  const pages = [];
  for (const [role, advice] of UPGRADE_ADVICE) {
    const context = await browser.newContext();
    await sessionFor(context, ws.users[role], ws.tenantId);
    const page = await context.newPage();
    await page.goto("/app/hierarchy");
    await expect(page.getByTestId("children-full")).toHaveText(
      `All 2 child workspaces your plan allows are in use (those in the trash do not count). To create another, delete one you no longer need from its General page, or ${advice}.`,
    );
    await expect(page.getByRole("button", { name: "Create child workspace" })).toHaveCount(0);
    // Both children in use are listed; the one in the trash is not one "more not listed here".
    await expect(page.getByTestId("child-workspaces").getByRole("listitem")).toHaveCount(2);
    await expect(page.getByText(/more not listed here/)).toHaveCount(0);
    pages.push(page);
  }

  // One more in the trash: one child of three counts, and the form is back.
  await toTrash(beta);
  const owner = pages[0]!;
  await owner.reload();
  await expect(owner.getByTestId("children-full")).toHaveCount(0);
  await expect(owner.getByTestId("create-child")).toContainText("Your plan allows 2 child workspaces.");
  await expect(owner.getByRole("button", { name: "Create child workspace" })).toBeVisible();
  await Promise.all(pages.map((page) => page.context().close()));
  await db().query("UPDATE tenants SET plan_id = 'enterprise' WHERE id = $1", [ws.tenantId]);
  await db().query("DELETE FROM plans WHERE id = $1", [plan]);
});
