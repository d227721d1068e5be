import { createHash, randomBytes } from "node:crypto";
import { expect, test, type BrowserContext } from "@playwright/test";
import { db, sessionFor, uniqueEmail, workspaceWithRoles } from "./helpers";

// No dead ends: whoever lands somewhere unexpected is told what happened and
// offered a way on — a member removed from the workspace they were in, a
// signed-in user whose invitation link cannot be used.

/** Waits until the browser holds the receipt of the workspace its last page showed; returns it. */
async function receipt(context: BrowserContext, not?: string): Promise<string> {
  let value = "";
  await expect
    .poll(async () => {
      value = (await context.cookies()).find((c) => c.name === "prom_seen")?.value ?? "";
      return value !== "" && value !== not;
    })
    .toBe(true);
  return value;
}

test("a member removed from the workspace they were in is told so on their next page, once; one who leaves is not", async ({ browser }) => {
  const lost = await workspaceWithRoles("Notice Lost");
  const kept = await workspaceWithRoles("Notice Kept");
  const member = lost.users.member;
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [kept.tenantId, member.id]);

  const memberContext = await browser.newContext();
  await sessionFor(memberContext, member, lost.tenantId);
  const memberPage = await memberContext.newPage();
  await memberPage.goto("/app/dashboard");
  await expect(memberPage.getByTestId("active-workspace")).toHaveText("Notice Lost");
  const first = await receipt(memberContext);
  await expect(memberPage.getByTestId("lost-workspace-notice")).toHaveCount(0);

  // An admin removes them.
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, lost.users.admin, lost.tenantId);
  const admin = await adminContext.newPage();
  await admin.goto("/app/settings");
  await admin.getByTestId(`remove-${member.email}`).click();
  await admin.getByRole("button", { name: "Remove member" }).click();
  await expect(admin.getByText(`${member.email} was removed from the workspace.`)).toBeVisible();

  // Their cookie still names the lost workspace: the next page is the other one, and says why.
  await memberPage.goto("/app/settings");
  await expect(memberPage.getByTestId("active-workspace")).toHaveText("Notice Kept");
  await expect(memberPage.getByTestId("lost-workspace-notice")).toHaveText(
    "You no longer have access to Notice Lost: you were removed from it, or it was deleted. You are now in Notice Kept.",
  );
  await receipt(memberContext, first);
  await memberPage.goto("/app/dashboard");
  await expect(memberPage.getByTestId("dashboard-workspace-name")).toHaveText("Notice Kept");
  await expect(memberPage.getByTestId("lost-workspace-notice")).toHaveCount(0);

  // Leaving is one's own doing: no notice of a lost workspace, only that one left.
  await memberPage.goto("/app/settings");
  await memberPage.getByRole("button", { name: "Leave workspace" }).click();
  await memberPage.getByRole("dialog").getByRole("button", { name: "Leave workspace" }).click();
  await expect(memberPage).toHaveURL(/\/app\/onboarding\?left=[\w-]+\.[\w-]+$/);
  await expect(memberPage.getByRole("heading", { name: "Welcome to Tenantry" })).toBeVisible();
  await expect(memberPage.getByTestId("lost-workspace-notice")).toHaveCount(0);
  await expect(memberPage.getByTestId("left-workspace-notice")).toHaveText("You left Notice Kept.");
  await Promise.all([memberContext.close(), adminContext.close()]);
});

test("a signed-in user whose invitation cannot be used sees what happened and goes back to their workspace", async ({ browser }) => {
  const home = await workspaceWithRoles("Way Back Home");
  const inviting = await workspaceWithRoles("Inviting Place");
  const user = home.users.member;
  const context = await browser.newContext();
  await sessionFor(context, user, home.tenantId);
  const page = await context.newPage();

  const link = async (email: string, fields: { status?: string; expiresAt?: Date; acceptedBy?: string } = {}) => {
    const token = randomBytes(32).toString("base64url");
    await db().query(
      `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at, accepted_by, accepted_at)
       VALUES ($1, $2, 'member', $3, $4, $5, $6, CASE WHEN $6::uuid IS NULL THEN NULL ELSE now() END)`,
      [inviting.tenantId, email, createHash("sha256").update(token).digest("hex"), fields.status ?? "pending", fields.expiresAt ?? new Date(Date.now() + 86_400_000), fields.acceptedBy ?? null],
    );
    return `/invite/${token}`;
  };
  const cases: Array<{ url: string; title: string; message: string; signOut: boolean }> = [
    {
      url: await link(user.email, { expiresAt: new Date(Date.now() - 60_000) }),
      title: "This invitation has expired",
      message: "That invitation has expired.",
      signOut: false,
    },
    {
      url: await link(uniqueEmail("someone"), { status: "accepted", acceptedBy: inviting.users.admin.id }),
      title: "This invitation has already been used",
      message: "That invitation has already been used by another account.",
      signOut: false,
    },
    { url: await link(uniqueEmail("revoked"), { status: "revoked" }), title: "This invitation was revoked", message: "That invitation was revoked.", signOut: false },
    {
      url: await link(uniqueEmail("intended")),
      title: "This invitation is for another address",
      message: "That invitation was sent to a different email address.",
      signOut: true,
    },
    { url: "/invite/not-a-token", title: "This invitation link is not valid", message: "That invitation link is not valid.", signOut: false },
  ];
  for (const c of cases) {
    await page.goto(c.url);
    await expect(page).toHaveTitle(/^Invitation/);
    await expect(page.getByTestId("invite-outcome-title")).toHaveText(c.title);
    await expect(page.getByText(c.message)).toBeVisible();
    await expect(page.getByRole("heading", { name: "Sign in" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Sign out to use another address" })).toHaveCount(c.signOut ? 1 : 0);
    await page.getByRole("link", { name: "Back to Way Back Home" }).click();
    await expect(page).toHaveURL(/\/app\/dashboard$/);
    await expect(page.getByTestId("active-workspace")).toHaveText("Way Back Home");
  }
  // Nothing was joined on the way.
  const { rows } = await db().query("SELECT 1 FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [inviting.tenantId, user.id]);
  expect(rows).toEqual([]);
  await context.close();
});

test("the dashboard lists what the role can do, each a link to where it is done", async ({ browser }) => {
  const ws = await workspaceWithRoles("Listing Co");
  const context = await browser.newContext();
  await sessionFor(context, ws.users.auditor, ws.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  const list = page.getByTestId("dashboard-permissions");
  await expect(list.getByRole("link")).toHaveText([
    "See the dashboard",
    "See who belongs to the workspace",
    "Read the audit log",
    "Export the audit log",
    "Create, see and revoke your own API keys",
    "See the workspace's projects",
  ]);
  await list.getByRole("link", { name: "Read the audit log" }).click();
  await expect(page).toHaveURL(/\/app\/audit$/);

  await sessionFor(context, ws.users.owner, ws.tenantId);
  await page.goto("/app/dashboard");
  await expect(list.getByRole("link", { name: "Transfer ownership" })).toHaveAttribute("href", "/app/settings/transfer");
  await expect(list.getByRole("link", { name: "See and revoke every API key of the workspace" })).toHaveAttribute("href", "/app/settings/api-keys");
  await list.getByRole("link", { name: "Rename the workspace and change its slug" }).click();
  await expect(page).toHaveURL(/\/app\/settings\/general$/);
  await context.close();
});

test("a member of suspended workspaces only is told they are suspended, not that they belong to none", async ({ browser }) => {
  const frozen = await workspaceWithRoles("Frozen Lake");
  await db().query("UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1", [frozen.tenantId]);
  const context = await browser.newContext();
  // Signed in afresh: no workspace cookie names the suspended workspace.
  await sessionFor(context, frozen.users.member, frozen.tenantId);
  await context.clearCookies({ name: "prom_tenant" });
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await expect(page).toHaveURL(/\/app\/onboarding$/);
  await expect(page.getByTestId("onboarding-suspended")).toContainText("Frozen Lake is suspended by the platform");
  await expect(page.getByTestId("onboarding-suspended")).toContainText("its owners can ask the platform's operators why.");
  await expect(page.getByText("You do not belong to a workspace yet")).toHaveCount(0);
  await context.close();
});

test("an owner of a suspended workspace is told they can ask the platform's operators why, not that its owners can", async ({ browser }) => {
  const frozen = await workspaceWithRoles("Frozen Ford");
  const held = await workspaceWithRoles("Held Harbour");
  await db().query("UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = ANY($1::uuid[])", [[frozen.tenantId, held.tenantId]]);
  const context = await browser.newContext();
  // The suspended page, to its owner and to an admin.
  await sessionFor(context, frozen.users.owner, frozen.tenantId);
  const page = await context.newPage();
  await page.goto("/app/dashboard");
  await expect(page).toHaveURL(/\/app\/suspended$/);
  await expect(page.getByText("You can ask the platform's operators why it was suspended.")).toBeVisible();
  await expect(page.getByText("owners can ask", { exact: false })).toHaveCount(0);
  await context.clearCookies();
  await sessionFor(context, frozen.users.admin, frozen.tenantId);
  await page.goto("/app/dashboard");
  await expect(page).toHaveURL(/\/app\/suspended$/);
  await expect(page.getByText("Its owners can ask the platform's operators why.", { exact: false })).toBeVisible();
  await expect(page.getByText("You can ask the platform's operators why")).toHaveCount(0);

  // Onboarding, signed in afresh as the owner of the only (suspended) workspace.
  await context.clearCookies();
  await sessionFor(context, frozen.users.owner, frozen.tenantId);
  await context.clearCookies({ name: "prom_tenant" });
  await page.goto("/app/dashboard");
  await expect(page).toHaveURL(/\/app\/onboarding$/);
  const said = page.getByTestId("onboarding-suspended");
  await expect(said).toContainText("Frozen Ford is suspended by the platform");
  await expect(said).toContainText("until the suspension is lifted, and you can ask the platform's operators why.");
  await expect(said).not.toContainText("owners can ask");

  // Owner of one, member of the other: each is told as it is.
  await db().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [held.tenantId, frozen.users.owner.id]);
  await page.reload();
  await expect(said).toContainText("Frozen Ford and Held Harbour are suspended by the platform");
  await expect(said).toContainText(
    "until the suspension is lifted. You can ask the platform's operators why Frozen Ford was suspended, and the owners of Held Harbour can ask about it.",
  );
  await context.close();
});

// The page that says to check the inbox offers another address; taking it
// keeps where the sign-in was headed (an invitation, say), as the sign-in
// form's own hidden field does.
test("“Use a different address” goes back to the sign-in form still headed where it was", async ({ page }) => {
  await page.goto(`/sign-in/check-email?provider=email&type=email&next=${encodeURIComponent("/invite/abc?x=1")}`);
  await page.getByRole("link", { name: "Use a different address" }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Finvite%2Fabc%3Fx%3D1$/);
  await expect(page.locator('input[type="hidden"][name="next"]')).toHaveValue("/invite/abc?x=1");
  // Nowhere to be headed: the plain form.
  await page.goto("/sign-in/check-email?provider=email&type=email");
  await expect(page.getByRole("link", { name: "Use a different address" })).toHaveAttribute("href", "/sign-in");
});
