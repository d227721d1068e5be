// Ownership transfer between two browsers (seed 001's steps), the clock
// advanced by driving the worker's jobs with a shifted clock: the test runs
// the same sweep the worker runs every minute (lib/jobs/transfer.ts) with
// `now` set 24 and 97 hours ahead, and the same task list's email jobs
// (graphile-worker's runOnce) — no test-only hook exists in the app. The
// app itself runs on the real clock: each deadline the shifted sweep writes
// lies further in the future, so every step the browsers take is in time.
import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { runMigrations, runOnce } from "graphile-worker";
import { generate } from "otplib";
import { sweepTransfers } from "@/lib/jobs/transfer";
import { taskList } from "@/lib/jobs/worker";
import { db, linkIn, runtime, sessionFor, waitForEmail, workspaceWithRoles } from "./helpers";

const HOUR = 3_600_000;

// The shifted sweep moves every transfer in the database that is due by its
// clock, not only its own test's. So this file's tests, the only ones in the
// suite that start transfers, run one after another in one worker, whatever
// the config's fullyParallel says. Run side by side, the first test's
// 24-hour sweep moved the second's transfer on to the final confirmation,
// and its 97-hour sweep expired it while the member was cancelling it ("This
// transfer has already been expired").
test.describe.configure({ mode: "default" });

/** The worker, once, on a clock `hoursAhead` in the future: moves what is due, then sends the queued emails. */
async function worker(hoursAhead: number) {
  const clock = () => new Date(Date.now() + hoursAhead * HOUR);
  await sweepTransfers(db(), clock());
  await runOnce({ pgPool: db(), taskList: taskList(db(), clock), noHandleSignals: true });
}

test.beforeAll(async () => {
  const { smtpUrl, baseUrl } = runtime();
  // The jobs send through the suite's mail catcher, with links to the app under test.
  process.env.SMTP_URL = smtpUrl;
  process.env.AUTH_URL = baseUrl;
  db().on("error", (error) => console.error("[e2e db]", error.message));
  await runMigrations({ pgPool: db() });
});

test("an owner transfers ownership to a member: two confirmations, cooling with admins told, acceptance after a fresh sign-in", async ({ browser }) => {
  const ws = await workspaceWithRoles("Relay Works");
  const { owner: ownerUser, member: memberUser, admin: adminUser } = ws.users;

  // Browser A: the owner, with a session created just now (a fresh sign-in, as
  // the database counts it; the sign-in link itself is exercised by browser
  // B's re-authentication below), starts the transfer.
  const ownerContext = await browser.newContext();
  await sessionFor(ownerContext, ownerUser, ws.tenantId);
  const owner = await ownerContext.newPage();
  await owner.goto("/app/settings/general");
  await owner.getByRole("link", { name: "Transfer ownership" }).click();
  await expect(owner.getByTestId("transfer-fresh")).toBeVisible();
  await owner.getByLabel("New owner").selectOption({ label: `Member User — ${memberUser.email} (member)` });
  const startedAt = Date.now();
  await owner.getByRole("button", { name: "Start the transfer" }).click();
  await expect(owner.getByText(`We emailed ${ownerUser.email} a link to confirm the transfer`)).toBeVisible();
  await expect(owner.getByTestId("transfer-time-left")).toContainText("the owner to confirm from the emailed link");
  await expect(owner.getByRole("button", { name: "Send the link again" })).toBeVisible();

  // Step 2: the emailed link, then a button.
  const confirmEmail = await waitForEmail(ownerUser.email, "Confirm the transfer", startedAt);
  const confirmLink = linkIn(confirmEmail, /https?:\/\/[^\s"<>]+\/app\/settings\/transfer\/confirm\?[^\s"<>]+/);
  await owner.goto(confirmLink);
  await owner.getByRole("button", { name: "Confirm the transfer" }).click();
  await expect(owner.getByText("Confirmed. We will ask you for a final confirmation in 24 hours.")).toBeVisible();
  await expect(owner.getByTestId("transfer-time-left")).toContainText(
    "Waiting for the request for the final confirmation, emailed to the owner 24 hours after the first confirmation: sent in",
  );
  await expect(owner.getByTestId("transfer-time-left")).toContainText(/sent in (23 hours 5\d minutes|1 day)/);
  await expect(owner.getByTestId("transfer-final")).toHaveCount(0);
  // The emailed link opened again says where the transfer is, and offers no second confirmation.
  await owner.goto(confirmLink);
  await expect(owner.getByText("You have confirmed this transfer already. It now waits for the request for the final confirmation, emailed to the owner 24 hours after the first confirmation.")).toBeVisible();
  await expect(owner.getByRole("button", { name: "Confirm the transfer" })).toHaveCount(0);
  await owner.goto("/app/settings/transfer");

  // Browser B: the new owner sees the transfer, may cancel it, cannot accept yet.
  const memberContext = await browser.newContext();
  await sessionFor(memberContext, memberUser, ws.tenantId);
  const member = await memberContext.newPage();
  await member.goto("/app/settings/transfer");
  await expect(member.getByTestId("transfer-live")).toContainText(`to Member User (${memberUser.email})`);
  await expect(member.getByText("You will be asked to accept once the cooling period is over.")).toBeVisible();
  await expect(member.getByTestId("transfer-cancel")).toBeVisible();
  await expect(member.getByTestId("transfer-accept")).toHaveCount(0);

  // 24 hours later: the worker asks for the irreversible confirmation.
  const beforeFinal = Date.now();
  await worker(24.1);
  await waitForEmail(ownerUser.email, "irreversible", beforeFinal);
  await owner.goto("/app/settings/transfer");
  await owner.getByTestId("transfer-final").click();
  const dialog = owner.getByRole("dialog");
  await expect(dialog.getByText("Are you sure? This is irreversible.")).toBeVisible();
  // What is irreversible is the transfer once it completes: until then it can be cancelled, and the dialog says so.
  await expect(dialog).toContainText("Until Member User accepts, the transfer can still be cancelled on this page.");
  await dialog.getByRole("button", { name: "Yes, transfer ownership" }).click();
  await expect(owner.getByText("The 72-hour cooling period has begun")).toBeVisible();
  await expect(owner.getByTestId("transfer-time-left")).toContainText("the end of the 72-hour cooling period");
  await expect(owner.getByTestId("transfer-time-left")).toContainText(/(2 days 23 hours|3 days) left/);

  // The cooling period's notice reaches the admin.
  const beforeCooling = Date.now();
  await worker(0);
  const notice = await waitForEmail(adminUser.email, "is being transferred", beforeCooling);
  expect(notice.text).toContain("Relay Works");

  // 73 hours on: acceptance opens and the new owner is emailed.
  const beforeAccept = Date.now();
  await worker(24.1 + 73);
  const acceptEmail = await waitForEmail(memberUser.email, "Accept ownership", beforeAccept);

  // Browser B's session is an hour old: acceptance asks for a fresh sign-in link first.
  await db().query("UPDATE sessions SET created_at = now() - interval '1 hour' WHERE user_id = $1", [memberUser.id]);
  await member.goto(linkIn(acceptEmail, /https?:\/\/[^\s"<>]+\/app\/settings\/transfer(?=[\s"<>])/));
  await expect(member.getByTestId("transfer-needs-reauth")).toBeVisible();
  await expect(member.getByTestId("transfer-accept")).toHaveCount(0);
  const reauthAt = Date.now();
  await member.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(member.getByRole("heading", { name: "Check your email" })).toBeVisible();
  // The sign-in form's page, naming the address the link went to.
  await expect(member).toHaveURL(/\/sign-in\/check-email$/);
  await expect(member.getByTestId("link-sent-to")).toHaveText(memberUser.email);
  // Still signed in: the way on is back to the app, not another address.
  await expect(member.getByRole("link", { name: "Back to the app" })).toHaveAttribute("href", "/app");
  await expect(member.getByRole("link", { name: "Use a different address" })).toHaveCount(0);
  const link = await waitForEmail(memberUser.email, "sign-in link", reauthAt);
  await member.goto(linkIn(link, /https?:\/\/[^\s"<>]+\/api\/auth\/callback\/email\?[^\s"<>]+/));
  await expect(member).toHaveURL(/\/app\/settings\/transfer$/);
  await member.getByRole("button", { name: "Accept ownership of Relay Works" }).click();
  await expect(member.getByText("You are now an owner of Relay Works.")).toBeVisible();
  await expect(member.getByTestId("transfer-ended")).toContainText("Ownership was transferred");

  const roles = await db().query("SELECT user_id, role FROM tenant_members WHERE tenant_id = $1 AND user_id = ANY($2) ORDER BY role", [
    ws.tenantId,
    [ownerUser.id, memberUser.id],
  ]);
  expect(roles.rows).toEqual([
    { user_id: memberUser.id, role: "owner" },
    { user_id: ownerUser.id, role: "member" },
  ]);

  // Browser A: the former owner is a member now, and the page says so.
  await owner.goto("/app/settings/transfer");
  await expect(owner.getByTestId("transfer-ended")).toContainText("Ownership was transferred");
  await expect(owner.getByText("Only an owner can transfer ownership.")).toBeVisible();
  const audit = await db().query("SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'ownership.transfer.%' ORDER BY id", [ws.tenantId]);
  expect(audit.rows.map((r) => r.action)).toEqual([
    "ownership.transfer.start",
    "ownership.transfer.confirm",
    "ownership.transfer.final_request",
    "ownership.transfer.notify",
    "ownership.transfer.final_confirm",
    "ownership.transfer.notify",
    "ownership.transfer.acceptance_open",
    "ownership.transfer.notify",
    "ownership.transfer.accept",
    "ownership.transfer.complete",
  ]);
  await ownerContext.close();
  await memberContext.close();
});

test("an admin sees a transfer without acting on it; the new owner declines it, and the page says who did", async ({ browser }) => {
  const ws = await workspaceWithRoles("Quiet Quarry");
  await db().query(
    `INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, status, due_at, confirmed_at)
     VALUES ($1, $2, $3, 'confirmed', now() + interval '20 hours', now())`,
    [ws.tenantId, ws.users.owner.id, ws.users.member.id],
  );
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, ws.users.admin, ws.tenantId);
  const admin = await adminContext.newPage();
  await admin.goto("/app/settings/transfer");
  await expect(admin.getByTestId("transfer-live")).toContainText(`From Owner User (${ws.users.owner.email}) to Member User (${ws.users.member.email})`);
  // Not time left to act: when the request for the final confirmation is sent.
  await expect(admin.getByTestId("transfer-time-left")).toContainText(/: sent in 19 hours 5\d minutes \(at /);
  await expect(admin.getByTestId("transfer-time-left")).not.toContainText("left");
  await expect(admin.getByTestId("transfer-cancel")).toHaveCount(0);
  await expect(admin.getByTestId("transfer-final")).toHaveCount(0);

  const memberContext = await browser.newContext();
  await sessionFor(memberContext, ws.users.member, ws.tenantId);
  const member = await memberContext.newPage();
  await member.goto("/app/settings/transfer");
  // The new owner's way out is declining the offer (seed 001's cancel-transfer, from their side).
  await expect(member.getByTestId("transfer-cancel")).toHaveText("Decline ownership");
  await member.getByTestId("transfer-cancel").click();
  // Its two buttons do not both say "Cancel": one keeps the offer, the other declines it.
  await expect(member.getByRole("dialog").getByRole("button", { name: "Keep the offer" })).toBeVisible();
  await expect(member.getByRole("dialog").getByRole("button", { name: /Cancel/ })).toHaveCount(0);
  await member.getByRole("dialog").getByRole("button", { name: "Decline ownership" }).click();
  // The button is gone with the transfer: the focus is on what happened, not on the page.
  await expect(member.getByText("You declined the transfer. Nobody's role changed.")).toBeFocused();
  await expect(member.getByTestId("transfer-ended")).toContainText("The transfer was declined by you (from");
  const { rows } = await db().query("SELECT status, ended_by FROM ownership_transfers WHERE tenant_id = $1", [ws.tenantId]);
  expect(rows).toEqual([{ status: "cancelled", ended_by: ws.users.member.id }]);
  // The owner's page, still at the address of their last step, no longer says that step happened: the transfer has moved on.
  const ownerContext = await browser.newContext();
  await sessionFor(ownerContext, ws.users.owner, ws.tenantId);
  const owner = await ownerContext.newPage();
  await owner.goto("/app/settings/transfer?step=confirmed");
  await expect(owner.getByTestId("transfer-ended")).toContainText("The transfer was declined by Member User (from");
  await expect(owner.getByText("Confirmed. We will ask you for a final confirmation in 24 hours.")).toHaveCount(0);
  await adminContext.close();
  await memberContext.close();
  await ownerContext.close();
});

test("a wrong authenticator code at the start of a transfer keeps the new owner chosen; once started, the focus is on what happened", async ({ browser }) => {
  const ws = await workspaceWithRoles("Steady Spire");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  // Two-factor on, through the profile.
  await page.goto("/app/profile");
  await page.getByRole("button", { name: "Set up two-factor" }).click();
  const secret = (await page.getByTestId("two-factor-secret").innerText()).replace(/\s+/g, "");
  await page.getByLabel("Authentication code").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await page.getByRole("button", { name: "I have saved them" }).click();

  await page.goto("/app/settings/transfer");
  const label = `Member User — ${ws.users.member.email} (member)`;
  await page.getByLabel("New owner").selectOption({ label });
  await page.getByLabel("Authenticator code").fill("000000");
  await page.getByRole("button", { name: "Start the transfer" }).click();
  await expect(page.getByText("That code is not right.").first()).toBeVisible();
  await expect(page.getByLabel("New owner")).toHaveValue(ws.users.member.id);
  await expect(page.getByLabel("New owner").locator("option:checked")).toHaveText(label);

  // The next code (the one just used cannot be used twice) starts it, to the member chosen.
  await page.getByLabel("Authenticator code").fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
  await page.getByRole("button", { name: "Start the transfer" }).click();
  await expect(page.getByTestId("transfer-live")).toContainText(`to Member User (${ws.users.member.email})`);
  // The start form is gone: the focus is on the notice that says what happened.
  await expect(page.getByText(`We emailed ${ws.users.owner.email} a link to confirm the transfer`)).toBeFocused();
  await db().query("UPDATE ownership_transfers SET status = 'cancelled', ended_at = now(), due_at = NULL WHERE tenant_id = $1", [ws.tenantId]);
  await context.close();
});

test("the fresh sign-in's time left counts down on the page, and a step refused for a stale sign-in offers a new link at once", async ({ browser }) => {
  const ws = await workspaceWithRoles("Ticking Tower");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  const signedInAgo = (minutes: number) =>
    db().query("UPDATE sessions SET created_at = now() - make_interval(secs => $2) WHERE user_id = $1", [ws.users.owner.id, minutes * 60]);
  // Signed in 8½ minutes ago: the window closes on the page as it stands.
  await signedInAgo(8.5);
  await page.clock.install();
  await page.goto("/app/settings/transfer");
  await expect(page.getByTestId("transfer-fresh")).toContainText("open for 1 minute more");
  await page.clock.fastForward("02:00");
  await expect(page.getByTestId("transfer-fresh")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Email me a sign-in link" })).toBeVisible();
  // Fresh when the page was shown, stale by the time the step is taken: the refusal brings the link.
  await signedInAgo(5);
  await page.reload();
  await expect(page.getByTestId("transfer-fresh")).toContainText("4 minutes more");
  await signedInAgo(11);
  await page.getByLabel("New owner").selectOption({ label: `Member User — ${ws.users.member.email} (member)` });
  await page.getByRole("button", { name: "Start the transfer" }).click();
  await expect(page.getByRole("button", { name: "Email me a sign-in link" })).toBeVisible();
  await expect(page.getByTestId("transfer-fresh")).toHaveCount(0);
  await context.close();
});

test("the owner's confirmation link opened by someone else says it is theirs to confirm, and offers no Confirm button", async ({ browser }) => {
  const ws = await workspaceWithRoles("Forwarded Forge");
  const token = randomBytes(24).toString("base64url");
  const transferId = (
    await db().query<{ id: string }>(
      `INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, status, due_at, confirm_token_hash)
       VALUES ($1, $2, $3, 'pending_confirmation', now() + interval '20 hours', $4) RETURNING id`,
      [ws.tenantId, ws.users.owner.id, ws.users.member.id, createHash("sha256").update(token).digest("hex")],
    )
  ).rows[0]!.id;
  const link = `/app/settings/transfer/confirm?${new URLSearchParams({ tenant: ws.tenantId, transfer: transferId, token })}`;
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, ws.users.admin, ws.tenantId);
  const admin = await adminContext.newPage();
  await admin.goto(link);
  await expect(admin.getByTestId("transfer-confirm-not-yours")).toContainText("who started the transfer: only they can confirm it.");
  await expect(admin.getByRole("button", { name: "Confirm the transfer" })).toHaveCount(0);
  // An auditor cannot see the transfer: they are not told it is theirs, nor whose it is.
  const auditorContext = await browser.newContext();
  await sessionFor(auditorContext, ws.users.auditor, ws.tenantId);
  const auditor = await auditorContext.newPage();
  await auditor.goto(link);
  await expect(auditor.getByTestId("transfer-confirm-not-yours")).toContainText("This link is for the owner who started the transfer: only they can confirm it.");
  await expect(auditor.getByText("You asked to transfer ownership")).toHaveCount(0);
  await expect(auditor.getByRole("button", { name: "Confirm the transfer" })).toHaveCount(0);
  const ownerContext = await browser.newContext();
  await sessionFor(ownerContext, ws.users.owner, ws.tenantId);
  const owner = await ownerContext.newPage();
  await owner.goto(link);
  await expect(owner.getByTestId("transfer-confirm-not-yours")).toHaveCount(0);
  await expect(owner.getByText("You asked to transfer ownership of Forwarded Forge.")).toBeVisible();
  await Promise.all([adminContext.close(), auditorContext.close(), ownerContext.close()]);
});
