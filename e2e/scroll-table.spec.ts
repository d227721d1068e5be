import { expect, test, type Locator } from "@playwright/test";
import { db, sessionFor, uniqueEmail, workspaceWithRoles } from "./helpers";

// A table wider than a phone scrolls inside its box, and the box says so:
// "More columns →" and a faded right edge while columns are out of view,
// nothing once scrolled to the end or where the table fits.
test.use({ viewport: { width: 390, height: 844 } });

/** The box around a scrolling region: it carries the fades' state. */
const boxOf = (region: Locator) => region.locator("xpath=..");
/** The hint, over the box. */
const hintOf = (region: Locator) => region.locator("xpath=../..").getByText("More columns");

/** The hint lies just above the table, where it starts, over none of its rows. */
async function expectOverTable(hint: Locator, region: Locator) {
  const [h, r] = await Promise.all([hint.boundingBox(), region.boundingBox()]);
  expect(h && r && h.y + h.height <= r.y + 1 && r.y - (h.y + h.height) < 40).toBe(true);
}

test("on a phone a wide table's box says more columns are to the right until it is scrolled to the end; at a desktop's width it says nothing", async ({
  browser,
}) => {
  const ws = await workspaceWithRoles("Wide On A Phone");
  await db().query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
     VALUES ($1, $2, $3, 'member.invite', 'invitation', gen_random_uuid()::text, jsonb_build_object('email', 'someone@example.test', 'role', 'member'))`,
    [ws.tenantId, ws.users.owner.id, ws.users.owner.email],
  );
  const admin = (await db().query<{ id: string }>("INSERT INTO users (email, is_platform_admin) VALUES ($1, true) RETURNING id", [uniqueEmail("platform")]))
    .rows[0]!;
  const context = await browser.newContext();
  await sessionFor(context, ws.users.owner, ws.tenantId);
  const page = await context.newPage();

  await page.goto("/app/audit");
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  const region = page.getByRole("region", { name: "Audit log" });
  const box = boxOf(region);
  const hint = hintOf(region);
  await expect(hint).toBeVisible();
  await expectOverTable(hint, region);
  await expect(box).toHaveAttribute("data-more-right");
  await expect(box).not.toHaveAttribute("data-more-left");
  // Read as the region's description, and the region takes focus: the arrow keys scroll it.
  await expect(region).toHaveAccessibleDescription("More columns (scroll sideways to see them)");
  await region.focus();
  await expect(region).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(box).toHaveAttribute("data-more-left");
  expect(await region.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
  await expect(hint).toBeVisible();
  // The arrow key's scroll is animated: it ends before the box is scrolled by hand, or it would carry on after.
  await region.evaluate(
    (element) =>
      new Promise<void>((settled) => {
        let last = -1;
        const check = () => (element.scrollLeft === last ? settled() : ((last = element.scrollLeft), setTimeout(check, 150)));
        check();
      }),
  );

  // Scrolled to the end: nothing more to the right.
  await region.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
  await expect(hint).toBeHidden();
  await expect(box).not.toHaveAttribute("data-more-right");
  await expect(box).toHaveAttribute("data-more-left");
  await expect(region).not.toHaveAttribute("aria-describedby");
  // Back to the start: the hint again.
  await region.evaluate((element) => element.scrollTo({ left: 0 }));
  await expect(hint).toBeVisible();
  await expect(box).not.toHaveAttribute("data-more-left");

  // At a desktop's width the table fits its box: no hint, no fade, no extra tab stop.
  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(hint).toBeHidden();
  await expect(box).not.toHaveAttribute("data-more-right");
  await expect(box).not.toHaveAttribute("data-more-left");
  await expect(region).not.toHaveAttribute("tabindex");
  expect(await region.evaluate((element) => element.scrollWidth - element.clientWidth)).toBe(0);

  // The platform's directory, a server-rendered table, on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, admin, ws.tenantId);
  const adminPage = await adminContext.newPage();
  await adminPage.goto("/admin");
  await expect(adminPage.getByTestId("admin-directory").locator("tbody tr").first()).toBeVisible();
  const directory = adminPage.getByRole("region", { name: "Workspaces" });
  await expect(hintOf(directory)).toBeVisible();
  await expectOverTable(hintOf(directory), directory);
  await directory.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
  await expect(hintOf(directory)).toBeHidden();

  await Promise.all([context.close(), adminContext.close()]);
});
