import { expect, test } from "@playwright/test";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

// Projects in the browser, per the matrix (projects.read: every role;
// projects.manage: owners, admins and members): a member finds the page in
// the sidebar, creates, edits, archives, unarchives and deletes a project
// (after confirming); an auditor sees the same list with nothing to change;
// the audit log reads each change as a sentence.
test("a member creates, edits, archives and deletes a project; an auditor only reads; the log tells it", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Works");
  const memberContext = await browser.newContext();
  await sessionFor(memberContext, ws.users.member, ws.tenantId);
  const page = await memberContext.newPage();
  await page.goto("/app/dashboard");
  await page.getByRole("link", { name: "Projects", exact: true }).click();
  await expect(page).toHaveURL(/\/app\/projects$/);
  await expect(page.getByTestId("projects-empty")).toHaveText("No active projects.");

  // Create: a refused name says why and keeps the description typed.
  const create = page.getByTestId("create-projects-form");
  await create.getByLabel("Description (optional)").fill("Ship the launch site.");
  await create.getByRole("button", { name: "Create project" }).click();
  await expect(create.getByText("Enter a name.")).toBeVisible();
  await expect(create.getByLabel("Description (optional)")).toHaveValue("Ship the launch site.");
  await create.getByLabel("Name", { exact: true }).fill("Launch");
  await create.getByRole("button", { name: "Create project" }).click();
  await expect(create.getByText("Created “Launch”.")).toBeVisible();
  await expect(create.getByLabel("Name", { exact: true })).toHaveValue("");
  const row = page.locator('[data-testid="projects-row"][data-name="Launch"]');
  await expect(row).toContainText("Ship the launch site.");
  await expect(row).toContainText("Active");

  // Edit in the dialog.
  await row.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit project" });
  await dialog.getByLabel("Name", { exact: true }).fill("Launch 2027");
  await dialog.getByLabel("Description (optional)").fill("Ship the launch site, then the docs.");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  const edited = page.locator('[data-testid="projects-row"][data-name="Launch 2027"]');
  await expect(edited).toContainText("Ship the launch site, then the docs.");

  // Archive: gone from the active list, found under Archived, back with Unarchive.
  await edited.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByTestId("projects-empty")).toHaveText("No active projects.");
  await page.getByRole("link", { name: "Archived", exact: true }).click();
  await expect(page).toHaveURL(/status=archived/);
  const archived = page.locator('[data-testid="projects-row"][data-name="Launch 2027"]');
  await expect(archived).toContainText("Archived");
  await archived.getByRole("button", { name: "Unarchive" }).click();
  await expect(page.getByTestId("projects-empty")).toHaveText("No archived projects.");
  await page.getByRole("link", { name: "Active", exact: true }).click();
  await expect(edited).toContainText("Active");

  // The auditor: the same project, no form, no buttons.
  const auditorContext = await browser.newContext();
  await sessionFor(auditorContext, ws.users.auditor, ws.tenantId);
  const auditorPage = await auditorContext.newPage();
  await auditorPage.goto("/app/projects");
  await expect(auditorPage.locator('[data-testid="projects-row"][data-name="Launch 2027"]')).toBeVisible();
  await expect(auditorPage.getByTestId("create-projects-form")).toHaveCount(0);
  await expect(auditorPage.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(auditorPage.getByRole("button", { name: "Delete" })).toHaveCount(0);

  // Delete: cancelling keeps it; confirming deletes it.
  await edited.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete this project?" });
  await expect(confirm).toContainText("Launch 2027");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(edited).toBeVisible();
  await edited.getByRole("button", { name: "Delete" }).click();
  await confirm.getByRole("button", { name: "Delete project" }).click();
  await expect(page.getByTestId("projects-empty")).toHaveText("No active projects.");
  const { rows } = await db().query("SELECT count(*)::int AS n FROM projects WHERE tenant_id = $1", [ws.tenantId]);
  expect(rows[0].n).toBe(0);

  // The audit log (the auditor reads it): each change as a sentence, newest first.
  await auditorPage.goto("/app/audit");
  for (const sentence of [
    "Deleted the project “Launch 2027”",
    "Brought the project “Launch 2027” back from the archive",
    "Archived the project “Launch 2027”",
    "Renamed the project “Launch” to “Launch 2027” and changed its description",
    "Created the project “Launch”",
  ]) {
    await expect(auditorPage.getByText(sentence, { exact: true })).toBeVisible();
  }
  await auditorContext.close();
  await memberContext.close();
});

// A dialog closed after a refusal and opened again starts clean: the old
// error is not shown beside a value it was not about (the edit dialog's
// "Enter a name." beside the name the dialog starts from again; the delete
// dialog's refusal beside a first attempt).
test("the edit and delete dialogs, opened again after a refusal, show no old error", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Dialogs");
  await db().query("INSERT INTO projects (tenant_id, name) VALUES ($1, 'Orbit'), ($1, 'Gone soon')", [ws.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/projects");

  const orbit = page.locator('[data-testid="projects-row"][data-name="Orbit"]');
  await orbit.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit project" });
  await dialog.getByLabel("Name", { exact: true }).fill("");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Enter a name.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await orbit.getByRole("button", { name: "Edit" }).click();
  await expect(dialog.getByLabel("Name", { exact: true })).toHaveValue("Orbit");
  await expect(dialog.getByText("Enter a name.")).toHaveCount(0);
  await expect(dialog.getByLabel("Name", { exact: true })).not.toHaveAttribute("aria-invalid", "true");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Deleted elsewhere while the confirmation is open: refused; then, opened again, the dialog is clean.
  const gone = page.locator('[data-testid="projects-row"][data-name="Gone soon"]');
  await gone.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete this project?" });
  await db().query("DELETE FROM projects WHERE tenant_id = $1 AND name = 'Gone soon'", [ws.tenantId]);
  await confirm.getByRole("button", { name: "Delete project" }).click();
  await expect(confirm.getByRole("alert")).toBeVisible();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await gone.getByRole("button", { name: "Delete" }).click();
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole("alert")).toHaveCount(0);
  await context.close();
});

// The submit button is disabled while its form is sent, which drops the
// focus to the page; a refused form gives it back: to the field to correct.
test("a refused form puts the focus on the field to correct, not on the page", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Focus");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/projects");
  const create = page.getByTestId("create-projects-form");
  await create.getByLabel("Description (optional)").fill("No name yet.");
  await create.getByRole("button", { name: "Create project" }).click();
  await expect(create.getByText("Enter a name.")).toBeVisible();
  await expect(create.getByLabel("Name", { exact: true })).toBeFocused();
  await page.keyboard.type("Comet");
  await page.keyboard.press("Enter");
  await expect(create.getByText("Created “Comet”.")).toBeVisible();
  await context.close();
});

// "Created …" holds while the list is as the creation left it, as the
// members page's notices do: once a later action changes the list, it goes.
test("the create form's notice goes once a later action changes the list", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Notice");
  await db().query("INSERT INTO projects (tenant_id, name) VALUES ($1, 'Older')", [ws.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/projects");
  const create = page.getByTestId("create-projects-form");
  await create.getByLabel("Name", { exact: true }).fill("Nova");
  await create.getByRole("button", { name: "Create project" }).click();
  await expect(create.getByText("Created “Nova”.")).toBeVisible();
  await expect(page.locator('[data-testid="projects-row"][data-name="Nova"]')).toBeVisible();
  await page.locator('[data-testid="projects-row"][data-name="Older"]').getByRole("button", { name: "Archive" }).click();
  await expect(page.locator('[data-testid="projects-row"][data-name="Older"]')).toHaveCount(0);
  await expect(create.getByText("Created “Nova”.")).toHaveCount(0);
  await context.close();
});

// A name or description without spaces wraps inside its cell, at a laptop's
// width and a phone's, rather than run past the cell and be cut off.
test("a long name or description without spaces wraps in its cell instead of being cut off", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Words");
  const name = "N".repeat(100);
  const description = "x".repeat(300);
  await db().query("INSERT INTO projects (tenant_id, name, description) VALUES ($1, $2, $3)", [ws.tenantId, name, description]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/app/projects");
    const cell = page.locator(`[data-testid="projects-row"][data-name="${name}"] td`).first();
    const texts = cell.locator("p");
    await expect(texts).toHaveCount(2);
    for (const text of await texts.all()) {
      const { scrollWidth, clientWidth } = await text.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
      expect(scrollWidth, `at ${width} px a paragraph of the cell runs ${scrollWidth - clientWidth} px past it`).toBeLessThanOrEqual(clientWidth);
    }
  }
  await context.close();
});

// Past the last page — its projects deleted, or a page number typed — the
// list shows the last page there is, with the search and the filter kept.
test("a page past the end shows the last page there is, the search and filter kept", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Pages");
  await db().query(
    "INSERT INTO projects (tenant_id, name, created_at) SELECT $1, 'Project ' || i, now() - (55 - i) * interval '1 minute' FROM generate_series(1, 55) AS i",
    [ws.tenantId],
  );
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  const pages = page.getByRole("navigation", { name: "Pages" });
  const rows = page.getByTestId("projects-row");

  await page.goto("/app/projects?page=99&q=Project&status=all");
  await expect(pages).toContainText("Page 3 of 3 · 55 projects");
  await expect(rows).toHaveCount(5);
  await expect(pages.getByRole("link", { name: "← Previous" })).toHaveAttribute("href", "/app/projects?q=Project&status=all&page=2");
  // A number past the largest page a list reads (100,000) is past the last too, not the first page.
  await page.goto("/app/projects?page=1000000&q=Project&status=all");
  await expect(pages).toContainText("Page 3 of 3 · 55 projects");
  await expect(rows).toHaveCount(5);

  // Page 3's projects deleted, the last one here: page 2 is shown, and what was deleted is said.
  await page.goto("/app/projects?page=3");
  await db().query("DELETE FROM projects WHERE tenant_id = $1 AND name IN ('Project 2', 'Project 3', 'Project 4', 'Project 5')", [ws.tenantId]);
  const last = page.locator('[data-testid="projects-row"][data-name="Project 1"]');
  await last.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete this project?" }).getByRole("button", { name: "Delete project" }).click();
  await expect(pages).toContainText("Page 2 of 2 · 50 projects");
  await expect(rows).toHaveCount(25);
  await expect(page.getByTestId("projects-empty")).toHaveCount(0);
  await expect(page.getByTestId("projects-notice")).toHaveText("Deleted “Project 1”.");
  await expect(pages.getByRole("link", { name: "Next →" })).toHaveCount(0);
  await context.close();
});

/** Where the keyboard is: the element focused, as a test id or a tag (BODY when the focus was lost). */
const focused = (page: import("@playwright/test").Page) =>
  page.evaluate(() => document.activeElement?.closest("[data-testid]")?.getAttribute("data-testid") ?? document.activeElement?.tagName);

// Each action on a row says what it did, as "Created …" does, and the
// keyboard goes to that notice rather than to the page when the button that
// ran it goes away (the row archived out of the list, or deleted).
test("archive, unarchive, edit and delete each say what they did, and the focus goes to the notice", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Notices");
  await db().query("INSERT INTO projects (tenant_id, name) VALUES ($1, 'Atlas'), ($1, 'Beacon')", [ws.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/projects");
  const notice = page.getByTestId("projects-notice");
  const row = (name: string) => page.locator(`[data-testid="projects-row"][data-name="${name}"]`);

  await row("Atlas").getByRole("button", { name: "Archive" }).click();
  await expect(row("Atlas")).toHaveCount(0);
  await expect(notice).toHaveText("Archived “Atlas”.");
  await expect(notice).toHaveAttribute("role", "status");
  expect(await focused(page)).toBe("projects-notice");

  await row("Beacon").getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit project" });
  await dialog.getByLabel("Name", { exact: true }).fill("Beacon 2");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(row("Beacon 2")).toBeVisible();
  await expect(notice).toHaveText("Saved “Beacon 2”.");
  expect(await focused(page)).toBe("projects-notice");

  await row("Beacon 2").getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete this project?" }).getByRole("button", { name: "Delete project" }).click();
  await expect(page.getByTestId("projects-empty")).toHaveText("No active projects.");
  await expect(notice).toHaveText("Deleted “Beacon 2”.");
  expect(await focused(page)).toBe("projects-notice");

  await page.getByRole("link", { name: "Archived", exact: true }).click();
  await expect(notice).toHaveCount(0);
  await row("Atlas").getByRole("button", { name: "Unarchive" }).click();
  await expect(page.getByTestId("projects-empty")).toHaveText("No archived projects.");
  await expect(notice).toHaveText("“Atlas” is active again.");
  expect(await focused(page)).toBe("projects-notice");
  await context.close();
});

// On a phone the name column keeps room for words ("Project 55" is not cut
// into "Proje / ct / 55"), and a notice naming a long name without spaces
// wraps instead of making the page scroll sideways.
test("names wrap at words on a phone, and notices with a long name wrap instead of widening the page", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Widths");
  await db().query("INSERT INTO projects (tenant_id, name) VALUES ($1, 'Project 55')", [ws.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto("/app/projects");
  const name = page.locator('[data-testid="projects-row"][data-name="Project 55"] td p').first();
  const lines = await name.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
  expect(lines, "“Project 55” takes one line, or two at its space").toBeLessThanOrEqual(2);
  const words = await name.evaluate((el) => {
    const range = document.createRange();
    range.setStart(el.firstChild!, 0);
    range.setEnd(el.firstChild!, "Project".length);
    return range.getClientRects().length;
  });
  expect(words, "“Project” is on one line").toBe(1);

  await page.setViewportSize({ width: 1280, height: 900 });
  const long = "L".repeat(200);
  const create = page.getByTestId("create-projects-form");
  await create.getByLabel("Name", { exact: true }).fill(long);
  await create.getByRole("button", { name: "Create project" }).click();
  await expect(create.getByText(`Created “${long}”.`)).toBeVisible();
  const wide = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await wide(), "the page scrolls sideways by").toBe(0);
  await page.locator(`[data-testid="projects-row"][data-name="${long}"]`).getByRole("button", { name: "Archive" }).click();
  await expect(page.getByTestId("projects-notice")).toHaveText(`Archived “${long}”.`);
  expect(await wide(), "the page scrolls sideways by").toBe(0);
  await context.close();
});

// A form sent after the session ended (signed out elsewhere, expired) says so
// as every form of the app does: its last words link to the sign-in page,
// which comes back to this page — the create form, the edit dialog and a
// row's archive alike.
test("a form sent after the session ended offers 'Sign in again', back to the page", async ({ browser }) => {
  const ws = await workspaceWithRoles("Project Session");
  await db().query("INSERT INTO projects (tenant_id, name) VALUES ($1, 'Orbit')", [ws.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/projects?q=Orbit");
  const back = `/sign-in?next=${encodeURIComponent("/app/projects?q=Orbit")}`;
  await db().query("DELETE FROM sessions WHERE user_id = $1", [ws.users.member.id]);

  const create = page.getByTestId("create-projects-form");
  await create.getByLabel("Name", { exact: true }).fill("Late");
  await create.getByRole("button", { name: "Create project" }).click();
  await expect(create.getByRole("alert")).toHaveText("Your session has ended. Sign in again.");
  await expect(create.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", back);

  const orbit = page.locator('[data-testid="projects-row"][data-name="Orbit"]');
  await orbit.getByRole("button", { name: "Archive" }).click();
  await expect(orbit.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", back);

  await orbit.getByRole("button", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit project" });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Your session has ended. Sign in again.");
  await expect(dialog.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", back);
  expect((await db().query("SELECT name, archived_at FROM projects WHERE tenant_id = $1", [ws.tenantId])).rows).toEqual([{ name: "Orbit", archived_at: null }]);
  await context.close();
});
