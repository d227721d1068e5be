import { readFileSync } from "node:fs";
import http from "node:http";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { parse as parseCsv } from "csv-parse/sync";
import pg from "pg";
import { exportSlotName } from "../lib/audit/export-audit";
import { db, runtime, sessionFor, workspaceWithRoles } from "./helpers";

async function seedEvents(tenantId: string, actorId: string, actorEmail: string) {
  await db().query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, created_at)
     SELECT $1, $2, $3,
            (ARRAY['member.invite','member.remove','member.role.change','tenant.switch'])[1 + g % 4],
            'user', 'target-' || g,
            jsonb_build_object('email', 'person' || g || '@example.test', 'role', 'member', 'from', 'member', 'to', 'admin',
                               'email_dispatched', g % 2 = 0, 'note', 'comma, "quote" and ünïcødé ' || g),
            '192.0.2.' || (g % 250), now() - g * interval '37 minutes'
       FROM generate_series(1, 130) g`,
    [tenantId, actorId, actorEmail],
  );
}

async function tableRows(page: Page) {
  return page.getByTestId("audit-row").evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute("data-id")!,
      time: row.querySelector("time")!.getAttribute("datetime")!,
      action: row.querySelectorAll("td")[2]!.textContent!.trim(),
    })),
  );
}

test("an auditor filters, pages back and forth, exports, and the downloaded files match the table", async ({ browser }) => {
  const ws = await workspaceWithRoles("Audit Corp");
  await seedEvents(ws.tenantId, ws.users.admin.id, ws.users.admin.email);
  const context = await browser.newContext({ acceptDownloads: true, timezoneId: "Asia/Tokyo", locale: "en-US" });
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();

  await page.goto("/app/dashboard");
  await page.getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(page.getByTestId("audit-table")).toBeVisible();
  await expect(page.getByTestId("audit-row")).toHaveCount(50);
  // Times are shown in the viewer's time zone (this browser is in Tokyo).
  const firstTime = page.getByTestId("audit-row").first().locator("time");
  const iso = (await firstTime.getAttribute("datetime"))!;
  // The date over the time, so the column keeps to two lines.
  const inTokyo = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-US", { ...options, timeZone: "Asia/Tokyo" }).format(new Date(iso));
  await expect(firstTime.locator("span")).toHaveText([inTokyo({ dateStyle: "medium" }), inTokyo({ timeStyle: "medium" })]);

  await page.getByText("All actions").click();
  await page.getByLabel("member.remove").check();
  await page.getByLabel("member.role.change").check();
  await page.keyboard.press("Escape");
  // The closed list names what is chosen.
  await expect(page.getByTestId("audit-actions").locator("summary")).toHaveText("Member removed, Role changed");
  await page.getByLabel("Actor email").fill(ws.users.admin.email.toUpperCase());
  await page.getByLabel("From").fill("2020-01-01");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=member.remove&action=member.role.change/);
  await expect(page).toHaveURL(/tz=Asia%2FTokyo/);
  expect(new URL(page.url()).searchParams.has("q")).toBe(false);

  const pages: Array<Array<{ id: string; time: string; action: string }>> = [await tableRows(page)];
  expect(pages[0]).toHaveLength(50);
  while (await page.getByRole("link", { name: "Older →" }).isVisible()) {
    await page.getByRole("link", { name: "Older →" }).click();
    await expect(page.getByTestId("audit-row").first()).not.toHaveAttribute("data-id", pages.at(-1)![0]!.id);
    pages.push(await tableRows(page));
  }
  const shown = pages.flat();
  expect(shown).toHaveLength(66);
  for (const action of await page.getByTestId("audit-row").locator("td:nth-child(3)").allTextContents()) {
    expect(["member.remove", "member.role.change"]).toContain(action);
  }

  // Back and forward move through the pages; "Newer" returns to the first.
  const showsPage = async (rows: Array<{ id: string; time: string; action: string }>) => {
    await expect(page.getByTestId("audit-row").first()).toHaveAttribute("data-id", rows[0]!.id);
    expect(await tableRows(page)).toEqual(rows);
  };
  await page.goBack();
  await showsPage(pages.at(-2)!);
  await page.goForward();
  await showsPage(pages.at(-1)!);
  await page.getByRole("link", { name: "← Newer" }).click();
  await showsPage(pages.at(-2)!);

  const csvDownload = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/^audit-audit-corp-[0-9a-f]{6}-from-2020-01-01\.csv$/);
  const [header, ...records] = parseCsv(readFileSync((await csv.path())!, "utf8")) as string[][];
  const col = (name: string) => header!.indexOf(name);
  expect(records.map((r) => ({ id: r[col("id")]!, time: r[col("time")]!, action: r[col("action")]! }))).toEqual(shown);
  expect(new Set(records.map((r) => r[col("actor_email")]))).toEqual(new Set([ws.users.admin.email]));

  const jsonlDownload = page.waitForEvent("download");
  await page.getByTestId("export-jsonl").click();
  const jsonl = readFileSync((await (await jsonlDownload).path())!, "utf8");
  const lines = jsonl.trimEnd().split("\n").map((line) => JSON.parse(line));
  expect(lines.map((l) => ({ id: l.id, time: l.time, action: l.action }))).toEqual(shown);
  expect(lines[0].metadata.note).toMatch(/^comma, "quote" and ünïcødé \d+$/);

  // Each export: its start (format, filters), and its end, which names the start.
  const { rows } = await db().query(
    `SELECT s.metadata AS start, e.metadata AS end
       FROM audit_log s JOIN audit_log e ON e.action = 'audit.export.finish' AND e.target_id = s.id::text
      WHERE s.tenant_id = $1 AND s.action = 'audit.export' ORDER BY s.id`,
    [ws.tenantId],
  );
  expect(rows.map((r) => [r.start.format, r.end.rows, r.end.complete, r.end.reason])).toEqual([
    ["csv", 66, true, "finished"],
    ["jsonl", 66, true, "finished"],
  ]);
  expect(rows[0].start.filters).toEqual({
    actions: ["member.remove", "member.role.change"],
    actor: ws.users.admin.email,
    from: "2020-01-01",
    tz: "Asia/Tokyo",
  });

  // Nothing an auditor sees can change the workspace.
  await page.getByRole("link", { name: "Members", exact: true }).click();
  await expect(page.getByTestId("members-table")).toBeVisible();
  await expect(page.getByTestId("invite-form")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Change role" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Remove" })).toHaveCount(0);
  await context.close();
});

test("the actions chosen stay in the filters while their list is closed, and the closed list is not in the page", async ({ browser }) => {
  const ws = await workspaceWithRoles("Audit Closed List");
  await seedEvents(ws.tenantId, ws.users.admin.id, ws.users.admin.email);
  const context = await browser.newContext();
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/audit?action=member.role.change&action=member.remove");
  const menu = page.getByTestId("audit-actions");
  await expect(menu.locator("summary")).toHaveText("Member removed, Role changed");
  // Closed, the list of every action is not rendered at all; the chosen ones go with the form, in the list's order as the checkboxes send them.
  await expect(page.getByTestId("audit-actions-list")).toHaveCount(0);
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  await page.getByLabel("Actor email").fill(ws.users.admin.email);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/actor=/);
  expect(new URL(page.url()).searchParams.getAll("action")).toEqual(["member.remove", "member.role.change"]);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();

  // Opened, it shows them checked; one unchecked and the list closed again, the form sends the other.
  await menu.locator("summary").click();
  await expect(page.getByLabel("member.remove")).toBeChecked();
  await expect(page.getByLabel("member.role.change")).toBeChecked();
  await expect(page.getByLabel(/member\.invite$/)).not.toBeChecked();
  await page.getByLabel("member.remove").uncheck();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("audit-actions-list")).toHaveCount(0);
  await expect(menu.locator("summary")).toHaveText("Role changed");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.getAll("action")).toEqual(["member.role.change"]);
  await context.close();
});

test("with the actions list open, the first click on Apply filters submits them", async ({ browser }) => {
  const ws = await workspaceWithRoles("Audit First Click");
  await seedEvents(ws.tenantId, ws.users.admin.id, ws.users.admin.email);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/audit");
  const menu = page.getByTestId("audit-actions");
  await menu.locator("summary").click();
  await page.getByLabel("Member removed").check();
  // The list still open: one click, pressed and released where the button is, applies the filters.
  const apply = page.getByRole("button", { name: "Apply filters" });
  const box = (await apply.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(() => new URL(page.url()).searchParams.getAll("action")).toEqual(["member.remove"]);
  await expect(menu.locator("summary")).toHaveText("Member removed");
  for (const action of await page.getByTestId("audit-row").locator("td:nth-child(3)").allTextContents()) expect(action).toBe("member.remove");

  // A click elsewhere still closes the list, and the keyboard still works it: Escape closes it, Enter on the button submits.
  await menu.locator("summary").click();
  await expect(page.getByTestId("audit-actions-list")).toBeVisible();
  await page.getByRole("heading", { name: "Audit log" }).click();
  await expect(page.getByTestId("audit-actions-list")).toHaveCount(0);
  await menu.locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("audit-actions-list")).toBeVisible();
  await page.keyboard.press("Tab");
  const ticked = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
  await page.keyboard.press("Space");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("audit-actions-list")).toHaveCount(0);
  await expect(menu.locator("summary")).toBeFocused();
  await apply.focus();
  await page.keyboard.press("Enter");
  const expected = ticked === "member.remove" ? [] : [ticked, "member.remove"].sort();
  await expect.poll(() => new URL(page.url()).searchParams.getAll("action").sort()).toEqual(expected);
  await context.close();
});

test("owners, admins and auditors may read and export the audit log; members may not", async ({ browser }) => {
  const ws = await workspaceWithRoles("Access Check");
  await seedEvents(ws.tenantId, ws.users.owner.id, ws.users.owner.email);
  for (const role of ["owner", "admin", "auditor", "member"] as const) {
    const context = await browser.newContext();
    await sessionFor(context, ws.users[role], ws.tenantId);
    const page = await context.newPage();
    await page.goto("/app/audit");
    // The seeded actions only: each role's export adds an audit.export row of its own.
    const exported = await page.request.get(
      "/app/audit/export?format=jsonl&action=member.invite&action=member.remove&action=member.role.change&action=tenant.switch",
    );
    if (role === "member") {
      await expect(page.getByText("Your role in this workspace does not include the audit log.")).toBeVisible();
      await expect(page.getByTestId("audit-table")).toHaveCount(0);
      await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
      expect(exported.status()).toBe(403);
      expect(await exported.text()).toContain("does not allow exporting");
    } else {
      await expect(page.getByTestId("audit-row").first()).toBeVisible();
      expect(exported.status()).toBe(200);
      expect((await exported.text()).trimEnd().split("\n")).toHaveLength(130);
      // Asking for an export's headers alone is not an export: nothing recorded, nothing counted.
      const exports = async () => (await db().query("SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND action = 'audit.export'", [ws.tenantId])).rows[0].n;
      const before = await exports();
      const head = await page.request.head("/app/audit/export?format=csv");
      expect(head.status()).toBe(405);
      expect(head.headers().allow).toBe("GET");
      expect(await exports()).toBe(before);
    }
    await context.close();
  }
});

test("bad filters, tampered cursors and oversized input get a clear message, never an error page", async ({ browser }) => {
  const ws = await workspaceWithRoles("Bad Input");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  const cases: Array<[string, string]> = [
    ["from=2026-11-20&to=2026-11-01", "The start date is after the end date."],
    ["from=2026-02-30", "The start date is not a valid date"],
    ["action=member.explode", "Unknown action: member.explode."],
    [`q=${"x".repeat(10_000)}`, "Search text is limited to 200 characters."],
    ["after=eyJmb3JnZWQiOnRydWV9.AAAAAAAAAAAAAAAAAAAAAA", "This page link is not valid any more."],
  ];
  for (const [query, message] of cases) {
    const response = await page.goto(`/app/audit?${query}`);
    expect(response?.status(), query.slice(0, 40)).toBe(200);
    await expect(page.getByRole("alert").filter({ hasText: message })).toBeVisible();
    const exported = await page.request.get(`/app/audit/export?format=csv&${query}`);
    if (!query.startsWith("after=")) {
      expect(exported.status()).toBe(400);
      expect(await exported.text()).toContain(message);
    }
  }
  expect((await page.request.get("/app/audit/export?format=xlsx")).status()).toBe(400);
  // Filters the browser accepts but Postgres cannot apply: refused before any byte, nothing recorded.
  const exportRows = async () =>
    (await db().query("SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action LIKE 'audit.export%'", [ws.tenantId])).rowCount;
  const before = await exportRows();
  for (const [query, message] of [
    ["from=2026-01-01&tz=US%2FPacific-New", "Unknown time zone."],
    ["from=0000-01-01", "The start date is not a valid date (use YYYY-MM-DD, years 1 to 9999)."],
  ]) {
    const exported = await page.request.get(`/app/audit/export?format=csv&${query}`);
    expect(exported.status(), query).toBe(400);
    expect(await exported.text()).toContain(message);
  }
  expect(await exportRows()).toBe(before);
  await page.goto("/app/audit?action=member.remove");
  await expect(page.getByTestId("audit-empty")).toHaveText("No events match these filters.");
  await context.close();
});

/** Starts a download and reads nothing past its headers, as a stalled client would. */
async function stalledDownload(context: BrowserContext, path: string): Promise<{ status: number; drop: () => void }> {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  return new Promise((resolve, reject) => {
    const request = http.get(new URL(path, runtime().baseUrl), { headers: { cookie } }, (response) => {
      response.pause();
      response.on("error", () => {});
      resolve({ status: response.statusCode!, drop: () => request.destroy() });
    });
    request.on("error", reject);
  });
}

test("over a limit an export gets 429 with Retry-After before any byte; a dropped download is recorded and frees its slot", async ({ browser }) => {
  const ws = await workspaceWithRoles("Export Queue");
  // Some 25 MB of CSV, more than the sockets between server and client hold,
  // so a download that is not read keeps its export running.
  await db().query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, created_at)
     SELECT $1::uuid, $2, $3, 'tenant.switch', 'tenant', $1::text, jsonb_build_object('padding', repeat('x', 1000)), now() - g * interval '1 minute'
       FROM generate_series(1, 20000) g`,
    [ws.tenantId, ws.users.admin.id, ws.users.admin.email],
  );
  const context = await browser.newContext();
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  const exportRows = async () =>
    (await db().query("SELECT metadata FROM audit_log WHERE tenant_id = $1 AND action LIKE 'audit.export%' ORDER BY id", [ws.tenantId])).rows.map(
      (r) => r.metadata,
    );

  // Another server process runs this person's export: it holds their slot,
  // and takes none of this server's (the other tests export alongside).
  const otherServer = new pg.Client({ connectionString: runtime().ownerDatabaseUrl });
  await otherServer.connect();
  try {
    await otherServer.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [exportSlotName("user", ws.users.auditor.id, 0)]);
    const refused = await page.request.get("/app/audit/export?format=jsonl");
    expect(refused.status()).toBe(429);
    expect(refused.headers()["retry-after"]).toBe("30");
    expect(await refused.text()).toContain("You already have an export running");
    expect(await exportRows()).toEqual([]);
  } finally {
    await otherServer.end();
  }

  // A download that is opened and then dropped: its start is recorded before
  // it has taken anything, its end as cancelled, and its slot is freed.
  const stalled = await stalledDownload(context, "/app/audit/export?format=csv");
  expect(stalled.status).toBe(200);
  expect((await exportRows()).map((r) => r.format)).toEqual(["csv"]);
  stalled.drop();
  const ends = async () => (await exportRows()).filter((r) => "reason" in r).map((r) => [r.complete, r.reason]);
  await expect.poll(ends).toEqual([[false, "cancelled"]]);
  await expect.poll(async () => (await page.request.get("/app/audit/export?format=csv&target=nothing-here")).status()).toBe(200);
  await context.close();
});

// Export is a link the browser follows: a refusal (here: this person's
// export slot held by another server process) brings the page back with a
// sentence saying why, rather than a file holding the refusal, and keeps the filters.
test("an export refused in the browser says why on the audit page, not in a downloaded file", async ({ browser }) => {
  const ws = await workspaceWithRoles("Export Refused");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  await page.goto(`/app/audit?actor=${encodeURIComponent(ws.users.admin.email)}`);
  const otherServer = new pg.Client({ connectionString: runtime().ownerDatabaseUrl });
  await otherServer.connect();
  try {
    await otherServer.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [exportSlotName("user", ws.users.auditor.id, 0)]);
    let downloaded = false;
    page.on("download", () => void (downloaded = true));
    await page.getByTestId("export-csv").click();
    await expect(page.locator("main").getByRole("alert")).toHaveText("The export did not start: you already have an export running. Try again in 30 seconds.");
    await expect(page.getByLabel("Actor email")).toHaveValue(ws.users.admin.email);
    expect(downloaded).toBe(false);
    // The request itself is still refused with 429 and Retry-After for any other client.
    const refused = await page.request.get("/app/audit/export?format=csv");
    expect(refused.status()).toBe(429);
  } finally {
    await otherServer.end();
  }
  await context.close();
});

test("an export on a plan without exports says whom to ask by role: an auditor an owner, an owner the platform's operators", async ({ browser }) => {
  const ws = await workspaceWithRoles("Export Plan");
  const plan = `no-export-${ws.tenantId.slice(0, 8)}`;
  await db().query("INSERT INTO plans (id, name, export_allowed) VALUES ($1, 'No export', false)", [plan]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, plan]);
  const said = async (user: (typeof ws.users)["owner"]) => {
    const context = await browser.newContext();
    await sessionFor(context, user, ws.tenantId);
    const page = await context.newPage();
    await page.goto("/app/audit");
    await page.getByTestId("export-csv").click();
    await expect(page).toHaveURL(/\/app\/audit\?export_refused=plan$/);
    const text = await page.locator("main").getByRole("alert").innerText();
    // A script is refused with 402 and the same words.
    const refused = await page.request.get("/app/audit/export?format=csv");
    expect(refused.status()).toBe(402);
    expect(text).toContain((await refused.text()).trim());
    await context.close();
    return text;
  };
  expect(await said(ws.users.auditor)).toBe(
    "The export did not start. Your plan does not include exporting the audit log; to export it, ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.",
  );
  expect(await said(ws.users.owner)).toBe(
    "The export did not start. Your plan does not include exporting the audit log; to export it, ask the platform's operators to upgrade the plan.",
  );
});

// Access lost while the audit page is open: the Export link is followed by
// the browser, so the answer is a page to go on from — the audit page saying
// why (a role lowered below auditor), or the app's own page once the
// workspace is gone from one's list (removed) — never a bare sentence.
// Scripts still get the status and the sentence.
test("an export clicked after losing access brings the browser back to a page that says why", async ({ browser }) => {
  const ws = await workspaceWithRoles("Lost Export");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  let downloaded = false;
  page.on("download", () => void (downloaded = true));

  // Demoted to member meanwhile: back on the audit page, which says why the export did not start.
  await page.goto("/app/audit");
  await expect(page.getByTestId("export-csv")).toBeVisible();
  await db().query("UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.auditor.id]);
  await page.getByTestId("export-csv").click();
  await expect(page).toHaveURL(/\/app\/audit\?export_refused=role$/);
  await expect(page.locator("main").getByRole("alert")).toHaveText("The export did not start: your role in this workspace does not allow exporting the audit log.");
  await expect(page.getByText("Your role in this workspace does not include the audit log.")).toBeVisible();
  const script = await page.request.get("/app/audit/export?format=csv");
  expect(script.status()).toBe(403);
  expect(await script.text()).toContain("does not allow exporting");

  // Removed meanwhile (the workspace was their only one): the app's own page, which says the workspace is gone.
  await db().query("UPDATE tenant_members SET role = 'auditor' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.auditor.id]);
  await page.goto("/app/audit");
  await expect(page.getByTestId("export-csv")).toBeVisible();
  await db().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, ws.users.auditor.id]);
  await page.getByTestId("export-csv").click();
  await expect(page).toHaveURL(/\/app\/onboarding$/);
  await expect(page.getByTestId("lost-workspace-notice")).toContainText("You no longer have access to Lost Export");
  const removed = await page.request.get("/app/audit/export?format=csv");
  expect(removed.status()).toBe(403);
  expect(await removed.text()).toContain("You do not belong to a workspace.");
  expect(downloaded).toBe(false);
  await context.close();
});

// The Export link names the workspace its page shows, as the page's forms do:
// a click after switching to another workspace in another tab, or after
// being removed from the page's workspace while belonging to another, never
// downloads the other workspace's log (the request's workspace came from the
// cookie, which then names the other one).
test("an export clicked on a page of another workspace than the current one gives no other workspace's log", async ({ browser }) => {
  const a = await workspaceWithRoles("Export Here");
  const b = await workspaceWithRoles("Export There");
  const user = a.users.auditor;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'owner')", [b.tenantId, user.id]);
  const context = await browser.newContext();
  await sessionFor(context, user, a.tenantId);
  const page = await context.newPage();
  let downloaded = false;
  page.on("download", () => void (downloaded = true));
  // The page renews the browser's receipt of the workspace it shows after loading (lib/tenancy/seen-workspace.ts),
  // which the dashboard's notice of a lost workspace reads: each page's is waited for.
  const receiptOf = async () => (await context.cookies()).find((c) => c.name === "prom_seen")?.value ?? "";
  const receiptRenewed = async (before: string) => {
    await expect.poll(async () => { const now = await receiptOf(); return now !== "" && now !== before; }).toBe(true);
    return receiptOf();
  };

  // Switched to There in another tab meanwhile: back on the audit page, now There's, saying why.
  await page.goto("/app/audit");
  await expect(page.getByTestId("active-workspace")).toHaveText("Export Here");
  const here = await receiptRenewed("");
  await context.addCookies([{ name: "prom_tenant", value: b.tenantId, url: runtime().baseUrl }]);
  await page.getByTestId("export-csv").click();
  await expect(page).toHaveURL(/\/app\/audit\?export_refused=workspace$/);
  await expect(page.getByTestId("active-workspace")).toHaveText("Export There");
  await expect(page.locator("main").getByRole("alert")).toHaveText(
    "The export did not start: the page it was clicked on was for another workspace, and you have since switched to this one. Export again to get this workspace's log.",
  );
  const there = await receiptRenewed(here);

  // Removed from Here while its page was open: the app's own page, which says Here is gone.
  await context.addCookies([{ name: "prom_tenant", value: a.tenantId, url: runtime().baseUrl }]);
  await page.goto("/app/audit");
  await expect(page.getByTestId("active-workspace")).toHaveText("Export Here");
  await receiptRenewed(there);
  await db().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [a.tenantId, user.id]);
  await page.getByTestId("export-csv").click();
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  await expect(page.getByTestId("lost-workspace-notice")).toContainText("You no longer have access to Export Here");
  const script = await page.request.get(`/app/audit/export?format=csv&_tenant=${a.tenantId}`);
  expect(script.status()).toBe(403);
  expect(await script.text()).toContain("You no longer have access to the workspace this page belongs to");
  expect(downloaded).toBe(false);
  await context.close();
});
