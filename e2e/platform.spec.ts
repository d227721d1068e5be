import { expect, test } from "@playwright/test";
import { db, linkIn, sessionFor, uniqueEmail, waitForEmail, workspaceWithRoles } from "./helpers";
import { formData, getAs, httpSession, postAction, serverAction, SIGNED_OUT } from "./server-actions";
import { purgeWorkspace } from "../lib/jobs/purge";
import { applyAuditRetention } from "../lib/jobs/retention";

async function platformAdmin(name: string) {
  const email = uniqueEmail("platform");
  const user = (await db().query<{ id: string }>("INSERT INTO users (email, name, is_platform_admin) VALUES ($1, $2, true) RETURNING id", [email, name])).rows[0]!;
  return { id: user.id, email };
}

test("every /admin page and action answers 404 to anyone but a platform administrator", async () => {
  const ws = await workspaceWithRoles("Guarded Garden");
  const admin = await platformAdmin("Pat Platform");
  const pages = [
    "/admin",
    "/admin/plans",
    "/admin/workspaces/new",
    `/admin/workspaces/${ws.tenantId}`,
    `/admin/workspaces/${ws.tenantId}/members`,
    `/admin/workspaces/${ws.tenantId}/audit`,
  ];
  const paths = [...pages, "/admin/workspaces/not-a-uuid"];
  const owner = await httpSession(ws.users.owner, ws.tenantId);
  for (const session of [SIGNED_OUT, owner]) {
    for (const path of paths) {
      const answer = await getAs(path, { session });
      expect(answer.status, `${path} as ${session.userId ?? "signed out"}`).toBe(404);
      expect(answer.body).not.toContain("Platform administration");
    }
  }
  // An action posted by a workspace owner changes nothing and says no more than "not found".
  const block = serverAction("app/admin/actions.ts#blockWorkspaceAction");
  const refused = await postAction(block, [null, formData({ tenantId: ws.tenantId, blocked: "true" })], {
    session: owner,
    path: `/admin/workspaces/${ws.tenantId}`,
  });
  expect(refused.result).toMatchObject({ ok: false, error: "Not found." });
  expect((await db().query("SELECT status FROM tenants WHERE id = $1", [ws.tenantId])).rows[0].status).toBe("active");
  // Nothing of the refused visits reached the workspace's log.
  expect((await db().query("SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND action = 'platform.cross_view'", [ws.tenantId])).rows[0].n).toBe(0);

  const adminSession = await httpSession(admin);
  // The profile's answer says who is a platform administrator (and who is not).
  expect(JSON.parse((await getAs("/api/me", { session: adminSession })).body).platformAdmin).toBe(true);
  expect(JSON.parse((await getAs("/api/me", { session: owner })).body).platformAdmin).toBe(false);
  for (const path of pages) expect((await getAs(path, { session: adminSession })).status, path).toBe(200);
});

test("a platform administrator finds a workspace, reads it under a red banner, suspends it — its members are out at their next request — and its auditors see the visit", async ({ browser }) => {
  const ws = await workspaceWithRoles("Suspendable Summit");
  const admin = await platformAdmin("Pat Platform");
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, admin, ws.tenantId);
  const page = await adminContext.newPage();
  await page.goto("/admin");
  await page.getByPlaceholder("Name, slug or member@example.com").fill(ws.users.member.email);
  await page.getByRole("button", { name: "Search" }).click();
  const directory = page.getByTestId("admin-directory");
  await expect(directory.locator("tbody tr")).toHaveCount(1);
  await expect(directory).toContainText("Suspendable Summit");
  await expect(directory).toContainText("4");
  await directory.getByRole("link", { name: "Suspendable Summit" }).click();

  // The banner says what the page is: the platform acting on the workspace (its changes are offered right under it), every step in its log.
  await expect(page.getByTestId("cross-view-banner")).toHaveText(
    "You are acting on “Suspendable Summit” as the platform, not as one of its members. Its members and audit log are read-only here; every change you make to it (rename, plan, suspension, deletion) and this visit are recorded in its audit log.",
  );
  await expect(page.getByTestId("admin-members")).toContainText(ws.users.auditor.email);
  await expect(page.getByTestId("admin-usage")).toContainText("Members");

  const memberContext = await browser.newContext();
  await sessionFor(memberContext, ws.users.member, ws.tenantId);
  const member = await memberContext.newPage();
  await member.goto("/app/dashboard");
  await expect(member.getByTestId("active-workspace")).toHaveText("Suspendable Summit");

  await page.getByTestId("admin-block").click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Reason/).fill("unpaid invoice");
  await dialog.getByRole("button", { name: "Suspend workspace" }).click();
  await expect(page.getByText("is suspended: its members lose access at their next request.")).toBeVisible();
  await expect(page.getByTestId("admin-status")).toHaveText("Suspended");

  // The member's next request: the page, and an export.
  await member.goto("/app/dashboard");
  await expect(member).toHaveURL(/\/app\/suspended$/);
  expect((await member.request.get("/app/audit/export?format=csv")).status()).toBe(402);

  await page.getByTestId("admin-unblock").click();
  await page.getByRole("dialog").getByRole("button", { name: "Lift suspension" }).click();
  await expect(page.getByTestId("admin-status")).toHaveText("Active");

  // The workspace's log as the platform reads it: an actor's link filters this log, not a log of the administrator's own.
  await page.goto(`/admin/workspaces/${ws.tenantId}/audit`);
  await page.getByTestId("audit-row").getByRole("link", { name: admin.email }).first().click();
  await expect(page).toHaveURL(new RegExp(`/admin/workspaces/${ws.tenantId}/audit\\?actor=${encodeURIComponent(admin.email)}$`));
  await expect(page.getByTestId("cross-view-banner")).toBeVisible();
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  for (const row of await page.getByTestId("audit-row").all()) await expect(row).toContainText(admin.email);

  // The workspace's auditor reads the visit in its own log.
  const auditorContext = await browser.newContext();
  await sessionFor(auditorContext, ws.users.auditor, ws.tenantId);
  const auditor = await auditorContext.newPage();
  await auditor.goto("/app/audit");
  await expect(auditor.getByText("Platform admin Pat Platform viewed the workspace overview (members, usage and audit log) (read-only)").first()).toBeVisible();
  await expect(auditor.getByText("The platform suspended this workspace: unpaid invoice")).toBeVisible();
  await Promise.all([adminContext.close(), memberContext.close(), auditorContext.close()]);
});

// Audit retention (seed 003): the settings page says how long the log is
// kept and that older events are deleted daily; the job's run deletes them
// and the auditors read that it did in the log itself.
test("a workspace's settings say when its audit events are deleted, and its log records the retention's run", async ({ browser }) => {
  const ws = await workspaceWithRoles("Retained Ridge");
  const plan = `keep-${ws.slug.slice(-6)}`;
  await db().query("INSERT INTO plans (id, name, audit_retention_days) VALUES ($1, 'Ninety days', 90)", [plan]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, plan]);
  await db().query(
    `INSERT INTO audit_log (tenant_id, action, metadata, created_at)
     SELECT $1, 'member.leave', '{"role": "member"}', now() - interval '120 days' - make_interval(secs => g) FROM generate_series(1, 3) g`,
    [ws.tenantId],
  );

  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/general");
  await expect(page.getByTestId("audit-retention")).toHaveText("90 days — events older than 90 days are deleted daily");

  const outcome = await applyAuditRetention(db(), ws.tenantId);
  expect(outcome).toMatchObject({ applied: true, deleted: 3, retentionDays: 90 });
  await page.goto("/app/audit");
  await expect(page.getByText(/Deleted 3 events older than \d{4}-\d{2}-\d{2} \(UTC\), as the plan keeps the log 90 days/)).toBeVisible();
  await expect(page.getByText("Left the workspace (was a member)")).toHaveCount(0);
  await context.close();
});

test("the platform's rename keeps what was typed when it is refused, and the plan picker shows the plan just chosen", async ({ browser }) => {
  const ws = await workspaceWithRoles("Keepsake Quarry");
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto(`/admin/workspaces/${ws.tenantId}`);

  const tooLong = `Keepsake ${"Q".repeat(90)}`;
  await page.getByLabel("Name", { exact: true }).fill(tooLong);
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByText("Keep the name to 80 characters or fewer.")).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(tooLong);

  await page.getByLabel("Plan", { exact: true }).selectOption({ label: "Pro" });
  await page.getByRole("button", { name: "Change plan" }).click();
  await expect(page.getByText("Plan changed.")).toBeVisible();
  await expect(page.getByText(/· Pro plan · created/)).toBeVisible();
  await expect(page.getByLabel("Plan", { exact: true })).toHaveValue("pro");
  // The plan it is already on: nothing changes, and the page says so rather than claiming a change.
  await page.getByRole("button", { name: "Change plan" }).click();
  await expect(page.getByText("This workspace is already on the Pro plan: nothing changed.")).toBeVisible();
  await expect(page.getByText("Plan changed.")).toHaveCount(0);
  await context.close();
});

test("the directory's first-page link keeps the search and the filters", async ({ browser }) => {
  const ws = await workspaceWithRoles("Paging Pier");
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto(`/admin?${new URLSearchParams({ q: "Paging Pier", plan: "enterprise", after: `2999-01-01T00:00:00.000Z_${ws.tenantId}` })}`);
  await page.getByRole("link", { name: "First page" }).click();
  await expect(page).toHaveURL(/\/admin\?q=Paging\+Pier&plan=enterprise$/);
  await expect(page.getByPlaceholder("Name, slug or member@example.com")).toHaveValue("Paging Pier");
  await context.close();
});

test("the platform's restore dialog says what the owners' trash says", async ({ browser }) => {
  const ws = await workspaceWithRoles("Returning Reef");
  const admin = await platformAdmin("Pat Platform");
  await db().query("UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [ws.tenantId]);
  const context = await browser.newContext();
  await sessionFor(context, admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto(`/admin/workspaces/${ws.tenantId}`);
  await page.getByTestId("admin-restore").click();
  await expect(page.getByRole("dialog")).toContainText("Its members get their access back, with everything it held when it was deleted.");
  await context.close();
});

test("a workspace being purged says so in its admin page's header, and once purged its page says it no longer exists and leads back to the directory", async ({ browser }) => {
  const ws = await workspaceWithRoles("Fading Fjord");
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto(`/admin/workspaces/${ws.tenantId}`);
  await page.getByTestId("admin-delete").click();
  await page.getByRole("dialog").getByLabel("Type “Fading Fjord” to confirm").fill("Fading Fjord");
  await page.getByRole("dialog").getByRole("button", { name: "Delete workspace" }).click();
  await expect(page.getByTestId("admin-status")).toHaveText("Deleted (in its owners' trash)");
  // The focus goes to the notice, not to the page: the Delete button went away with the status it changed.
  await expect(page.locator(":focus")).toHaveText("Deleted into its owners' trash. It can be restored until it is purged.");
  await page.getByTestId("admin-purge").click();
  await page.getByRole("dialog").getByLabel("Type “Fading Fjord” to confirm").fill("Fading Fjord");
  await page.getByRole("dialog").getByRole("button", { name: "Purge for good" }).click();
  await expect(page.getByTestId("admin-status")).toHaveText("Being purged (it can no longer be restored)");
  // And after Purge now, to its notice too.
  await expect(page.locator(":focus")).toHaveText("Purge requested: the worker removes it shortly. This cannot be undone.");

  // One whose 30 days ran out, whose purge the schedule began (nobody asked for it): no Restore, which the database would refuse.
  const aged = await workspaceWithRoles("Aged Atoll");
  await db().query(
    "UPDATE tenants SET status = 'deleted', deleted_at = now() - interval '31 days', deletion_batch_id = gen_random_uuid(), purge_started_at = now() WHERE id = $1",
    [aged.tenantId],
  );
  const agedPage = await context.newPage();
  await agedPage.goto(`/admin/workspaces/${aged.tenantId}`);
  await expect(agedPage.getByTestId("admin-status")).toHaveText("Being purged (it can no longer be restored)");
  await expect(agedPage.getByTestId("admin-restore")).toHaveCount(0);

  expect(await purgeWorkspace(db(), ws.tenantId, { now: new Date() })).toMatchObject({ purged: true });
  // Once purged, an old link tells the administrator so — from the page's own entry, which the database answers
  // for them alone (no not-found.tsx, which Next.js renders with every view of the segment) — and leads back.
  await page.reload();
  await expect(page.getByRole("heading", { name: "This workspace no longer exists" })).toBeVisible();
  await expect(page.getByTestId("admin-workspace-gone")).toContainText("“Fading Fjord” no longer exists: it was purged on ");
  for (const area of ["members", "audit"]) {
    await page.goto(`/admin/workspaces/${ws.tenantId}/${area}`);
    await expect(page.getByRole("heading", { name: "This workspace no longer exists" })).toBeVisible();
  }
  await page.getByRole("link", { name: "Back to all workspaces" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Workspaces" })).toBeVisible();
  // An id no workspace ever had says that instead.
  await page.goto("/admin/workspaces/00000000-0000-4000-8000-00000000abcd");
  await expect(page.getByRole("heading", { name: "No workspace with this id" })).toBeVisible();
  await context.close();

  // Anyone else gets the app's own not-found page, which names no console.
  const memberContext = await browser.newContext();
  const other = await workspaceWithRoles("Other Orchard");
  await sessionFor(memberContext, other.users.owner, other.tenantId);
  const member = await memberContext.newPage();
  const refused = await member.goto(`/admin/workspaces/${ws.tenantId}`);
  expect(refused?.status()).toBe(404);
  await expect(member.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await memberContext.close();
});

test("a refused plan keeps what was typed in every field, and a created plan empties the new-plan form", async ({ browser }) => {
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, (await workspaceWithRoles("Plan Parlour")).tenantId);
  const page = await context.newPage();
  await page.goto("/admin/plans");
  const form = page.getByTestId("new-plan");
  const id = `team-${Date.now().toString(36)}`;
  await form.getByLabel("Id").fill(id);
  await form.getByLabel("Name").fill("Team");
  await form.getByLabel("Seats (members + pending invitations)").fill("12");
  await form.getByLabel("API keys").fill("-4");
  await form.getByRole("button", { name: "Create plan" }).click();
  await expect(form.getByText("API keys: a whole number from 0, or empty for unlimited.")).toBeVisible();
  await expect(form.getByLabel("Id")).toHaveValue(id);
  await expect(form.getByLabel("Name")).toHaveValue("Team");
  await expect(form.getByLabel("Seats (members + pending invitations)")).toHaveValue("12");
  await expect(form.getByLabel("API keys")).toHaveValue("-4");

  await form.getByLabel("API keys").fill("3");
  await form.getByRole("button", { name: "Create plan" }).click();
  await expect(page.getByTestId(`plan-${id}`)).toBeVisible();
  await expect(page.getByTestId(`plan-${id}`).getByLabel("Seats (members + pending invitations)")).toHaveValue("12");
  await expect(form.getByLabel("Id")).toHaveValue("");
  await expect(form.getByLabel("Name")).toHaveValue("");
  await db().query("DELETE FROM plans WHERE id = $1", [id]);
  await context.close();
});

test("the new-plan form is named by its heading, and a field's error shows once, beside its field", async ({ browser }) => {
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, (await workspaceWithRoles("Plan Podium")).tenantId);
  const page = await context.newPage();
  await page.goto("/admin/plans");
  const form = page.getByRole("form", { name: "New plan", exact: true });
  await expect(form).toBeVisible();
  await expect(page.getByRole("heading", { name: "New plan", exact: true })).toBeVisible();
  // Every saved plan's form is named too, by the plan's name.
  await expect(page.getByRole("form", { name: "Free", exact: true })).toBeVisible();
  await form.getByLabel("Id").fill(`solo-${Date.now().toString(36)}`);
  await form.getByLabel("Name").fill("Solo");
  await form.getByLabel("API keys").fill("-4");
  await form.getByRole("button", { name: "Create plan" }).click();
  await expect(form.getByText("API keys: a whole number from 0, or empty for unlimited.")).toHaveCount(1);
  await expect(form.getByRole("alert")).toHaveCount(0);
  await expect(form.getByLabel("API keys")).toHaveAttribute("aria-invalid", "true");
  await context.close();
});

test("creating a workspace for someone keeps every field, the plan too, when one is refused", async ({ browser }) => {
  const taken = await workspaceWithRoles("Taken Tarn");
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, taken.tenantId);
  const page = await context.newPage();
  await page.goto("/admin/workspaces/new");
  const email = uniqueEmail("first-owner");
  await page.getByLabel("Workspace name").fill("Fresh Fjord");
  await page.getByLabel("Slug").fill(taken.slug);
  await page.getByLabel("First owner's email").fill(email);
  await page.getByLabel("Plan").selectOption({ label: "Pro" });
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByText(`The slug “${taken.slug}” is already taken. Choose another.`)).toBeVisible();
  await expect(page.getByLabel("Workspace name")).toHaveValue("Fresh Fjord");
  await expect(page.getByLabel("Slug")).toHaveValue(taken.slug);
  await expect(page.getByLabel("First owner's email")).toHaveValue(email);
  await expect(page.getByLabel("Plan")).toHaveValue("pro");
  await context.close();
});

test("a workspace created for someone by email tells them, with the link that signs them in and opens it", async ({ browser }) => {
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, (await workspaceWithRoles("Console Cove")).tenantId);
  const page = await context.newPage();
  await page.goto("/admin/workspaces/new");
  const email = uniqueEmail("told-owner");
  const startedAt = Date.now();
  await page.getByLabel("Workspace name").fill("Told Tarn");
  await page.getByLabel("First owner's email").fill(email);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Told Tarn" })).toBeVisible();
  // The workspace's log says the email went out.
  await expect(page.getByTestId("admin-audit")).toContainText(`Emailed ${email} that the workspace was created for them, with the link to sign in and open it`);
  await context.close();

  const message = await waitForEmail(email, "Your workspace Told Tarn is ready", startedAt);
  expect(message.text).toContain(`Sign in with this address, ${email}. If you belong to other workspaces`);
  const owner = await (await browser.newContext()).newPage();
  await owner.goto(linkIn(message, /https?:\/\/[^\s"<>]+\/sign-in\?email=[^\s"<>]+/));
  await expect(owner.getByLabel("Email address")).toHaveValue(email);
  const signInAt = Date.now();
  await owner.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(owner.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await owner.goto(linkIn(await waitForEmail(email, "sign-in link", signInAt), /https?:\/\/[^\s"<>]+\/api\/auth\/callback\/email\?[^\s"<>]+/));
  await expect(owner).toHaveURL(/\/app\/dashboard/);
  await expect(owner.getByTestId("active-workspace")).toHaveText("Told Tarn");
  await owner.context().close();
});

test("a workspace created for someone whose email did not go out says so on its page, with the link to send them and a Copy button", async ({ browser }) => {
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, (await workspaceWithRoles("Console Quay")).tenantId);
  const page = await context.newPage();
  await page.goto("/admin/workspaces/new");
  const email = uniqueEmail("unsent-owner");
  await page.getByLabel("Workspace name").fill("Quiet Quay");
  await page.getByLabel("First owner's email").fill(email);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Quiet Quay" })).toBeVisible();
  // The email went out: nothing to say.
  await expect(page.getByTestId("owner-email-unsent")).toHaveCount(0);
  const overview = new URL(page.url()).pathname;

  // The page as the creation leads to it when the email did not go out (the flag createWorkspaceForAction adds).
  await page.goto(`${overview}?unsent=${encodeURIComponent(email)}`);
  const notice = page.getByTestId("owner-email-unsent");
  await expect(notice).toContainText(`The email to ${email} could not be sent: send them this link yourself.`);
  await expect(notice.getByLabel("Sign-in link")).toHaveValue(new RegExp(`/sign-in\\?email=${encodeURIComponent(email).replace(/[.+]/g, "\\$&")}&next=%2Fapp%2Fdashboard$`));
  await expect(notice.getByRole("button", { name: "Copy" })).toBeVisible();
  // It takes the focus: the form that led to it is gone.
  await expect(page.locator(":focus")).toContainText(`The email to ${email} could not be sent`);
  // Said once: the address loses its flag, so a reload or a bookmark does not say it again.
  await expect(page).toHaveURL(new RegExp(`${overview}$`));
  await page.reload();
  await expect(page.getByRole("heading", { name: "Quiet Quay" })).toBeVisible();
  await expect(page.getByTestId("owner-email-unsent")).toHaveCount(0);
  // An address that is not the workspace's owner is not named.
  await page.goto(`${overview}?unsent=${encodeURIComponent("someone-else@example.test")}`);
  await expect(page.getByRole("heading", { name: "Quiet Quay" })).toBeVisible();
  await expect(page.getByTestId("owner-email-unsent")).toHaveCount(0);
  await context.close();
});

test("the plans page's element ids are unique, even beside a plan whose id is “new”", async ({ browser }) => {
  const admin = await platformAdmin("Pat Platform");
  const context = await browser.newContext();
  await sessionFor(context, admin, (await workspaceWithRoles("Plan Namesake")).tenantId);
  await db().query("INSERT INTO plans (id, name) VALUES ('new', 'New') ON CONFLICT (id) DO NOTHING");
  try {
    const page = await context.newPage();
    await page.goto("/admin/plans");
    await expect(page.getByRole("form", { name: "New", exact: true })).toBeVisible();
    const ids = await page.locator("[id]").evaluateAll((elements) => elements.map((element) => element.id));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    // Each form's labels lead to its own fields.
    await page.getByRole("form", { name: "New plan", exact: true }).getByLabel("Name").fill("Fresh");
    await expect(page.getByRole("form", { name: "New", exact: true }).getByLabel("Name")).toHaveValue("New");
  } finally {
    await db().query("DELETE FROM plans WHERE id = 'new'");
    await context.close();
  }
});

// Plans: the new-plan form creates, and never rewrites a plan that has its
// id; a plan's form shows whether it is the default as it is now, so saving
// it does not take the default back from a plan made the default meanwhile.
test("a new plan with an existing plan's id is refused, and saving the former default keeps the plan made the default since", async ({ browser }) => {
  const admin = await platformAdmin("Pat Platform");
  const id = `dflt-${Date.now().toString(36)}`;
  // Everything allowed, like the suite's default: other tests' workspaces may start on it meanwhile.
  await db().query("INSERT INTO plans (id, name, export_allowed) VALUES ($1, 'Everything', true)", [id]);
  const before = (await db().query<{ id: string; name: string; seats: number | null }>("SELECT id, name, seats FROM plans WHERE is_default")).rows[0]!;
  const context = await browser.newContext();
  await sessionFor(context, admin, (await workspaceWithRoles("Plan Pavilion")).tenantId);
  const page = await context.newPage();
  try {
    await page.goto("/admin/plans");
    const create = page.getByTestId("new-plan");
    await create.getByLabel("Id").fill(before.id);
    await create.getByLabel("Name").fill("Overwritten");
    await create.getByLabel("Seats (members + pending invitations)").fill("1");
    await create.getByRole("button", { name: "Create plan" }).click();
    await expect(create.getByText(`A plan with the id “${before.id}” exists already.`)).toBeVisible();
    expect((await db().query("SELECT name, seats FROM plans WHERE id = $1", [before.id])).rows).toEqual([{ name: before.name, seats: before.seats }]);

    const next = page.getByTestId(`plan-${id}`);
    await next.getByLabel("New workspaces start on it").check();
    await next.getByRole("button", { name: "Save plan" }).click();
    await expect(next.getByText("Plan “Everything” saved.")).toBeVisible();
    const former = page.getByTestId(`plan-${before.id}`);
    await expect(former.getByLabel("New workspaces start on it")).not.toBeChecked();
    await former.getByRole("button", { name: "Save plan" }).click();
    await expect(former.getByText(`Plan “${before.name}” saved.`)).toBeVisible();
    expect((await db().query("SELECT id FROM plans WHERE is_default")).rows).toEqual([{ id }]);
  } finally {
    await db().query("UPDATE plans SET is_default = false WHERE is_default");
    await db().query("UPDATE plans SET is_default = true WHERE id = $1", [before.id]);
    // Workspaces other tests created while this plan was the default started on it: back to the default, so it can go.
    await db().query("UPDATE tenants SET plan_id = $2 WHERE plan_id = $1", [id, before.id]);
    await db().query("DELETE FROM plans WHERE id = $1", [id]);
    await context.close();
  }
});
