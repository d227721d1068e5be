// Profile and two-factor sign-in, end to end in Chromium: a user names
// themselves and turns two-factor on from the profile (the QR code's key read
// off the page, codes generated here with otplib), then signs in on a second
// browser by magic link from the mail catcher — which asks for the code and
// grants nothing until it is given — signs the first browser out from the
// session list, and turns two-factor off with a recovery code.
import { expect, test, type Page } from "@playwright/test";
import { generate } from "otplib";
import { db, newSessionToken, runtime, sessionFor, signIn, workspaceWithRoles } from "./helpers";

/**
 * A code the server accepts now and has not accepted before: the next time
 * step's (within the one-step tolerance, and later than the step the last
 * code used), so the test never waits for the clock.
 */
const nextCode = (secret: string, stepsAhead = 1) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });

test("turn on two-factor from the profile, then sign in with the code after the magic link", async ({ browser }) => {
  const { tenantId, users } = await workspaceWithRoles("Second Factor Co");
  const user = users.owner;

  // First browser: already signed in; the profile is one click from the sidebar.
  const laptop = await browser.newContext();
  await sessionFor(laptop, user, tenantId);
  const first = await laptop.newPage();
  await first.goto("/app/dashboard");
  await first.getByTestId("profile-link").click();
  await expect(first).toHaveURL(/\/app\/profile$/);
  await expect(first.getByTestId("profile-email")).toContainText(user.email);
  await expect(first.getByTestId("platform-admin")).toHaveCount(0);

  // The display name: the field takes no more than the rule's 80 characters; then saved, trimmed.
  const name = first.getByLabel("Display name");
  await name.fill("x".repeat(81));
  await expect(name).toHaveValue("x".repeat(80));
  await name.fill("  Olive   Owner ");
  await first.getByRole("button", { name: "Save name" }).click();
  await expect(first.getByText("Your name is saved.")).toBeVisible();
  await expect(name).toHaveValue("Olive Owner");
  expect((await db().query("SELECT name FROM users WHERE id = $1", [user.id])).rows[0].name).toBe("Olive Owner");
  // "Saved" is said of the name saved: it goes once the field says something else, and is back with it.
  await name.fill("Olive Own");
  await expect(first.getByText("Your name is saved.")).toHaveCount(0);
  await name.fill("Olive Owner");
  await expect(first.getByText("Your name is saved.")).toBeVisible();

  // Enrolment: the key beside the QR code; a wrong code is refused, the right one turns it on.
  await first.getByRole("button", { name: "Set up two-factor" }).click();
  await expect(first.getByAltText("QR code for your authenticator app")).toBeVisible();
  const secret = (await first.getByTestId("two-factor-secret").innerText()).replace(/\s+/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const sealed = (await db().query("SELECT secret_sealed FROM user_two_factor WHERE user_id = $1", [user.id])).rows[0].secret_sealed as string;
  expect(sealed).not.toContain(secret);
  await first.getByLabel("Authentication code").fill("000000");
  await first.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(first.getByText("That code is not right.")).toBeVisible();
  await first.getByLabel("Authentication code").fill(await generate({ secret }));
  await first.getByRole("button", { name: "Turn on two-factor" }).click();
  const codes = first.getByTestId("recovery-codes").getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recoveryCodes = await codes.allInnerTexts();
  await first.getByRole("button", { name: "I have saved them" }).click();
  await expect(first.getByTestId("two-factor-status")).toContainText("10 recovery codes left");

  // Second browser: the magic link leads to the code, not into the app.
  const phone = await browser.newContext();
  const second = await phone.newPage();
  await signIn(second, user.email);
  await expect(second).toHaveURL(/\/sign-in\/two-factor$/);
  await expect(second.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  // The session grants nothing yet.
  expect((await second.request.get("/api/me")).status()).toBe(401);
  await second.goto("/app/settings");
  await expect(second).toHaveURL(/\/sign-in\/two-factor\?next=%2Fapp%2Fsettings$/);
  await second.goto("/sign-in");
  await expect(second).toHaveURL(/\/sign-in\/two-factor$/);
  await second.getByLabel("Authentication code").fill("123456");
  await second.getByRole("button", { name: "Verify" }).click();
  await expect(second.getByText("That code is not right.")).toBeVisible();
  await second.getByLabel("Authentication code").fill(await nextCode(secret));
  await second.getByRole("button", { name: "Verify" }).click();
  await expect(second).toHaveURL(/\/app\/dashboard$/);
  await expect(second.getByTestId("active-workspace")).toHaveText("Second Factor Co");
  expect((await second.request.get("/api/me")).status()).toBe(200);

  // The phone lists both sessions and signs the laptop out.
  await second.goto("/app/profile");
  const rows = second.getByTestId("session-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("This device");
  await expect(rows.first()).toContainText("Chrome on Linux");
  await second.getByTestId("sign-out-others").click();
  await expect(second.getByRole("dialog")).toContainText("Your other session will be signed out. This one stays signed in.");
  await second.getByRole("button", { name: "Sign out others" }).click();
  await expect(second.getByText("1 other session was signed out.")).toBeVisible();
  await expect(rows).toHaveCount(1);
  await first.goto("/app/dashboard");
  await expect(first).toHaveURL(/\/sign-in$/);

  // Turning it off needs a code: a recovery code does it, once.
  await second.getByTestId("disable-two-factor").click();
  await second.getByLabel("Authentication code").fill("999999");
  await second.getByRole("button", { name: "Turn off", exact: true }).click();
  await expect(second.getByRole("dialog").getByLabel("Authentication code")).toHaveAccessibleDescription(/^That code is not right\./);
  await second.getByLabel("Authentication code").fill(recoveryCodes[0]!);
  await second.getByRole("button", { name: "Turn off", exact: true }).click();
  await expect(second.getByRole("button", { name: "Set up two-factor" })).toBeVisible();
  expect((await db().query("SELECT count(*)::int AS n FROM user_two_factor WHERE user_id = $1", [user.id])).rows[0].n).toBe(0);

  await laptop.close();
  await phone.close();
});

test("with two-factor on, a sign-in goes on to where it was headed after the code", async ({ browser }) => {
  const home = await workspaceWithRoles("Home Base Co");
  const user = home.users.member;
  // Two-factor turned on from the profile.
  const laptop = await browser.newContext();
  await sessionFor(laptop, user, home.tenantId);
  const profile = await laptop.newPage();
  await profile.goto("/app/profile");
  await profile.getByRole("button", { name: "Set up two-factor" }).click();
  const secret = (await profile.getByTestId("two-factor-secret").innerText()).replace(/\s+/g, "");
  await profile.getByLabel("Authentication code").fill(await generate({ secret }));
  await profile.getByRole("button", { name: "Turn on two-factor" }).click();
  const recoveryCode = await profile.getByTestId("recovery-codes").getByRole("listitem").first().innerText();
  await profile.getByRole("button", { name: "I have saved them" }).click();
  await expect(profile.getByTestId("two-factor-status")).toContainText("10 recovery codes left");
  await laptop.close();

  // A new sign-in (a session created now awaits its code, as the magic link's
  // would; made here without a link, as every browser test shares one
  // address's 20 links) on its way to a page: an invitation link's /sign-in?next=…
  const phone = await browser.newContext();
  await phone.addCookies([{ name: "authjs.session-token", value: await newSessionToken(user), url: runtime().baseUrl }]);
  const page = await phone.newPage();
  await page.goto(`/sign-in?next=${encodeURIComponent("/app/profile")}`);
  await expect(page).toHaveURL(/\/sign-in\/two-factor\?next=%2Fapp%2Fprofile$/);
  await page.getByLabel("Authentication code").fill(await nextCode(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  // …goes on there after the code, not to the dashboard.
  await expect(page).toHaveURL(/\/app\/profile$/);
  await expect(page.getByTestId("profile-email")).toContainText(user.email);
  await phone.close();

  // A magic link from a link into the app lands on that page itself, which
  // sends the session to the code and, after it, back to the page.
  const tablet = await browser.newContext();
  await tablet.addCookies([{ name: "authjs.session-token", value: await newSessionToken(user), url: runtime().baseUrl }]);
  const deep = await tablet.newPage();
  await deep.goto("/app/settings/api-keys?from=email");
  await expect(deep).toHaveURL(/\/sign-in\/two-factor\?next=%2Fapp%2Fsettings%2Fapi-keys%3Ffrom%3Demail$/);
  // (a recovery code: the authenticator's next code is not due for up to 30 seconds)
  await deep.getByLabel("Authentication code").fill(recoveryCode);
  await deep.getByRole("button", { name: "Verify" }).click();
  await expect(deep).toHaveURL(/\/app\/settings\/api-keys\?from=email$/);
  await tablet.close();
});

test("setup started again in another window: the first window's code is not called wrong, and its page shows the key that counts", async ({ browser }) => {
  const home = await workspaceWithRoles("Two Windows Co");
  const context = await browser.newContext();
  await sessionFor(context, home.users.admin, home.tenantId);
  const keyOn = async (page: Page) => (await page.getByTestId("two-factor-secret").innerText()).replace(/\s+/g, "");
  const first = await context.newPage();
  await first.goto("/app/profile");
  await first.getByRole("button", { name: "Set up two-factor" }).click();
  const firstKey = await keyOn(first);
  // A second window cancels that setup and starts another: a new key.
  const second = await context.newPage();
  await second.goto("/app/profile");
  await second.getByRole("button", { name: "Cancel setup" }).click();
  await second.getByRole("button", { name: "Set up two-factor" }).click();
  await expect(second.getByTestId("two-factor-secret")).toBeVisible();
  const secondKey = await keyOn(second);
  expect(secondKey).not.toBe(firstKey);
  // The first window, scanned before: its right code is refused as replaced, and the page now shows the new key.
  await first.getByLabel("Authentication code").fill(await generate({ secret: firstKey }));
  await first.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(first.getByText("Setup was started again in another window, with a new key")).toBeVisible();
  await expect(first.getByText("That code is not right.")).toHaveCount(0);
  await expect.poll(() => keyOn(first)).toBe(secondKey);
  // Its code turns two-factor on.
  await first.getByLabel("Authentication code").fill(await generate({ secret: secondKey }));
  await first.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(first.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  await context.close();
});

test("a page reached with a session that has ended sends the visitor to sign in and back to that page", async ({ browser }) => {
  const context = await browser.newContext();
  // A cookie whose session is gone (signed out elsewhere, expired, revoked).
  await context.addCookies([{ name: "authjs.session-token", value: "0".repeat(64), url: runtime().baseUrl }]);
  const page = await context.newPage();
  await page.goto("/app/settings/api-keys?from=email");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fapp%2Fsettings%2Fapi-keys%3Ffrom%3Demail$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await context.close();
});
