// The invite form's result takes the focus, as Resend's and a role change's
// notices do: an invitation sent, and a refusal that names no field (the
// session ended). A refusal of a field leaves the focus on that field.
import { expect, test } from "@playwright/test";
import { db, sessionFor, uniqueEmail, workspaceWithRoles } from "./helpers";

test("the invite form's result takes the focus: sent, or the session ended; an invalid address keeps it in its field", async ({ browser }) => {
  const ws = await workspaceWithRoles("Invite Focus");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  const form = page.getByTestId("invite-form");
  const send = form.getByRole("button", { name: "Send invitation" });

  // A field refused: the field has the focus, to correct it.
  await form.getByLabel("Email address").fill("not an email");
  await send.click();
  await expect(page.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();
  await expect(form.getByLabel("Email address")).toBeFocused();

  // Sent: the notice that says so.
  const invitee = uniqueEmail("focused");
  await form.getByLabel("Email address").fill(invitee);
  await send.click();
  await expect(page.getByText(`Invitation sent to ${invitee}.`)).toBeVisible();
  await expect(page.locator(":focus")).toContainText(`Invitation sent to ${invitee}.`);

  // The session ended meanwhile: the refusal, with its link to sign in again.
  await db().query("DELETE FROM sessions WHERE user_id = $1", [ws.users.owner.id]);
  await form.getByLabel("Email address").fill(uniqueEmail("late"));
  await send.click();
  await expect(page.locator(":focus")).toContainText("Your session has ended. Sign in again.");
  await context.close();
});
