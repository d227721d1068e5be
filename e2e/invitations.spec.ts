import { createHash, randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createWorkspace, db, linkIn, newSessionToken, runtime, sessionFor, signIn, uniqueEmail, waitForEmail, workspaceWithRoles } from "./helpers";

test("an owner invites, the invitee accepts from the email, signs in and lands in the workspace; a member sees no admin forms; removal ends access", async ({ browser }) => {
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signIn(owner, uniqueEmail("owner"));
  await createWorkspace(owner, "Invite Co");

  const inviteeEmail = uniqueEmail("invitee");
  const sentAt = Date.now();
  await owner.getByRole("link", { name: "Members", exact: true }).click();
  const inviteForm = owner.getByTestId("invite-form");
  await inviteForm.getByLabel("Email address").fill(inviteeEmail.toUpperCase());
  await inviteForm.getByLabel("Role").selectOption("member");
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByText(`Invitation sent to ${inviteeEmail}`)).toBeVisible();
  await expect(owner.locator(`[data-testid=invitation-row][data-email="${inviteeEmail}"]`)).toBeVisible();

  const invitation = await waitForEmail(inviteeEmail, "invited you to Invite Co", sentAt);
  const link = linkIn(invitation, /https?:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{43}/);

  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link);
  await expect(invitee).toHaveURL(/\/sign-in\?next=%2Finvite%2F/);
  await expect(invitee.getByLabel("Email address")).toHaveValue(inviteeEmail);
  const signInAt = Date.now();
  await invitee.getByRole("button", { name: "Email me a sign-in link" }).click();
  const magic = await waitForEmail(inviteeEmail, "sign-in link", signInAt);
  await invitee.goto(linkIn(magic, /https?:\/\/[^\s"<>]+\/api\/auth\/callback\/email\?[^\s"<>]+/));

  // Signed in, the link asks before it enrols anyone.
  await expect(invitee).toHaveURL(/\/invite\//);
  await expect(invitee.getByTestId("invitation-question")).toHaveText("Join Invite Co as a member?");
  const { rows: before } = await db().query("SELECT status FROM tenant_invitations WHERE email = $1", [inviteeEmail]);
  expect(before).toEqual([{ status: "pending" }]);
  await invitee.getByRole("button", { name: "Join Invite Co" }).click();

  await expect(invitee).toHaveURL(/\/app\/dashboard$/);
  await expect(invitee.getByTestId("active-workspace")).toHaveText("Invite Co");
  await expect(invitee.getByTestId("dashboard-role")).toHaveText("member");

  // Re-opening the accepted link is harmless.
  await invitee.goto(link);
  await expect(invitee).toHaveURL(/\/app\/dashboard$/);

  await invitee.getByRole("link", { name: "Members", exact: true }).click();
  await expect(invitee.getByTestId("members-table")).toBeVisible();
  await expect(invitee.getByTestId("invite-form")).toHaveCount(0);
  await expect(invitee.getByRole("button", { name: "Remove" })).toHaveCount(0);
  await expect(invitee.getByRole("button", { name: "Change role" })).toHaveCount(0);
  await expect(invitee.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await expect(invitee.getByRole("link", { name: "Audit log" })).toHaveCount(0);

  // The browser holds the receipt of the workspace it was shown (for the notice after a removal).
  await expect.poll(async () => (await inviteeContext.cookies()).some((c) => c.name === "prom_seen")).toBe(true);

  await owner.reload();
  await expect(owner.locator(`[data-testid=member-row][data-email="${inviteeEmail}"]`)).toBeVisible();
  await expect(owner.getByText("No pending invitations.")).toBeVisible();

  await owner.getByTestId(`remove-${inviteeEmail}`).click();
  await owner.getByRole("button", { name: "Remove member" }).click();
  await expect(owner.getByText(`${inviteeEmail} was removed from the workspace.`)).toBeVisible();
  await expect(owner.locator(`[data-testid=member-row][data-email="${inviteeEmail}"]`)).toHaveCount(0);

  // The invitee still holds the old cookie; their next request is refused the workspace.
  await invitee.goto("/app/dashboard");
  await expect(invitee).toHaveURL(/\/app\/onboarding$/);
  await expect(invitee.getByTestId("lost-workspace-notice")).toHaveText(
    "You no longer have access to Invite Co: you were removed from it, or it was deleted.",
  );
  const me = await (await invitee.request.get("/api/me")).json();
  expect(me.tenants).toEqual([]);

  const { rows } = await db().query(
    "SELECT action FROM audit_log a JOIN tenants t ON t.id = a.tenant_id WHERE t.name = 'Invite Co' ORDER BY a.id",
  );
  expect(rows.map((r) => r.action)).toEqual(
    expect.arrayContaining(["tenant.create", "member.invite", "member.invite.accept", "member.remove"]),
  );
  await ownerContext.close();
  await inviteeContext.close();
});

test("a user whose active workspace is suspended opens an invitation to another workspace, is asked, and joins it", async ({ browser }) => {
  const home = await workspaceWithRoles("Alder Works");
  const frozen = await workspaceWithRoles("Birch Bureau");
  const inviting = await workspaceWithRoles("Cedar Collective");
  const user = home.users.member;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [frozen.tenantId, user.id]);
  await db().query("UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1", [frozen.tenantId]);
  const token = randomBytes(32).toString("base64url");
  await db().query(
    "INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by) VALUES ($1, $2, 'member', $3, now() + interval '1 day', $4)",
    [inviting.tenantId, user.email, createHash("sha256").update(token).digest("hex"), inviting.users.owner.id],
  );
  const context = await browser.newContext();
  // The active-workspace cookie names the suspended one.
  await sessionFor(context, user, frozen.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await expect(page).toHaveURL(/\/app\/suspended$/);

  await page.goto(`/invite/${token}`);
  await expect(page).toHaveURL(new RegExp(`/invite/${token}$`));
  await expect(page.getByTestId("invitation-question")).toHaveText("Join Cedar Collective as a member?");
  await page.getByRole("button", { name: "Join Cedar Collective" }).click();
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  await expect(page.getByTestId("active-workspace")).toHaveText("Cedar Collective");
  const { rows } = await db().query("SELECT role FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [inviting.tenantId, user.id]);
  expect(rows).toEqual([{ role: "member" }]);
  await context.close();
});

test("an invitation opened while signed in with another address is refused without joining", async ({ browser }) => {
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signIn(owner, uniqueEmail("owner"));
  await createWorkspace(owner, "Mismatch Ltd");
  const intended = uniqueEmail("intended");
  const sentAt = Date.now();
  await owner.goto("/app/settings");
  await owner.getByLabel("Email address").fill(intended);
  await owner.getByRole("button", { name: "Send invitation" }).click();
  await expect(owner.getByText(`Invitation sent to ${intended}`)).toBeVisible();
  const link = linkIn(await waitForEmail(intended, "invited you to", sentAt), /https?:\/\/[^\s"<>]+\/invite\/[A-Za-z0-9_-]{43}/);

  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, uniqueEmail("someone-else"));
  await other.goto(link);
  await expect(other).toHaveURL(/\/sign-in\?invite=email_mismatch/);
  await expect(other.getByText("That invitation was sent to a different email address.")).toBeVisible();
  // Signed in, the page says what happened and leads back, rather than asking to sign in.
  await expect(other.getByTestId("invite-outcome-title")).toHaveText("This invitation is for another address");
  // They belong to no workspace yet: the way on is onboarding.
  await expect(other.getByTestId("back-to-workspace")).toHaveText("Continue to Tenantry");
  const { rows } = await db().query(
    "SELECT status FROM tenant_invitations WHERE email = $1",
    [intended],
  );
  expect(rows).toEqual([{ status: "pending" }]);
  await ownerContext.close();
  await otherContext.close();
});

test("malformed and unknown invitation links say so", async ({ page }) => {
  await page.goto("/invite/not-a-token");
  await expect(page).toHaveURL(/\/sign-in\?invite=invalid$/);
  await expect(page.getByText("That invitation link is not valid.")).toBeVisible();

  await page.goto(`/invite/${"A".repeat(43)}`);
  await expect(page).toHaveURL(/\/sign-in\?invite=not_found$/);
  await expect(page.getByText("We could not find that invitation.")).toBeVisible();
});

test("bad invitation input gets a message on the form and invites no one", async ({ page }) => {
  const email = uniqueEmail("inviter");
  await signIn(page, email);
  await createWorkspace(page, "Form Checks");
  await page.goto("/app/settings");
  const form = page.getByTestId("invite-form");
  const cases: Array<[string, string]> = [
    ["not-an-email", "Enter a valid email address, like name@example.com."],
    ["", "Enter an email address."],
    [email.toUpperCase(), "You cannot invite yourself: you are signed in with that address."],
  ];
  for (const [address, message] of cases) {
    await form.getByLabel("Email address").fill(address);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByText(message)).toBeVisible();
    // What was typed stays there to be corrected.
    await expect(form.getByLabel("Email address")).toHaveValue(address);
  }
  await expect(page.getByText("No pending invitations.")).toBeVisible();
});

test("Resend on an invitation's row sends a new link to that address only, and the old link stops working", async ({ page }) => {
  await signIn(page, uniqueEmail("resender"));
  const workspace = `Resend Co ${randomBytes(3).toString("hex")}`;
  await createWorkspace(page, workspace);
  await page.goto("/app/settings");
  const first = uniqueEmail("first");
  const second = uniqueEmail("second");
  const sentAt = Date.now();
  for (const address of [first, second]) {
    await page.getByTestId("invite-form").getByLabel("Email address").fill(address);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByText(`Invitation sent to ${address}`)).toBeVisible();
  }
  const oldLink = linkIn(await waitForEmail(second, `invited you to ${workspace}`, sentAt), /\/invite\/[A-Za-z0-9_-]{43}/);
  const ids = async () =>
    (await db().query<{ email: string; id: string }>("SELECT email, id FROM tenant_invitations WHERE email = ANY($1) AND status = 'pending'", [[first, second]])).rows;
  const before = await ids();

  const resentAt = Date.now();
  const row = page.locator(`[data-testid=invitation-row][data-email="${second}"]`);
  await row.getByRole("button", { name: "Resend" }).click();
  await expect(page.getByText(`A new invitation link was sent to ${second}. The link is valid for 7 days.`)).toBeVisible();
  // A new email with a new link: the newest to that address by arrival (the
  // first, sent within the same second, can carry the same Date header; and
  // the catcher may still be storing the new one when the page says "sent").
  await expect
    .poll(async () => linkIn(await waitForEmail(second, `invited you to ${workspace}`, resentAt), /\/invite\/[A-Za-z0-9_-]{43}/))
    .not.toBe(oldLink);

  // The resent invitation has a new id; the other one is as it was.
  const after = await ids();
  expect(after.find((r) => r.email === first)).toEqual(before.find((r) => r.email === first));
  expect(after.find((r) => r.email === second)?.id).not.toBe(before.find((r) => r.email === second)?.id);
  await expect(page.locator("[data-testid=invitation-row]")).toHaveCount(2);

  // The link of the first email is replaced by the resend's.
  await page.context().clearCookies();
  await page.goto(oldLink);
  await expect(page).toHaveURL(/\/sign-in\?invite=replaced$/);
});

test("a re-invited address's first link says it was replaced by a newer one, not revoked", async ({ browser }) => {
  const ws = await workspaceWithRoles("Replaced Link");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  const sam = uniqueEmail("sam");
  const form = page.getByTestId("invite-form");
  const sentAt = Date.now();
  await form.getByLabel("Email address").fill(sam);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${sam}.`)).toBeVisible();
  const firstLink = linkIn(await waitForEmail(sam, "invited you to Replaced Link", sentAt), /\/invite\/[A-Za-z0-9_-]{43}/);
  await form.getByLabel("Email address").fill(sam);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${sam}. It replaces the pending one.`)).toBeVisible();
  await context.close();

  // Sam, signed out, opens the first email's link.
  const visitor = await browser.newPage();
  await visitor.goto(firstLink);
  await expect(visitor).toHaveURL(/\/sign-in\?invite=replaced$/);
  await expect(visitor.getByText("That invitation was replaced by a newer one. Use the link in the latest invitation email.")).toBeVisible();
  await expect(visitor.getByText("That invitation was revoked.")).toHaveCount(0);
  await visitor.close();
});

// React resets a form after its action runs, and a reset <select> shows its
// first option: after a refused address the role must still be the one chosen,
// and the invitation then sent must carry the role the form shows.
test("a refused invitation keeps the chosen role and the typed address, and the one sent next has the role shown", async ({ browser }) => {
  const ws = await workspaceWithRoles("Kept Role");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  const form = page.getByTestId("invite-form");
  await form.getByLabel("Role").selectOption("auditor");
  await form.getByLabel("Email address").fill("not an email");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();
  await expect(form.getByLabel("Role")).toHaveValue("auditor");
  await expect(form.getByLabel("Email address")).toHaveValue("not an email");

  const invitee = uniqueEmail("kept-role");
  await form.getByLabel("Email address").fill(invitee);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${invitee}`)).toBeVisible();
  await expect(page.locator(`[data-testid=invitation-row][data-email="${invitee}"]`)).toContainText("auditor");
  const rows = (await db().query("SELECT role FROM tenant_invitations WHERE tenant_id = $1 AND status = 'pending'", [ws.tenantId])).rows;
  expect(rows).toEqual([{ role: "auditor" }]);
  // Sent: the address is cleared for the next one; the role stays as shown.
  await expect(form.getByLabel("Email address")).toHaveValue("");
  await expect(form.getByLabel("Role")).toHaveValue("auditor");
  await context.close();
});

/** Signed in as a new workspace's owner on its members page, with one invitation sent to `invitee`. */
async function membersPageWithInvitation(browser: Browser, name: string, invitee: string, existing?: Awaited<ReturnType<typeof workspaceWithRoles>>) {
  const ws = existing ?? (await workspaceWithRoles(name));
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  await page.getByTestId("invite-form").getByLabel("Email address").fill(invitee);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${invitee}`)).toBeVisible();
  return { context, page };
}

async function revoke(page: Page, invitee: string) {
  await page.getByTestId(`revoke-${invitee}`).click();
  await page.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByText(`The invitation for ${invitee} was revoked.`)).toBeVisible();
  await expect(page.getByText("No pending invitations.")).toBeVisible();
}

test("revoking an invitation moves the focus to the notice that says so, not to the page", async ({ browser }) => {
  const mo = uniqueEmail("mo");
  const { context, page } = await membersPageWithInvitation(browser, "Revoke Focus", mo);
  await revoke(page, mo);
  // The row and its button are gone: the focus is on the notice.
  await expect(page.locator(":focus")).toContainText(`The invitation for ${mo} was revoked.`);
  await context.close();
});

test("a revoked invitation's notice goes once a later action changes the list", async ({ browser }) => {
  const mo = uniqueEmail("mo");
  const { context, page } = await membersPageWithInvitation(browser, "Revoke Notice", mo);
  await revoke(page, mo);
  // Invited again: the list shows mo pending, and the notice about the revocation is gone.
  await page.getByTestId("invite-form").getByLabel("Email address").fill(mo);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${mo}`)).toBeVisible();
  await expect(page.locator(`[data-testid=invitation-row][data-email="${mo}"]`)).toBeVisible();
  await expect(page.getByText(`The invitation for ${mo} was revoked.`)).toHaveCount(0);

  // The same after a Resend: revoked again, then the other row resent.
  const other = uniqueEmail("other");
  await page.getByTestId("invite-form").getByLabel("Email address").fill(other);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${other}`)).toBeVisible();
  await page.getByTestId(`revoke-${mo}`).click();
  await page.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByText(`The invitation for ${mo} was revoked.`)).toBeVisible();
  await page.locator(`[data-testid=invitation-row][data-email="${other}"]`).getByRole("button", { name: "Resend" }).click();
  await expect(page.getByText(`A new invitation link was sent to ${other}.`)).toBeVisible();
  await expect(page.getByText(`The invitation for ${mo} was revoked.`)).toHaveCount(0);
  await context.close();
});

test("re-inviting an address with a pending invitation says that it replaces it, and the role it had", async ({ browser }) => {
  const ws = await workspaceWithRoles("Replace Notice");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/settings");
  const ada = uniqueEmail("ada");
  const form = page.getByTestId("invite-form");
  await form.getByLabel("Email address").fill(ada);
  await form.getByLabel("Role").selectOption("admin");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${ada}. The link is valid for 7 days.`)).toBeVisible();

  await form.getByLabel("Email address").fill(ada.toUpperCase());
  await form.getByLabel("Role").selectOption("member");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${ada}. It replaces the pending one (admin → member). The link is valid for 7 days.`)).toBeVisible();
  await expect(page.locator(`[data-testid=invitation-row][data-email="${ada}"]`)).toContainText("member");

  // The same role again: replaced, no change of role to tell.
  await form.getByLabel("Email address").fill(ada);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${ada}. It replaces the pending one. The link is valid for 7 days.`)).toBeVisible();
  await context.close();
});

test("the invite form's notice goes once a later action changes the list of invitations: its invitation revoked, another resent", async ({ browser }) => {
  const mo = uniqueEmail("mo");
  const { context, page } = await membersPageWithInvitation(browser, "Sent Notice", mo);
  // Revoked: "Invitation sent to mo" is no longer true, and goes.
  await revoke(page, mo);
  await expect(page.getByText(`Invitation sent to ${mo}`)).toHaveCount(0);

  // Sent, then another invitation resent: the list changed, and the notice goes.
  const ann = uniqueEmail("ann");
  const bob = uniqueEmail("bob");
  const form = page.getByTestId("invite-form");
  for (const invitee of [ann, bob]) {
    await form.getByLabel("Email address").fill(invitee);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.locator(`[data-testid=invitation-row][data-email="${invitee}"]`)).toBeVisible();
  }
  await expect(page.getByText(`Invitation sent to ${bob}`)).toBeVisible();
  await page.locator(`[data-testid=invitation-row][data-email="${ann}"]`).getByRole("button", { name: "Resend" }).click();
  await expect(page.getByText(`A new invitation link was sent to ${ann}.`)).toBeVisible();
  await expect(page.getByText(`Invitation sent to ${bob}`)).toHaveCount(0);
  await context.close();
});

test("the invite form says how many seats are used, and with every seat taken says so instead of offering the form; a seat taken meanwhile is still refused", async ({ browser }) => {
  const ws = await workspaceWithRoles("Seat Notice");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();
  // A plan without a seat limit: nothing said of seats.
  await page.goto("/app/settings");
  await expect(page.getByTestId("invite-form")).toBeVisible();
  await expect(page.getByTestId("invite-seats")).toHaveCount(0);
  await expect(page.getByTestId("invite-seats-full")).toHaveCount(0);

  // Four members on a six-seat plan; a pending invitation takes a seat, one that lapsed does not.
  const planId = `seats-6-${randomBytes(3).toString("hex")}`;
  await db().query("INSERT INTO plans (id, name, seats) VALUES ($1, $1, 6)", [planId]);
  await db().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenantId, planId]);
  await db().query(
    "INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at) VALUES ($1, $2, 'member', $3, 'pending', now() - interval '1 minute')",
    [ws.tenantId, uniqueEmail("lapsed"), randomBytes(32).toString("hex")],
  );
  await page.reload();
  const seats = page.getByTestId("invite-seats");
  await expect(seats).toHaveText("4 of 6 seats used: members and pending invitations both count.");
  const form = page.getByTestId("invite-form");
  const pending = uniqueEmail("pending");
  await form.getByLabel("Email address").fill(pending);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${pending}`)).toBeVisible();
  await expect(seats).toHaveText("5 of 6 seats used: members and pending invitations both count.");

  // The last seat taken meanwhile (another admin's invitation): the page offered the form, and the database refuses it.
  const racer = uniqueEmail("racer");
  await db().query("INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at) VALUES ($1, $2, 'member', $3, 'pending', now() + interval '1 day')", [
    ws.tenantId,
    racer,
    randomBytes(32).toString("hex"),
  ]);
  const sentence =
    "Your plan allows 6 seats, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, or ask the platform's operators to upgrade the plan.";
  const u5 = uniqueEmail("u5");
  await form.getByLabel("Email address").fill(u5);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(sentence)).toBeVisible();

  // Revoking a pending invitation frees a seat: the refusal no longer holds, and goes; the racer's is listed now.
  await page.getByTestId(`revoke-${pending}`).click();
  await page.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByText(`The invitation for ${pending} was revoked.`)).toBeVisible();
  await expect(page.getByText(sentence)).toHaveCount(0);
  await expect(page.locator(`[data-testid=invitation-row][data-email="${racer}"]`)).toBeVisible();
  await expect(seats).toHaveText("5 of 6 seats used: members and pending invitations both count.");

  // The invitation that takes the last seat goes through; what it said stays, and the form gives way to the seats taken.
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${u5}.`)).toBeVisible();
  const full = page.getByTestId("invite-seats-full");
  await expect(full).toHaveText(
    "All 6 seats your plan allows are taken: members and pending invitations both count. To invite someone, revoke a pending invitation or remove a member to free a seat, or ask the platform's operators to upgrade the plan.",
  );
  await expect(page.getByTestId("invite-form")).toHaveCount(0);
  await expect(seats).toHaveCount(0);
  await expect(page.getByText(`Invitation sent to ${u5}.`)).toBeVisible();

  // An admin, arriving at the full page, is told the same, with whom they ask for more.
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, ws.users.admin, ws.tenantId);
  const admin = await adminContext.newPage();
  await admin.goto("/app/settings");
  await expect(admin.getByTestId("invite-seats-full")).toContainText(
    "All 6 seats your plan allows are taken: members and pending invitations both count. To invite someone, revoke a pending invitation or remove a member to free a seat, or ask one of the workspace's owners",
  );
  await expect(admin.getByTestId("invite-form")).toHaveCount(0);
  // A declined invitation is not offered again while no seat is free: that could only be refused.
  const decliner = uniqueEmail("decliner");
  await db().query(
    "INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at, declined_at) VALUES ($1, $2, 'member', $3, 'declined', now() + interval '6 days', now())",
    [ws.tenantId, decliner, randomBytes(32).toString("hex")],
  );
  await admin.reload();
  const declinedRow = admin.locator(`[data-testid=invitation-row][data-email="${decliner}"]`);
  await expect(declinedRow).toContainText("No seat free to invite again");
  await expect(declinedRow.getByRole("button", { name: "Invite again" })).toHaveCount(0);
  // A member invites no one, and is told nothing of seats.
  const memberContext = await browser.newContext();
  await sessionFor(memberContext, ws.users.member, ws.tenantId);
  const member = await memberContext.newPage();
  await member.goto("/app/settings");
  await expect(member.getByTestId("members-table")).toBeVisible();
  await expect(member.getByTestId("invite-seats-full")).toHaveCount(0);
  await expect(member.getByTestId("invite-seats")).toHaveCount(0);

  // A seat freed: the form is back.
  await page.getByTestId(`revoke-${racer}`).click();
  await page.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByText(`The invitation for ${racer} was revoked.`)).toBeVisible();
  await expect(seats).toHaveText("5 of 6 seats used: members and pending invitations both count.");
  await expect(page.getByTestId("invite-form")).toBeVisible();
  await expect(page.locator(`[data-testid=invitation-row][data-email="${decliner}"]`).getByRole("button", { name: "Invite again" })).toBeVisible();
  await Promise.all([context.close(), adminContext.close(), memberContext.close()]);
});

/** An invitation written directly, with a known token; returns its id and its link's path. */
async function invitationLink(tenantId: string, email: string, fields: { status?: string; acceptedBy?: string } = {}) {
  const token = randomBytes(32).toString("base64url");
  const { rows } = await db().query<{ id: string }>(
    `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at, accepted_by, accepted_at)
     VALUES ($1, $2, 'member', $3, $4, now() + interval '1 day', $5, CASE WHEN $5::uuid IS NULL THEN NULL ELSE now() END) RETURNING id`,
    [tenantId, email, createHash("sha256").update(token).digest("hex"), fields.status ?? "pending", fields.acceptedBy ?? null],
  );
  return { id: rows[0]!.id, path: `/invite/${token}` };
}

/** A signed-in user of no workspace. */
async function userWithoutWorkspace(browser: Browser, prefix: string) {
  const email = uniqueEmail(prefix);
  const user = (await db().query<{ id: string }>("INSERT INTO users (email) VALUES ($1) RETURNING id", [email])).rows[0]!;
  const context = await browser.newContext();
  await context.addCookies([{ name: "authjs.session-token", value: await newSessionToken(user), url: runtime().baseUrl }]);
  return { user: { ...user, email }, context, page: await context.newPage() };
}

test("a member removed since joining with a link, opening it again, is told they are no longer a member of the workspace", async ({ browser }) => {
  const home = await workspaceWithRoles("Still Home");
  const left = await workspaceWithRoles("Left Behind");
  const user = home.users.member;
  const link = await invitationLink(left.tenantId, user.email, { status: "accepted", acceptedBy: user.id });
  const context = await browser.newContext();
  await sessionFor(context, user, home.tenantId);
  const page = await context.newPage();
  await page.goto(link.path);
  await expect(page).toHaveURL(/\/sign-in\?invite=no_longer_member&next=%2Finvite%2F/);
  await expect(page.getByTestId("invite-outcome-title")).toHaveText("This invitation has already been used");
  await expect(
    page.getByText("That invitation was already used: you joined Left Behind with it, and you are no longer a member. Ask a workspace owner or admin for a new invitation."),
  ).toBeVisible();
  await page.getByRole("link", { name: "Back to Still Home" }).click();
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  await expect(page.getByTestId("active-workspace")).toHaveText("Still Home");
  await context.close();
});

test("a removed member opening their used link signed out is brought back to it by signing in, and told they are no longer a member", async ({ browser }) => {
  const home = await workspaceWithRoles("Signed Out Home");
  const left = await workspaceWithRoles("Signed Out Left");
  const user = home.users.member;
  const link = await invitationLink(left.tenantId, user.email, { status: "accepted", acceptedBy: user.id });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link.path);
  await expect(page).toHaveURL(/\/sign-in\?invite=already_used&next=%2Finvite%2F/);
  await expect(page.getByText("That invitation has already been used. If it was yours, sign in to reach the workspace.")).toBeVisible();
  const startedAt = Date.now();
  await page.getByLabel("Email address").fill(user.email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await page.goto(linkIn(await waitForEmail(user.email, "sign-in link", startedAt), /https?:\/\/[^\s"<>]+\/api\/auth\/callback\/email\?[^\s"<>]+/));
  await expect(page).toHaveURL(/\/sign-in\?invite=no_longer_member&next=%2Finvite%2F/);
  await expect(
    page.getByText("That invitation was already used: you joined Signed Out Left with it, and you are no longer a member. Ask a workspace owner or admin for a new invitation."),
  ).toBeVisible();
  await context.close();
});

test("signed in, someone else's used link says so once, without asking to sign in", async ({ browser }) => {
  const home = await workspaceWithRoles("Own Place");
  const inviting = await workspaceWithRoles("Used Elsewhere");
  const link = await invitationLink(inviting.tenantId, uniqueEmail("someone"), { status: "accepted", acceptedBy: inviting.users.admin.id });
  const context = await browser.newContext();
  await sessionFor(context, home.users.member, home.tenantId);
  const page = await context.newPage();
  await page.goto(link.path);
  await expect(page.getByTestId("invite-outcome-title")).toHaveText("This invitation has already been used");
  const alert = page.getByRole("status").filter({ hasText: "already been used" });
  await expect(alert).toHaveText("That invitation has already been used by another account. If you need to join, ask a workspace owner or admin for a new invitation.");
  await expect(page.getByText(/sign in to reach|If it was yours/i)).toHaveCount(0);
  await context.close();
});

test("a link to a workspace deleted since says the workspace was deleted, signed out and signed in", async ({ browser }) => {
  const gone = await workspaceWithRoles("Binned Co");
  const home = await workspaceWithRoles("Kept Co");
  const link = await invitationLink(gone.tenantId, home.users.member.email);
  await db().query("UPDATE tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [gone.tenantId]);

  const visitor = await browser.newPage();
  await visitor.goto(link.path);
  await expect(visitor).toHaveURL(/\/sign-in\?invite=workspace_deleted$/);
  await expect(visitor.getByText("The workspace this invitation is for has been deleted, so it can no longer be joined.")).toBeVisible();
  await expect(visitor.getByText(/could not find|newer one/)).toHaveCount(0);
  await visitor.close();

  const context = await browser.newContext();
  await sessionFor(context, home.users.member, home.tenantId);
  const page = await context.newPage();
  await page.goto(link.path);
  await expect(page.getByTestId("invite-outcome-title")).toHaveText("This invitation's workspace was deleted");
  await expect(page.getByText("Binned Co has been deleted, so its invitations can no longer be used.")).toBeVisible();
  await context.close();
});

test("accepting an invitation from the onboarding list that was revoked meanwhile says so, and the list drops it", async ({ browser }) => {
  const first = await workspaceWithRoles("Revoked Since");
  const second = await workspaceWithRoles("Still Open");
  const { user, context, page } = await userWithoutWorkspace(browser, "listed");
  const revoked = await invitationLink(first.tenantId, user.email);
  await invitationLink(second.tenantId, user.email);
  await page.goto("/app/onboarding");
  const list = page.getByTestId("pending-invitations");
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await db().query("UPDATE tenant_invitations SET status = 'revoked', revoked_at = now() WHERE id = $1", [revoked.id]);
  await list.getByRole("listitem").filter({ hasText: "Revoked Since" }).getByRole("button", { name: "Accept" }).click();
  await expect(page.getByTestId("invitation-refusal")).toHaveText("That invitation was revoked. Ask a workspace owner or admin for a new one.");
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(list).toContainText("Still Open");
  await expect(list).not.toContainText("Revoked Since");
  await expect(page.getByText("We could not find that invitation.")).toHaveCount(0);

  // The last one revoked too: the card stays to say so.
  await db().query("UPDATE tenant_invitations SET status = 'revoked', revoked_at = now() WHERE tenant_id = $1 AND email = $2", [second.tenantId, user.email]);
  await list.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByTestId("invitation-refusal")).toHaveText("That invitation was revoked. Ask a workspace owner or admin for a new one.");
  await expect(page.getByTestId("pending-invitations")).toHaveCount(0);
  await context.close();
});

test("signing out from an invitation for another address leads to the sign-in page as the link leads anyone: for whom, the address filled in", async ({ browser }) => {
  const inviting = await workspaceWithRoles("Switch Place");
  const home = await workspaceWithRoles("Wrong Account Home");
  const invited = uniqueEmail("invited");
  const link = await invitationLink(inviting.tenantId, invited);

  const visitor = await browser.newPage();
  await visitor.goto(link.path);
  await expect(visitor.getByText(`Sign in as ${invited} to accept your invitation.`)).toBeVisible();
  const signedOutUrl = visitor.url();
  await visitor.close();

  const context = await browser.newContext();
  await sessionFor(context, home.users.member, home.tenantId);
  const page = await context.newPage();
  await page.goto(link.path);
  await expect(page).toHaveURL(/\/sign-in\?invite=email_mismatch/);
  await page.getByRole("button", { name: "Sign out to use another address" }).click();
  await expect(page.getByText(`Sign in as ${invited} to accept your invitation.`)).toBeVisible();
  await expect(page.getByLabel("Email address")).toHaveValue(invited);
  expect(page.url()).toBe(signedOutUrl);
  await context.close();
});

test("the dashboard lists the invitations for the viewer to other workspaces, to accept there, and says which invitations the workspace sent", async ({ browser }) => {
  const home = await workspaceWithRoles("Dash Home");
  const inviting = await workspaceWithRoles("Dash Inviter");
  const user = home.users.member;
  await invitationLink(inviting.tenantId, user.email);
  await invitationLink(home.tenantId, uniqueEmail("outgoing"));
  const context = await browser.newContext();
  await sessionFor(context, user, home.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await expect(page.getByText("Invitations sent, pending")).toBeVisible();
  await expect(page.getByTestId("dashboard-invitations-sent")).toHaveText("1");
  const mine = page.getByRole("region", { name: "Invitations for you" });
  await expect(mine.getByRole("listitem")).toHaveText([/Dash Inviter/]);
  await mine.getByRole("button", { name: "Accept" }).click();
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  await expect(page.getByTestId("active-workspace")).toHaveText("Dash Inviter");
  await expect(page.getByRole("region", { name: "Invitations for you" })).toHaveCount(0);
  const { rows } = await db().query("SELECT role FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [inviting.tenantId, user.id]);
  expect(rows).toEqual([{ role: "member" }]);
  await context.close();
});

test("declining an invitation from the onboarding list asks first, says so with the focus, drops the row, tells the inviter, and its link says it was declined", async ({ browser }) => {
  const declined = await workspaceWithRoles("Not For Me");
  const other = await workspaceWithRoles("Maybe Later");
  const { user, context, page } = await userWithoutWorkspace(browser, "decliner");
  const link = await invitationLink(declined.tenantId, user.email);
  await invitationLink(other.tenantId, user.email);
  await page.goto("/app/onboarding");
  const list = page.getByTestId("pending-invitations");
  await expect(list.getByRole("listitem")).toHaveCount(2);
  const row = list.getByRole("listitem").filter({ hasText: "Not For Me" });

  // Cancel does nothing.
  await row.getByRole("button", { name: "Decline" }).click();
  const dialog = page.getByRole("dialog", { name: "Decline the invitation to Not For Me?" });
  await expect(dialog).toBeVisible();
  // What it promises the workspace sees is what it does see: the members page's Declined row and the audit log's (below).
  await expect(dialog).toContainText("Whoever sent it is told by email, and the workspace's members page and audit log show that you declined it.");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(list.getByRole("listitem")).toHaveCount(2);

  await row.getByRole("button", { name: "Decline" }).click();
  await page.getByRole("dialog", { name: "Decline the invitation to Not For Me?" }).getByRole("button", { name: "Decline invitation" }).click();
  const notice = page.getByTestId("invitation-notice");
  await expect(notice).toHaveText("You declined the invitation to Not For Me.");
  await expect(notice).toBeFocused();
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(list).toContainText("Maybe Later");
  await expect(list).not.toContainText("Not For Me");
  const { rows } = await db().query("SELECT status FROM tenant_invitations WHERE id = $1", [link.id]);
  expect(rows).toEqual([{ status: "declined" }]);
  const audit = await db().query("SELECT actor_user_id, metadata FROM audit_log WHERE tenant_id = $1 AND action = 'member.invite.decline'", [declined.tenantId]);
  expect(audit.rows).toEqual([{ actor_user_id: user.id, metadata: { email: user.email, role: "member" } }]);

  // Drawn again, the page lists only the other one.
  await page.reload();
  await expect(page.getByTestId("pending-invitations").getByRole("listitem")).toHaveText([/Maybe Later/]);

  // Its link says it was declined.
  await page.goto(link.path);
  await expect(page.getByTestId("invite-outcome-title")).toHaveText("You declined this invitation");
  await expect(page.getByText("You declined this invitation, so it can no longer be used. If you want to join after all, ask a workspace owner or admin for a new one.")).toBeVisible();
  await context.close();

  // The workspace no longer sees it pending but declined, and the log says who declined it.
  const ownerContext = await browser.newContext();
  await sessionFor(ownerContext, declined.users.owner, declined.tenantId);
  const owner = await ownerContext.newPage();
  await owner.goto("/app/settings");
  await expect(owner.getByTestId("members-table")).toBeVisible();
  await expect(owner.getByText("No pending invitations.")).toBeVisible();
  await expect(owner.locator(`[data-testid=invitation-row][data-email="${user.email}"]`).getByTestId("invitation-declined")).toContainText("Declined");
  await owner.goto("/app/audit");
  await expect(owner.getByText(`Declined the invitation to join as a member (sent to ${user.email})`)).toBeVisible();
  await ownerContext.close();
});

test("declining the last invitation on the dashboard keeps the card to say so, with the focus, and the row gone", async ({ browser }) => {
  const home = await workspaceWithRoles("Decline Home");
  const inviting = await workspaceWithRoles("Decline Inviter");
  const user = home.users.member;
  const link = await invitationLink(inviting.tenantId, user.email);
  const context = await browser.newContext();
  await sessionFor(context, user, home.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  const mine = page.getByRole("region", { name: "Invitations for you" });
  await expect(mine.getByRole("listitem")).toHaveText([/Decline Inviter/]);
  await mine.getByRole("button", { name: "Decline" }).click();
  await page.getByRole("dialog", { name: "Decline the invitation to Decline Inviter?" }).getByRole("button", { name: "Decline invitation" }).click();
  const notice = mine.getByTestId("invitation-notice");
  await expect(notice).toHaveText("You declined the invitation to Decline Inviter.");
  await expect(notice).toBeFocused();
  await expect(mine.getByRole("listitem")).toHaveCount(0);
  await expect(page).toHaveURL(/\/app\/dashboard$/);
  await expect(page.getByTestId("active-workspace")).toHaveText("Decline Home");
  const { rows } = await db().query("SELECT status FROM tenant_invitations WHERE id = $1", [link.id]);
  expect(rows).toEqual([{ status: "declined" }]);
  await page.reload();
  await expect(page.getByRole("region", { name: "Invitations for you" })).toHaveCount(0);
  await context.close();
});

test("declining an invitation revoked meanwhile says it was revoked, and the list drops it", async ({ browser }) => {
  const revoking = await workspaceWithRoles("Revoked Before Decline");
  const { user, context, page } = await userWithoutWorkspace(browser, "late-decliner");
  const invitation = await invitationLink(revoking.tenantId, user.email);
  await page.goto("/app/onboarding");
  const list = page.getByTestId("pending-invitations");
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await db().query("UPDATE tenant_invitations SET status = 'revoked', revoked_at = now() WHERE id = $1", [invitation.id]);
  await list.getByRole("button", { name: "Decline" }).click();
  await page.getByRole("dialog", { name: "Decline the invitation to Revoked Before Decline?" }).getByRole("button", { name: "Decline invitation" }).click();
  await expect(page.getByTestId("invitation-refusal")).toHaveText("That invitation was revoked. Ask a workspace owner or admin for a new one.");
  await expect(page.getByTestId("pending-invitations")).toHaveCount(0);
  const { rows } = await db().query("SELECT status FROM tenant_invitations WHERE id = $1", [invitation.id]);
  expect(rows).toEqual([{ status: "revoked" }]);
  await context.close();
});

test("an invitee declines; the admin who sent it is emailed, sees it Declined on the members page — not pending, no seat — and invites again", async ({ browser }) => {
  const ws = await workspaceWithRoles("Declined Seen");
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, ws.users.admin, ws.tenantId);
  const admin = await adminContext.newPage();
  await admin.goto("/app/settings");
  const { user, context, page } = await userWithoutWorkspace(browser, "no-thanks");
  const form = admin.getByTestId("invite-form");
  await form.getByLabel("Email address").fill(user.email);
  await form.getByLabel("Role").selectOption("auditor");
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByText(`Invitation sent to ${user.email}`)).toBeVisible();
  const row = admin.locator(`[data-testid=invitation-row][data-email="${user.email}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByRole("button", { name: "Resend" })).toBeVisible();

  // The invitee declines it from onboarding.
  const declinedAt = Date.now();
  await page.goto("/app/onboarding");
  await page.getByTestId("pending-invitations").getByRole("button", { name: "Decline" }).click();
  await page.getByRole("dialog", { name: "Decline the invitation to Declined Seen?" }).getByRole("button", { name: "Decline invitation" }).click();
  await expect(page.getByTestId("invitation-notice")).toHaveText("You declined the invitation to Declined Seen.");
  await context.close();

  // Whoever sent it hears of it by email.
  const mail = await waitForEmail(ws.users.admin.email, `${user.email} declined your invitation to Declined Seen`, declinedAt);
  expect(mail.text).toContain("/app/settings");

  // The members page lists it as declined, with when, apart from the pending ones; the counts are of pending ones only.
  await admin.reload();
  await expect(admin.getByText("No pending invitations.")).toBeVisible();
  await expect(row).toHaveAttribute("data-status", "declined");
  const state = row.getByTestId("invitation-declined");
  await expect(state).toContainText("Declined");
  await expect(state.locator("time")).toHaveCount(1);
  await expect(row.getByRole("button", { name: "Resend" })).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await admin.goto("/app/dashboard");
  await expect(admin.getByTestId("dashboard-invitations-sent")).toHaveText("0");

  // A member sees it declined too, and no action on it.
  const memberContext = await browser.newContext();
  await sessionFor(memberContext, ws.users.member, ws.tenantId);
  const member = await memberContext.newPage();
  await member.goto("/app/settings");
  const seen = member.locator(`[data-testid=invitation-row][data-email="${user.email}"]`);
  await expect(seen.getByTestId("invitation-declined")).toContainText("Declined");
  await expect(seen.getByRole("button")).toHaveCount(0);
  await memberContext.close();

  // Invite again: after a confirmation, a new pending invitation with the same role takes its row's place.
  await admin.goto("/app/settings");
  await row.getByRole("button", { name: "Invite again" }).click();
  const dialog = admin.getByRole("dialog", { name: "Invite again?" });
  await expect(dialog).toContainText(`${user.email} declined an invitation to join as an auditor.`);
  const sentAgainAt = Date.now();
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByText(`Invitation sent to ${user.email}`)).toBeVisible();
  await expect(row).toHaveCount(1);
  await expect(row).not.toHaveAttribute("data-status", "declined");
  await expect(row.getByRole("button", { name: "Resend" })).toBeVisible();
  await waitForEmail(user.email, "invited you to Declined Seen", sentAgainAt);
  const { rows } = await db().query("SELECT status, role FROM tenant_invitations WHERE tenant_id = $1 AND email = $2 ORDER BY created_at", [ws.tenantId, user.email]);
  expect(rows).toEqual([{ status: "declined", role: "auditor" }, { status: "pending", role: "auditor" }]);
  const audit = await db().query("SELECT actor_user_id FROM audit_log WHERE tenant_id = $1 AND action = 'member.invite' ORDER BY id", [ws.tenantId]);
  expect(audit.rows).toEqual([{ actor_user_id: ws.users.admin.id }, { actor_user_id: ws.users.admin.id }]);
  await adminContext.close();
});
