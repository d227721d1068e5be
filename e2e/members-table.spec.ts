import { expect, test } from "@playwright/test";
import { db, sessionFor, uniqueEmail, workspaceWithRoles } from "./helpers";

// The members table of Settings → Members: a page of 20, sorted and searched
// in the database, its state in the URL.
test("the members table pages, sorts by a column and searches, with the state in the URL", async ({ page }) => {
  const { tenantId, users } = await workspaceWithRoles("Members Table Co");
  // 26 more members (30 in all): two pages. Names sort the other way from
  // emails, so a change of sort column shows.
  for (let i = 1; i <= 26; i++) {
    const n = String(i).padStart(2, "0");
    const user = (
      await db().query<{ id: string }>("INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id", [
        `table-${n}-${tenantId.slice(0, 8)}@example.test`,
        `Zed ${String(27 - i).padStart(2, "0")}`,
      ])
    ).rows[0]!;
    await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [tenantId, user.id]);
  }
  await sessionFor(page.context(), users.owner, tenantId);
  await page.goto("/app/settings");

  const table = page.getByTestId("members-table");
  const rows = table.getByTestId("member-row");
  const emails = async () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-email")));
  await expect(rows).toHaveCount(20);
  await expect(page.getByText("30 members · page 1 of 2")).toBeVisible();
  // The owner's own row says so, and has no Remove.
  const own = table.locator(`[data-testid=member-row][data-email="${users.owner.email}"]`);
  await expect(own).toContainText("(you)");
  await expect(own.getByRole("button", { name: "Remove" })).toHaveCount(0);
  await expect(table.locator(`[data-testid=member-row][data-email="${users.admin.email}"]`).getByRole("button", { name: "Change role" })).toBeVisible();

  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page).toHaveURL(/[?&]page=2/);
  await expect(page.getByText("30 members · page 2 of 2")).toBeVisible();
  await expect(rows).toHaveCount(10);
  await expect(page.getByRole("button", { name: "Next", exact: true })).toBeDisabled();

  // Sorting by name goes back to the first page, ascending; again, descending.
  await table.getByRole("button", { name: "Name" }).click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  await expect(page).not.toHaveURL(/page=2/);
  await expect(table.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
  await expect(rows.first()).toContainText("Admin User");
  await table.getByRole("button", { name: "Name" }).click();
  await expect(page).toHaveURL(/sort=name&dir=desc/);
  await expect(table.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");
  await expect(rows.first()).toContainText("Zed 26");
  const byName = await emails();
  expect(byName[0]).toBe(`table-01-${tenantId.slice(0, 8)}@example.test`);

  // A search narrows to the matching members, on one page.
  await page.getByLabel("Search members").fill("table-2");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/q=table-2/);
  await expect(rows).toHaveCount(7);
  await expect(page.getByText("7 members · page 1 of 1")).toBeVisible();
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(rows).toHaveCount(20);

  // The URL alone brings the same view back.
  await page.goto("/app/settings?sort=email&dir=desc&page=2");
  await expect(table.getByRole("columnheader", { name: "Email" })).toHaveAttribute("aria-sort", "descending");
  await expect(page.getByText("30 members · page 2 of 2")).toBeVisible();
});

// A notice about an action on a member stays while the list is as that action
// left it, as the pending invitations' notices do: once the page shows
// another list (another admin's change seen on the next render, a search),
// it goes.
test("a notice about a member goes once a later action changes the list, and stays while it does not", async ({ browser }) => {
  const ws = await workspaceWithRoles("Member Notice Co");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  const notice = page.getByTestId("members-notice");
  const row = (email: string) => page.locator(`[data-testid=member-row][data-email="${email}"]`);

  await page.getByTestId(`change-role-${ws.users.member.email}`).click();
  await page.getByRole("dialog").getByLabel("New role").selectOption("auditor");
  await page.getByRole("dialog").getByRole("button", { name: "Save role" }).click();
  await expect(notice).toHaveText("Member User's role changed from member to auditor.");
  await expect(row(ws.users.member.email)).toContainText("auditor");
  // The page rendered again with the members as the change left them: the notice stays.
  const refresh = () => page.evaluate(() => (window as unknown as { next: { router: { refresh: () => void } } }).next.router.refresh());
  await refresh();
  await expect(notice).toHaveText("Member User's role changed from member to auditor.");

  // Another owner makes them an admin meanwhile: the next render shows it, and the notice about auditor goes.
  await db().query("UPDATE tenant_members SET role = 'admin' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.member.id]);
  await refresh();
  await expect(row(ws.users.member.email)).toContainText("admin");
  await expect(notice).toHaveCount(0);

  // A removal's notice goes with a search.
  await page.getByTestId(`remove-${ws.users.auditor.email}`).click();
  await page.getByRole("button", { name: "Remove member" }).click();
  await expect(notice).toHaveText(`${ws.users.auditor.email} was removed from the workspace.`);
  await expect(row(ws.users.auditor.email)).toHaveCount(0);
  await page.getByLabel("Search members").fill("Admin User");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/q=Admin/);
  await expect(page.getByTestId("member-row")).toHaveCount(1);
  await expect(notice).toHaveCount(0);
  await context.close();
});

// The page renders again after a refusal for a role lowered meanwhile (the
// page then shows the role as it is now), and leaves out the forms the role
// no longer allows: the refusal stays where the form was.
test("an invitation refused because the sender's role was lowered meanwhile says so in the form's place", async ({ browser }) => {
  const ws = await workspaceWithRoles("Lowered Role Co");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  const form = page.getByTestId("invite-form");
  const email = uniqueEmail("late");
  await form.getByLabel("Email address").fill(email);
  await db().query("UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.admin.id]);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Who belongs to Lowered Role Co.")).toBeVisible();
  await expect(form).toHaveCount(0);
  const refused = page.getByTestId("refused-form");
  await expect(refused).toHaveText("Your role in this workspace does not allow that (any more): the page now shows your current role.");
  await expect(refused).toBeFocused();
  expect((await db().query("SELECT 1 FROM tenant_invitations WHERE tenant_id = $1 AND email = $2", [ws.tenantId, email])).rowCount).toBe(0);
  // Given the role back, the form is offered again, and the refusal is past.
  await db().query("UPDATE tenant_members SET role = 'admin' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.admin.id]);
  await page.reload();
  await expect(form).toBeVisible();
  await expect(refused).toHaveCount(0);
  await context.close();
});

// As the projects page does: a page number past the last (typed, or the last
// page's members removed since) shows the last page there is, not an empty
// table with "page 99 of 3"; the search and sort stay.
test("a page past the end shows the last page there is, the search kept", async ({ browser }) => {
  const ws = await workspaceWithRoles("Member Pages Co");
  // 45 members the search finds (3 pages of 20), joined one after another.
  await db().query(
    `WITH u AS (
       INSERT INTO users (email, name)
       SELECT 'pager-' || lpad(i::text, 2, '0') || '-' || $2 || '@example.test', 'Pager ' || lpad(i::text, 2, '0') FROM generate_series(1, 45) AS i
       RETURNING id, name)
     INSERT INTO tenant_members (tenant_id, user_id, role, created_at)
     SELECT $1, id, 'member', now() - (46 - substring(name from 7)::int) * interval '1 minute' FROM u`,
    [ws.tenantId, ws.tenantId.slice(0, 8)],
  );
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  const rows = page.getByTestId("members-table").getByTestId("member-row");

  await page.goto("/app/settings?q=pager&page=99");
  await expect(page.getByText("45 members · page 3 of 3")).toBeVisible();
  await expect(rows).toHaveCount(5);
  await expect(page.getByLabel("Search members")).toHaveValue("pager");
  await expect(page.getByRole("button", { name: "Next", exact: true })).toBeDisabled();
  // Previous goes to page 2, the search kept.
  await page.getByRole("button", { name: "Previous", exact: true }).click();
  await expect(page).toHaveURL(/q=pager&page=2$/);
  await expect(page.getByText("45 members · page 2 of 3")).toBeVisible();
  await expect(rows).toHaveCount(20);
  // A number past the largest page read is past the last too, not the first page.
  await page.goto("/app/settings?q=pager&page=1000000");
  await expect(page.getByText("45 members · page 3 of 3")).toBeVisible();
  await expect(rows).toHaveCount(5);

  // The last page's members removed, the last one here: page 2 is shown.
  await page.goto("/app/settings?q=pager&page=3");
  await db().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id IN (SELECT id FROM users WHERE name IN ('Pager 41', 'Pager 42', 'Pager 43', 'Pager 44'))", [
    ws.tenantId,
  ]);
  const last = `pager-45-${ws.tenantId.slice(0, 8)}@example.test`;
  await page.getByTestId(`remove-${last}`).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByText("40 members · page 2 of 2")).toBeVisible();
  await expect(rows).toHaveCount(20);
  await expect(page.getByTestId("members-notice")).toHaveText(`${last} was removed from the workspace.`);
  await expect(page.getByRole("button", { name: "Next", exact: true })).toBeDisabled();
  await context.close();
});

// A refusal whose dialog went away with its row (the page rendered again
// without it) is told in the table's notice, as the dialog told it: a session
// that ended links "Sign in again", back to this page.
test("a refusal handed to the table's notice when its dialog went away offers 'Sign in again' for a session that ended", async ({ browser }) => {
  const ws = await workspaceWithRoles("Member Session Co");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings?sort=email");
  const back = `/sign-in?next=${encodeURIComponent("/app/settings?sort=email")}`;
  await page.getByTestId(`remove-${ws.users.member.email}`).click();
  const dialog = page.getByRole("dialog", { name: "Remove Member User?" });
  await db().query("DELETE FROM sessions WHERE user_id = $1", [ws.users.owner.id]);
  await dialog.getByRole("button", { name: "Remove member" }).click();
  await expect(dialog.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", back);

  // Signed in again (another tab), the page renders again (Next.js's router refreshes it here), without the member, who left
  // meanwhile: the dialog goes with the row.
  await sessionFor(context, ws.users.owner, ws.tenantId);
  await db().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.member.id]);
  await page.evaluate(() => (window as unknown as { next: { router: { refresh: () => void } } }).next.router.refresh());
  await expect(dialog).toHaveCount(0);
  const notice = page.getByTestId("members-notice");
  await expect(notice).toHaveText("Member User was not removed: Your session has ended. Sign in again.");
  await expect(notice.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", back);
  await context.close();
});

// Lowering one's own role cannot be undone alone (an owner's, only by another
// owner): the dialog on one's own row says so, and asks for a confirmation.
test("changing your own role to a lower one warns what you lose and asks you to confirm; the notice speaks to you", async ({ browser }) => {
  const ws = await workspaceWithRoles("Self Demotion Co");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  const roleOf = async (id: string) => (await db().query<{ role: string }>("SELECT role FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, id])).rows[0]?.role;

  // Someone else's role: no warning.
  await page.getByTestId(`change-role-${ws.users.member.email}`).click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("New role").selectOption("auditor");
  await expect(dialog.getByTestId("self-demotion-warning")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await page.getByTestId(`change-role-${ws.users.admin.email}`).click();
  dialog = page.getByRole("dialog", { name: "Your role" });
  await expect(dialog).toBeVisible();
  const warning = dialog.getByTestId("self-demotion-warning");
  await expect(warning).toHaveCount(0);
  await dialog.getByLabel("New role").selectOption("member");
  await expect(warning).toContainText("You will no longer be able to manage members.");
  await expect(warning).toContainText("Invite, remove and change the roles of members");
  // Save alone does not apply it: the confirmation is asked for first.
  await dialog.getByRole("button", { name: "Save role" }).click();
  await expect(dialog).toBeVisible();
  expect(await roleOf(ws.users.admin.id)).toBe("admin");
  await dialog.getByLabel("I understand: lower my own role to member.").check();
  await dialog.getByRole("button", { name: "Save role" }).click();
  await expect(page.getByTestId("members-notice")).toHaveText("Your role is now member.");
  expect(await roleOf(ws.users.admin.id)).toBe("member");
  await context.close();

  // An owner (with another owner) is told that only another owner can make them one again.
  const second = (await db().query<{ id: string }>("INSERT INTO users (email, name) VALUES ($1, 'Second Owner') RETURNING id", [uniqueEmail("owner2")])).rows[0]!;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'owner')", [ws.tenantId, second.id]);
  const ownerContext = await browser.newContext();
  await sessionFor(ownerContext, ws.users.owner, ws.tenantId);
  const ownerPage = await ownerContext.newPage();
  await ownerPage.goto("/app/settings");
  await ownerPage.getByTestId(`change-role-${ws.users.owner.email}`).click();
  const ownDialog = ownerPage.getByRole("dialog", { name: "Your role" });
  await ownDialog.getByLabel("New role").selectOption("admin");
  await expect(ownDialog.getByTestId("self-demotion-warning")).toContainText("Only another owner can make you an owner again");
  await ownDialog.getByLabel("I understand: lower my own role to admin.").check();
  await ownDialog.getByRole("button", { name: "Save role" }).click();
  await expect(ownerPage.getByTestId("members-notice")).toHaveText("Your role is now admin.");
  expect(await roleOf(ws.users.owner.id)).toBe("admin");
  await ownerContext.close();
});

// The last owner stepping down (the other owner gone since the page was shown) is told it is them, and what to do.
test("the last owner demoting themselves is told 'You are the last owner' and what to do", async ({ browser }) => {
  const ws = await workspaceWithRoles("Last Owner Self Co");
  const second = (await db().query<{ id: string }>("INSERT INTO users (email, name) VALUES ($1, 'Second Owner') RETURNING id", [uniqueEmail("owner2")])).rows[0]!;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'owner')", [ws.tenantId, second.id]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  await page.getByTestId(`change-role-${ws.users.owner.email}`).click();
  const dialog = page.getByRole("dialog", { name: "Your role" });
  await dialog.getByLabel("New role").selectOption("member");
  await dialog.getByLabel("I understand: lower my own role to member.").check();
  await db().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, second.id]);
  await dialog.getByRole("button", { name: "Save role" }).click();
  // The page renders again with them the only owner: the dialog goes with its button, and the table says why.
  await expect(page.getByTestId(`sole-owner-${ws.users.owner.email}`)).toBeVisible();
  const notice = page.getByTestId("members-notice");
  await expect(notice).toContainText("Your role was not changed: You are the last owner");
  await expect(notice).not.toContainText("make someone else an owner");
  await expect(notice).toContainText("transfer ownership to someone else");
  await expect(notice).not.toContainText(ws.users.owner.email);
  await context.close();
});

// A notice speaks of the latest action on the page: the next one's outcome
// replaces it, wherever on the page that outcome is said; they do not pile up.
test("a notice goes with the next action on the page: a removal's, once invitations are sent and one revoked", async ({ browser }) => {
  const ws = await workspaceWithRoles("Notice Pile Co");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  const notice = page.getByTestId("members-notice");

  await page.getByTestId(`remove-${ws.users.auditor.email}`).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect(notice).toHaveText(`${ws.users.auditor.email} was removed from the workspace.`);

  const first = uniqueEmail("pile-one");
  const second = uniqueEmail("pile-two");
  for (const email of [first, second]) {
    await page.getByTestId("invite-form").getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByText(`Invitation sent to ${email}`)).toBeVisible();
    await expect(notice).toHaveCount(0);
  }
  await expect(page.getByText(`Invitation sent to ${first}`)).toHaveCount(0);

  await page.getByTestId(`revoke-${first}`).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByText(`The invitation for ${first} was revoked.`)).toBeVisible();
  // Only the latest outcome is on the page.
  await expect(notice).toHaveCount(0);
  await expect(page.getByText(`Invitation sent to ${second}`)).toHaveCount(0);
  await expect(page.getByText("was removed from the workspace")).toHaveCount(0);
  await context.close();
});

// As for the members: a page of pending invitations past the last shows the last there is.
test("a page of pending invitations past the end shows the last page there is", async ({ browser }) => {
  const ws = await workspaceWithRoles("Invitation Pages Co");
  // 25 pending invitations: two pages of 20.
  await db().query(
    `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by, created_at)
     SELECT $1, 'ipager-' || lpad(i::text, 2, '0') || '-' || $3 || '@example.test', 'member', encode(sha256(convert_to(random()::text || i, 'UTF8')), 'hex'), now() + interval '7 days', $2, now() - i * interval '1 minute'
       FROM generate_series(1, 25) AS i`,
    [ws.tenantId, ws.users.owner.id, ws.tenantId.slice(0, 8)],
  );
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  const rows = page.getByTestId("invitations-table").getByTestId("invitation-row");
  for (const url of ["/app/settings?ipage=99", "/app/settings?ipage=1000000"]) {
    await page.goto(url);
    await expect(page.getByTestId("invitations-summary")).toHaveText("25 pending invitations · page 2 of 2");
    await expect(rows).toHaveCount(5);
  }
  // The members' page is kept.
  await page.goto("/app/settings?ipage=7&sort=email");
  await expect(rows).toHaveCount(5);
  await expect(page.getByTestId("members-table").getByRole("columnheader", { name: "Email" })).toHaveAttribute("aria-sort", "ascending");
  await context.close();
});
