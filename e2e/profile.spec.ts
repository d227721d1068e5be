// The profile page's forms as a person uses them: a refused two-factor code
// is there to be corrected wherever one is entered; the sessions list's
// notice speaks of the latest action only; a two-factor step whose button
// goes away leaves the focus on what replaced it; new recovery codes are
// counted at once.
import { createHash } from "node:crypto";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { generate } from "otplib";
import { db, newSessionToken, runtime, sessionFor, workspaceWithRoles } from "./helpers";

/** A code the server accepts now and has not accepted before (the next time step's). */
const nextCode = (secret: string, stepsAhead = 1) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * After a refusal the code typed is still in its field, which has the focus
 * with the whole code selected (typing replaces it), is marked invalid and is
 * described by the error beside it.
 */
async function expectRefusedCode(field: Locator, typed: string, error: RegExp) {
  await expect(field).toHaveAccessibleDescription(error);
  await expect(field).toHaveValue(typed);
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  expect(await field.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd])).toEqual([0, typed.length]);
}

/** "Set up two-factor": the key the page shows, to make codes with. */
async function startSetup(page: Page) {
  await page.getByRole("button", { name: "Set up two-factor" }).click();
  return (await page.getByTestId("two-factor-secret").innerText()).replace(/\s+/g, "");
}

test("a refused two-factor code stays in its field, selected, with the error beside it: turning on, new recovery codes, turning off, signing in", async ({ browser }) => {
  const ws = await workspaceWithRoles("Code Keepers");
  const user = ws.users.member;
  const laptop = await browser.newContext();
  await sessionFor(laptop, user, ws.tenantId);
  const page = await laptop.newPage();
  await page.goto("/app/profile");

  // Turning it on: a wrong code stays, selected, and the right one typed over it turns it on.
  const secret = await startSetup(page);
  const enrol = page.getByLabel("Authentication code");
  await enrol.fill("000 000");
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await expectRefusedCode(enrol, "000 000", /That code is not right/);
  await page.keyboard.type(await generate({ secret }));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  await page.getByRole("button", { name: "I have saved them" }).click();

  // New recovery codes: the dialog keeps the wrong code, beside its error, said once.
  await page.getByTestId("regenerate-recovery-codes").click();
  const dialog = page.getByRole("dialog");
  const regenerate = dialog.getByLabel("Authentication code");
  await regenerate.fill("999999");
  await dialog.getByRole("button", { name: "Replace codes" }).click();
  await expectRefusedCode(regenerate, "999999", /That code is not right/);
  await expect(dialog.getByText("That code is not right.")).toHaveCount(1);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);

  // Turning it off: likewise, with a mistyped recovery code.
  await page.getByTestId("disable-two-factor").click();
  const disable = dialog.getByLabel("Authentication code");
  await disable.fill("abcd-efgh-jkmn");
  await dialog.getByRole("button", { name: "Turn off", exact: true }).click();
  await expectRefusedCode(disable, "abcd-efgh-jkmn", /That code is not right/);
  await expect(dialog.getByText("That code is not right.")).toHaveCount(1);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("two-factor-status")).toContainText("10 recovery codes left");
  await laptop.close();

  // Signing in: the code asked after the sign-in link.
  const phone = await browser.newContext();
  await phone.addCookies([{ name: "authjs.session-token", value: await newSessionToken(user), url: runtime().baseUrl }]);
  const signIn = await phone.newPage();
  await signIn.goto("/sign-in/two-factor");
  const code = signIn.getByLabel("Authentication code");
  await code.fill("000000");
  await signIn.getByRole("button", { name: "Verify" }).click();
  await expectRefusedCode(code, "000000", /That code is not right/);
  await signIn.keyboard.type(await nextCode(secret));
  await signIn.keyboard.press("Enter");
  await expect(signIn).toHaveURL(/\/app\/dashboard$/);
  await phone.close();
});

test("the sessions notice tells of the latest action only: replaced by the next one's outcome, gone once the list changes again or after navigation", async ({ browser }) => {
  const ws = await workspaceWithRoles("Notice Keepers");
  const owner = ws.users.owner;
  const context = await browser.newContext();
  await sessionFor(context, owner, ws.tenantId);
  await newSessionToken(owner);
  await newSessionToken(owner);
  const page = await context.newPage();
  await page.goto("/app/profile");
  const sessions = page.getByTestId("sessions-title").locator("..");
  const rows = page.getByTestId("session-row");
  const notice = sessions.getByRole("status");
  await expect(rows).toHaveCount(3);

  // One session signed out: the notice says so.
  await rows.filter({ hasNotText: "This device" }).first().getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out" }).click();
  await expect(rows).toHaveCount(2);
  await expect(notice).toHaveText("That session is signed out.");

  // A next action elsewhere on the page: the notice is no longer its outcome.
  await page.getByLabel("Display name").fill("Olive Owner");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByText("Your name is saved.")).toBeVisible();
  await expect(notice).toHaveCount(0);

  // The others signed out: its own notice.
  await page.getByTestId("sign-out-others").click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out others" }).click();
  await expect(rows).toHaveCount(1);
  await expect(notice).toHaveText("1 other session was signed out.");

  // The list changes again (a sign-in elsewhere, seen when the page is shown anew): the notice goes with the list it was about.
  await newSessionToken(owner);
  await page.getByTestId("profile-link").click();
  await expect(rows).toHaveCount(2);
  await expect(notice).toHaveCount(0);

  // A refused sign-out (the session ended meanwhile, elsewhere) replaces an earlier success.
  const ended = await newSessionToken(owner);
  await page.getByTestId("profile-link").click();
  await expect(rows).toHaveCount(3);
  const endedId = (await db().query<{ id: string }>("SELECT id FROM sessions WHERE session_token = $1", [tokenHash(ended)])).rows[0]!.id;
  await rows.filter({ hasNotText: "This device" }).filter({ hasNot: page.getByTestId(`sign-out-session-${endedId}`) }).getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out" }).click();
  await expect(rows).toHaveCount(2);
  await expect(notice).toHaveText("That session is signed out.");
  await db().query("DELETE FROM sessions WHERE session_token = $1", [tokenHash(ended)]);
  await rows.filter({ hasNotText: "This device" }).getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out" }).click();
  // The list shows the session gone, and the refusal, which its dialog went with, is said in the notice's place.
  await expect(rows).toHaveCount(1);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(notice).toHaveCount(0);
  const refusal = sessions.getByRole("alert");
  await expect(refusal).toContainText("That session has already ended");
  await expect(refusal.locator("xpath=ancestor-or-self::*[@tabindex='-1'][1]")).toBeFocused();

  // After navigation, nothing is left of an earlier action: away and back.
  await page.reload();
  await expect(rows).toHaveCount(1);
  await newSessionToken(owner);
  await page.reload();
  await page.getByTestId("sign-out-others").click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out others" }).click();
  await expect(notice).toHaveText("1 other session was signed out.");
  await page.getByRole("link", { name: "Dashboard" }).first().click();
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/app\/profile$/);
  await expect(rows).toHaveCount(1);
  await expect(notice).toHaveCount(0);
  await context.close();
});

test("two-factor steps whose button goes away leave the focus on what replaced it, and turning it off says so", async ({ browser }) => {
  const ws = await workspaceWithRoles("Step Keepers");
  const user = ws.users.admin;
  const context = await browser.newContext();
  await sessionFor(context, user, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/profile");
  const section = page.getByTestId("two-factor-title").locator("..");

  // Setup cancelled: the focus on the button that starts it again.
  await startSetup(page);
  await page.getByRole("button", { name: "Cancel setup" }).click();
  await expect(page.getByRole("button", { name: "Set up two-factor" })).toBeFocused();

  // On, and the recovery codes saved: the focus on what the section now says.
  const secret = await startSetup(page);
  await page.getByLabel("Authentication code").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  const recoveryCode = await page.getByTestId("recovery-codes").getByRole("listitem").first().innerText();
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByTestId("two-factor-status")).toContainText("10 recovery codes left.");
  await expect(page.getByTestId("two-factor-status")).toBeFocused();

  // Off: the section says so, with the focus, until the next action on the page, whose outcome it is not.
  await page.getByTestId("disable-two-factor").click();
  await page.getByRole("dialog").getByLabel("Authentication code").fill(recoveryCode);
  await page.getByRole("dialog").getByRole("button", { name: "Turn off", exact: true }).click();
  await expect(page.getByRole("button", { name: "Set up two-factor" })).toBeVisible();
  const off = section.getByText("Two-factor authentication is off.");
  await expect(off).toBeVisible();
  await expect(off.locator("xpath=ancestor-or-self::*[@tabindex='-1'][1]")).toBeFocused();
  await page.getByLabel("Display name").fill("Ada Admin");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByText("Your name is saved.")).toBeVisible();
  await expect(off).toHaveCount(0);
  await startSetup(page);
  await page.getByRole("button", { name: "Cancel setup" }).click();
  await expect(page.getByRole("button", { name: "Set up two-factor" })).toBeFocused();
  await expect(off).toHaveCount(0);
  await context.close();
});

test("new recovery codes are counted at once: the count beside them is the new codes'", async ({ browser }) => {
  const ws = await workspaceWithRoles("Code Counters");
  const user = ws.users.auditor;
  const context = await browser.newContext();
  await sessionFor(context, user, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/profile");
  const secret = await startSetup(page);
  await page.getByLabel("Authentication code").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await page.getByRole("button", { name: "I have saved them" }).click();

  // One recovery code used (a sign-in elsewhere): 9 left; new codes make it 10 again, said beside them.
  await db().query("UPDATE user_recovery_codes SET used_at = now() WHERE id = (SELECT id FROM user_recovery_codes WHERE user_id = $1 LIMIT 1)", [user.id]);
  await page.reload();
  await expect(page.getByTestId("two-factor-status")).toContainText("9 recovery codes left.");
  await page.getByTestId("regenerate-recovery-codes").click();
  await page.getByRole("dialog").getByLabel("Authentication code").fill(await nextCode(secret));
  await page.getByRole("dialog").getByRole("button", { name: "Replace codes" }).click();
  await expect(page.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  await expect(page.getByTestId("two-factor-status")).toContainText("10 recovery codes left.");
  await context.close();
});

test("new recovery codes take the focus, as the first ones do, and go once they are saved", async ({ browser }) => {
  const ws = await workspaceWithRoles("Code Savers");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.member, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/profile");
  const secret = await startSetup(page);
  await page.getByLabel("Authentication code").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await page.getByRole("button", { name: "I have saved them" }).click();

  await page.getByTestId("regenerate-recovery-codes").click();
  await page.getByRole("dialog").getByLabel("Authentication code").fill(await nextCode(secret));
  await page.getByRole("dialog").getByRole("button", { name: "Replace codes" }).click();
  const codes = page.getByTestId("recovery-codes");
  await expect(codes.getByRole("listitem")).toHaveCount(10);
  await expect(codes.locator("xpath=ancestor::*[@tabindex='-1'][1]")).toBeFocused();
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(codes).toHaveCount(0);
  await expect(page.getByTestId("two-factor-status")).toBeFocused();
  await context.close();
});

test("signing out the other sessions when they had already ended says so, not that 0 were signed out", async ({ browser }) => {
  const ws = await workspaceWithRoles("Gone Sessions");
  const owner = ws.users.owner;
  const context = await browser.newContext();
  await sessionFor(context, owner, ws.tenantId);
  const other = await newSessionToken(owner);
  const page = await context.newPage();
  await page.goto("/app/profile");
  const rows = page.getByTestId("session-row");
  await expect(rows).toHaveCount(2);
  await db().query("DELETE FROM sessions WHERE session_token = $1", [tokenHash(other)]);
  await page.getByTestId("sign-out-others").click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out others" }).click();
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId("sessions-title").locator("..").getByRole("status")).toHaveText("Your other sessions had already ended.");
  await context.close();
});
