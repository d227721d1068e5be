import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { generate } from "otplib";
import sharp from "sharp";
import { db, newSessionToken, sessionFor, workspaceWithRoles } from "./helpers";

// Defects a walk-through found, each checked as a person meets it, at a
// laptop's width.
test.use({ viewport: { width: 1280, height: 800 } });

test("a refused role change keeps the chosen role with the error, and the error is gone while the next try is pending", async ({ browser }) => {
  const alpha = await workspaceWithRoles("Alpha Choice");
  const beta = await workspaceWithRoles("Beta Choice");
  const [admin, member] = [alpha.users.admin, alpha.users.member];
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'admin'), ($1, $3, 'member')", [beta.tenantId, admin.id, member.id]);
  const context = await browser.newContext();
  await sessionFor(context, admin, alpha.tenantId);
  const tab = await context.newPage();
  await tab.goto("/app/settings");
  await tab.getByTestId(`change-role-${member.email}`).click();
  const dialog = tab.getByRole("dialog");
  await dialog.getByLabel("New role").selectOption("auditor");

  // Another tab switches workspace: the form, rendered for Alpha, is refused.
  const other = await context.newPage();
  await other.goto("/app/dashboard");
  await other.getByTestId("workspace-switcher").click();
  await other.getByRole("button", { name: /Beta Choice/ }).click();
  await expect(other.getByTestId("active-workspace")).toHaveText("Beta Choice");

  await dialog.getByRole("button", { name: "Save role" }).click();
  const error = dialog.getByRole("alert");
  await expect(error).toHaveText("This page belongs to workspace Alpha Choice; you have since switched to Beta Choice. Reload to continue.");
  await expect(dialog.getByLabel("New role")).toHaveValue("auditor");

  // The next try, held on its way: the old error is not shown beside it.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await tab.route("**/app/settings", async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  await dialog.getByRole("button", { name: "Save role" }).click();
  await expect(dialog.getByRole("button", { name: "Saving…" })).toBeDisabled();
  await expect(error).toHaveCount(0);
  release();
  await expect(error).toBeVisible();
  await expect(dialog.getByLabel("New role")).toHaveValue("auditor");
  const { rows } = await db().query("SELECT role FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [alpha.tenantId, member.id]);
  expect(rows).toEqual([{ role: "member" }]);
  await context.close();
});

test("an owner demoted meanwhile is told their role and the page shows it; the only owner is offered no role change", async ({ browser }) => {
  const ws = await workspaceWithRoles("Race Co");
  const [first, second] = [ws.users.owner, ws.users.admin];
  const context = await browser.newContext();
  await sessionFor(context, first, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  // The only owner: no role change to offer.
  await expect(page.getByTestId(`sole-owner-${first.email}`)).toHaveText("Only owner");
  await expect(page.getByTestId(`change-role-${first.email}`)).toHaveCount(0);

  // A second owner; the first one's page is shown with both.
  await db().query("UPDATE tenant_members SET role = 'owner' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, second.id]);
  await page.reload();
  await expect(page.getByTestId(`change-role-${first.email}`)).toBeVisible();
  await expect(page.getByTestId("workspace-switcher")).toContainText("owner");

  // The second owner demotes the first (as if a moment earlier, in another browser)…
  await db().query("UPDATE tenant_members SET role = 'admin' WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, first.id]);
  // …whose page still says owner, and tries to demote the second.
  await page.getByTestId(`change-role-${second.email}`).click();
  await page.getByRole("dialog").getByLabel("New role").selectOption("member");
  await page.getByRole("dialog").getByRole("button", { name: "Save role" }).click();

  await expect(page.getByTestId("members-notice")).toHaveText(
    `Admin User's role was not changed: Only an owner can change an owner's role. Your role in this workspace is admin.`,
  );
  // The page shows the role as it is now.
  await expect(page.getByTestId("workspace-switcher")).toContainText("admin");
  await expect(page.getByTestId(`change-role-${second.email}`)).toHaveCount(0);
  const { rows } = await db().query("SELECT role FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenantId, second.id]);
  expect(rows).toEqual([{ role: "owner" }]);
  await context.close();
});

test("the audit log: the actions list does not cover the form and closes like a menu; times stay on two lines", async ({ browser }) => {
  const ws = await workspaceWithRoles("Audit Looks");
  await db().query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
     VALUES ($1, $2, $3, 'member.remove', 'user', $4, jsonb_build_object('email', 'gone@example.test', 'role', 'member'))`,
    [ws.tenantId, ws.users.owner.id, ws.users.owner.email, ws.users.member.id],
  );
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/audit");

  const menu = page.getByTestId("audit-actions");
  const list = page.getByTestId("audit-actions-list");
  await menu.locator("summary").click();
  await expect(list).toBeVisible();
  await page.getByLabel("Member removed").check();
  await page.getByLabel("Role changed").check();
  await expect(menu.locator("summary")).toHaveText("Member removed, Role changed");
  // Open, the list pushes the form down: what is under "Apply filters" is the button itself.
  const apply = page.getByRole("button", { name: "Apply filters" });
  const box = (await apply.boundingBox())!;
  const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.textContent ?? "", [box.x + box.width / 2, box.y + box.height / 2]);
  expect(hit).toBe("Apply filters");
  const from = (await page.getByLabel("From").boundingBox())!;
  const listBox = (await list.boundingBox())!;
  expect(from.y).toBeGreaterThanOrEqual(listBox.y + listBox.height);

  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  await menu.locator("summary").click();
  await expect(list).toBeVisible();
  await page.getByRole("heading", { name: "Audit log" }).click();
  await expect(list).toBeHidden();

  // The time column: the date on one line, the time on the next.
  const time = page.getByTestId("audit-row").first().locator("time");
  const lines = await time.locator("span").evaluateAll((spans) =>
    spans.map((span) => {
      // One client rect per line box the text takes.
      const range = document.createRange();
      range.selectNodeContents(span);
      return range.getClientRects().length;
    }),
  );
  expect(lines).toEqual([1, 1]);
  await expect(page.getByText("1 event on this page")).toBeVisible();
  await context.close();
});

test("at a laptop's width the members and audit tables fit their box, and no button's label wraps", async ({ browser }) => {
  const ws = await workspaceWithRoles("Wide Tables Co");
  // Addresses and details as long as real ones: a company's domain with hyphens, a resend's sentence.
  const suffix = randomBytes(3).toString("hex");
  const people = ["katherine.hamilton", "margaret.johnson", "niklaus.torvalds"].map((name, i) => ({ name, email: `${name}${i}@acme-pages-bench-${suffix}.example` }));
  for (const person of people) {
    const { rows } = await db().query<{ id: string }>("INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id", [person.email, person.name.replace(".", " ")]);
    await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [ws.tenantId, rows[0]!.id]);
    await db().query(
      `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
       VALUES ($1, $2, $3, 'member.invite.resend', 'invitation', gen_random_uuid()::text, jsonb_build_object('email', $4::text, 'role', 'member'))`,
      [ws.tenantId, rows[0]!.id, person.email, `dennis.backus.2995.${suffix}@outlook.com`],
    );
  }
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();

  /** The table's box scrolls sideways by nothing; every button in it is one line. */
  const fits = async (testId: string) => {
    const table = page.getByTestId(testId);
    await expect(table.locator("tbody tr").first()).toBeVisible();
    const measured = await table.evaluate((element) => {
      const box = element.parentElement!;
      const wrapped = [...element.querySelectorAll("button, a.btn")].filter((button) => {
        const texts = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
        for (let text = texts.nextNode(); text; text = texts.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(text);
          // One client rect per line box the text takes.
          if (range.getClientRects().length > 1) return true;
        }
        return false;
      });
      return { overflow: box.scrollWidth - box.clientWidth, wrapped: wrapped.map((button) => button.textContent) };
    });
    expect(measured, testId).toEqual({ overflow: 0, wrapped: [] });
  };

  await page.goto("/app/settings");
  await fits("members-table");
  // The date a member joined stays on one line.
  const joined = page.locator(`[data-testid=member-row][data-email="${people[0]!.email}"] time`);
  expect(await joined.evaluate((time) => new Set([...time.getClientRects()].map((rect) => Math.round(rect.top))).size)).toBe(1);

  await page.goto("/app/audit");
  await fits("audit-table");
  await context.close();
});

test("the app has an icon", async ({ page }) => {
  await page.goto("/sign-in");
  const href = await page.locator('link[rel="icon"]').getAttribute("href");
  expect(href).toMatch(/^\/icon\.svg/);
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("image/svg+xml");
});

test("a browser in a time zone the server does not know sees UTC, and its pages do not each render twice", async ({ browser }) => {
  const context = await browser.newContext();
  // A zone newer than the server's time-zone data, as the browser reports it.
  await context.addInitScript(() => {
    const resolved = Intl.DateTimeFormat.prototype.resolvedOptions;
    Intl.DateTimeFormat.prototype.resolvedOptions = function (this: Intl.DateTimeFormat) {
      return { ...resolved.call(this), timeZone: "Mars/Olympus_Mons" };
    };
  });
  const page = await context.newPage();
  let refreshes = 0;
  page.on("request", (request) => {
    const headers = request.headers();
    if (headers["rsc"] === "1" && !headers["next-router-prefetch"]) refreshes += 1;
  });
  await page.goto("/sign-in");
  await expect.poll(async () => (await context.cookies()).find((c) => c.name === "tz")?.value).toBe("Mars%2FOlympus_Mons");
  await page.waitForLoadState("networkidle");
  // The cookie says the zone already: the next page has nothing to correct
  // (before: every page load wrote it again and rendered the page twice).
  refreshes = 0;
  await page.reload();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(refreshes).toBe(0);
  await context.close();
});

test("the workspace switcher, worked with the keyboard: Escape returns focus to its button, and tabbing out of it closes it", async ({ browser }) => {
  const alpha = await workspaceWithRoles("Switch Keys Alpha");
  const beta = await workspaceWithRoles("Switch Keys Beta");
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'admin')", [beta.tenantId, alpha.users.owner.id]);
  const context = await browser.newContext();
  await sessionFor(context, alpha.users.owner, alpha.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  const switcher = page.getByTestId("workspace-switcher");
  const list = page.getByTestId("workspace-list");
  await expect(page.getByTestId("active-workspace")).toHaveText("Switch Keys Alpha");

  // Opened with Enter, Tab into the list, Escape: the panel closes and focus is back on the switcher's button.
  await switcher.focus();
  await page.keyboard.press("Enter");
  await expect(list).toBeVisible();
  await expect(switcher).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("workspace-search")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(list.getByRole("button", { name: /Switch Keys Alpha/ })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(list).toHaveCount(0);
  await expect(switcher).toBeFocused();
  await expect(switcher).toHaveAttribute("aria-expanded", "false");

  // Opened again and tabbed through to past its last control: it closes as focus leaves it, uncovering what focus lands on.
  await page.keyboard.press("Enter");
  await expect(list).toBeVisible();
  let inside = true;
  for (let i = 0; i < 10 && inside; i++) {
    await page.keyboard.press("Tab");
    inside = await page.evaluate(() => document.activeElement?.closest("[data-testid=workspace-switcher] + div") != null);
  }
  expect(inside).toBe(false);
  await expect(list).toHaveCount(0);
  const focused = page.locator(":focus");
  await expect(focused).toBeVisible();
  const box = (await focused.boundingBox())!;
  // What has focus is what a pointer there would reach: nothing covers it.
  expect(await focused.evaluate((el, [x, y]) => el.contains(document.elementFromPoint(x!, y!)), [box.x + box.width / 2, box.y + box.height / 2])).toBe(true);

  // A switch by keyboard still works: open, Tab to the other workspace, Enter.
  await switcher.focus();
  await page.keyboard.press("Enter");
  const other = list.getByRole("button", { name: /Switch Keys Beta/ });
  for (let i = 0; i < 4 && !(await other.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(other).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("active-workspace")).toHaveText("Switch Keys Beta");
  await context.close();
});

test("a role change's notice says whose role changed", async ({ browser }) => {
  const ws = await workspaceWithRoles("Whose Role Co");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.admin, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  await page.getByTestId(`change-role-${ws.users.member.email}`).click();
  await page.getByRole("dialog").getByLabel("New role").selectOption("auditor");
  await page.getByRole("dialog").getByRole("button", { name: "Save role" }).click();
  await expect(page.getByTestId("members-notice")).toHaveText("Member User's role changed from member to auditor.");
  await context.close();
});

// After an action whose button goes away with it — its row removed or
// replaced, its form replaced by the next step — the focus goes to what the
// action left (its notice, the next step's field), never to the page, where a
// keyboard or a screen reader would have to start over.
test("after an action whose button goes away, the focus goes to what it left, not to the page", async ({ browser }) => {
  const ws = await workspaceWithRoles("Focus Keepers");
  const owner = ws.users.owner;
  const png = await sharp({ create: { width: 32, height: 32, channels: 4, background: "#0b6e4f" } }).png().toBuffer();
  await db().query("INSERT INTO tenant_logos (tenant_id, content, mime, width, height, updated_by) VALUES ($1, $2, 'image/png', 32, 32, $3)", [ws.tenantId, png, owner.id]);
  const invitee = `focus-${randomBytes(4).toString("hex")}@example.test`;
  await db().query(
    "INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at) VALUES ($1, $2, 'member', $3, now() + interval '1 day')",
    [ws.tenantId, invitee, createHash("sha256").update(randomBytes(16)).digest("hex")],
  );
  const context = await browser.newContext();
  await sessionFor(context, owner, ws.tenantId);
  // A second session of the owner's, to sign out from the profile.
  await newSessionToken(owner);
  const page = await context.newPage();
  /** The text of the focused element's closest focusable container, or the focused element's tag. */
  const focused = () => page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return "BODY";
    return active.getAttribute("tabindex") === "-1" ? (active.textContent ?? "") : `${active.tagName}#${active.id}:${active.textContent ?? ""}`;
  });
  const confirm = async (trigger: string, button: string) => {
    await page.getByTestId(trigger).click();
    await page.getByRole("dialog").getByRole("button", { name: button }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
  };

  await page.goto("/app/settings");
  await confirm(`remove-${ws.users.member.email}`, "Remove member");
  await expect(page.getByTestId("member-row").filter({ hasText: ws.users.member.email })).toHaveCount(0);
  await expect.poll(focused).toContain("was removed");
  await page.locator(`[data-testid=invitation-row][data-email="${invitee}"]`).getByRole("button", { name: "Resend" }).click();
  await expect.poll(focused).toContain(invitee);

  await page.goto("/app/settings/api-keys");
  await page.getByLabel("Name").fill("Focus key");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("api-key-row")).toHaveCount(1);
  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("api-key-row")).toContainText("Revoked");
  await expect.poll(focused).toContain("was revoked");

  await page.goto("/app/settings/general");
  await page.getByRole("button", { name: "Save branding" }).press("Enter");
  await expect(page.getByTestId("branding-saved")).toHaveText("Nothing to save: the branding is as it was.");
  await expect.poll(focused).toContain("Save branding");
  await confirm("remove-logo", "Remove logo");
  await expect.poll(focused).toContain("The logo was removed.");

  await page.goto("/app/profile");
  await page.getByRole("button", { name: "Set up two-factor" }).press("Enter");
  await expect.poll(focused).toBe("INPUT#enrol-code:");
  const secret = (await page.getByTestId("two-factor-secret").innerText()).replace(/\s+/g, "");
  await page.getByLabel("Authentication code").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on two-factor" }).press("Enter");
  await expect.poll(focused).toContain("Two-factor authentication is on.");
  await page.getByTestId("session-row").filter({ hasNotText: "This device" }).first().getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out" }).click();
  await expect.poll(focused).toContain("signed out");
  await context.close();
});

// At a laptop's width the audit log's addresses are read whole: an actor's or
// a target's email is not broken mid-word while the table has room (the
// Details column's sentences wrap instead).
test("at 1280 px the audit log shows each actor's and target's address on one line", async ({ browser }) => {
  const ws = await workspaceWithRoles("Whole Addresses");
  const actor = ws.users.admin;
  await db().query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, created_at)
     SELECT $1, $2, $3, 'member.role.change', 'user', gen_random_uuid()::text,
            jsonb_build_object('email', 'olive.longer-name' || g || '@example.test', 'from', 'member', 'to', 'admin'), now() - g * interval '1 minute'
       FROM generate_series(1, 5) g`,
    [ws.tenantId, actor.id, actor.email],
  );
  const context = await browser.newContext();
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/audit");
  await expect(page.getByTestId("audit-row")).toHaveCount(5);
  const lines = await page.getByTestId("audit-row").evaluateAll((rows) =>
    rows.flatMap((row) => {
      const cells = row.querySelectorAll("td");
      // The actor's address (its last line) and the target's (the cell's last text).
      const addresses = [cells[1]!.querySelector("a > span:last-child")!, cells[3]!.querySelector("span > span:last-child")!];
      return addresses.map((node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return { text: node.textContent, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
      });
    }),
  );
  for (const { text, lines: count } of lines) expect(count, `${text} is on ${count} lines`).toBe(1);
  await context.close();
});

// A workspace the platform suspends while one of its pages is open: the
// page's next action says the workspace is suspended, not that the session
// ended or the membership went, and keeps what was typed.
test("an action on a workspace suspended since its page was shown says it is suspended", async ({ browser }) => {
  const ws = await workspaceWithRoles("Paused Parlour");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings/general");
  const notes = page.getByRole("textbox", { name: "Notes", exact: true });
  await notes.fill("Renewal in June.");
  await db().query("UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1", [ws.tenantId]);
  await page.getByRole("button", { name: "Save notes" }).click();
  await expect(page.getByText("Paused Parlour is suspended: nothing in it can be changed until the suspension is lifted.")).toBeVisible();
  await expect(notes).toHaveValue("Renewal in June.");
  await context.close();
});
