import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { db, sessionFor, workspaceWithRoles } from "./helpers";

// General settings in the browser: an owner renames the workspace, gives it a
// logo and an accent colour, and sees them in the sidebar at once; the logo
// is served by the app's route to members only, as an image and nothing
// else; an admin sees the same page read-only.
test("an owner renames the workspace and brands it, the sidebar shows it, and an admin sees it all read-only", async ({ browser }) => {
  const ws = await workspaceWithRoles("Plain Works");
  const ownerContext = await browser.newContext();
  await sessionFor(ownerContext, ws.users.owner, ws.tenantId);
  const page = await ownerContext.newPage();
  await page.goto("/app/settings/general");

  // Name and slug.
  const newSlug = `branded-${ws.slug.slice(-6)}`;
  await page.getByLabel("Workspace name", { exact: true }).fill("Branded Works");
  await page.getByLabel("Slug", { exact: true }).fill(newSlug);
  await page.getByRole("button", { name: "Save name and slug" }).click();
  await expect(page.getByTestId("name-slug-saved")).toHaveText(`Saved: renamed to “Branded Works”; the slug is now ${newSlug}.`);
  await expect(page.getByTestId("active-workspace")).toHaveText("Branded Works");

  // A hostile file is refused with a reason, and nothing changes.
  await page.getByLabel("Logo", { exact: true }).setInputFiles({
    name: "logo.png",
    mimeType: "image/png",
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  });
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByText("SVG images are not accepted: they can carry scripts. Upload a PNG, JPEG or WebP image.")).toBeVisible();
  await expect(page.getByTestId("workspace-logo")).toHaveCount(0);

  // A real logo and an accent colour.
  const upload = await sharp({ create: { width: 640, height: 320, channels: 4, background: "#0b6e4f" } }).png().toBuffer();
  await page.getByLabel("Logo", { exact: true }).setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: upload });
  const accent = page.getByLabel("Accent colour", { exact: true });
  // Its placeholder fits the field whole (measured in the field's own font, inside its padding).
  const placeholderFits = await accent.evaluate((input: HTMLInputElement) => {
    const style = getComputedStyle(input);
    const context = document.createElement("canvas").getContext("2d")!;
    context.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return context.measureText(input.placeholder).width <= room;
  });
  expect(placeholderFits).toBe(true);
  await accent.fill("#4f46e5");
  await expect(page.getByText("Contrast with white text: 6.28:1.")).toBeVisible();
  await page.getByRole("button", { name: "Save branding" }).click();
  await expect(page.getByTestId("branding-saved")).toHaveText("Saved the new logo (256 × 128 px) and the accent colour #4f46e5.");

  const sidebarLogo = page.getByTestId("workspace-logo");
  await expect(sidebarLogo).toBeVisible();
  await expect(page.getByTestId("workspace-badge")).toHaveAttribute("data-accent", "#4f46e5");
  await expect.poll(() => sidebarLogo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
  const src = (await sidebarLogo.getAttribute("src"))!;
  expect(src).toMatch(new RegExp(`^/app/logo/${ws.tenantId}\\?v=[0-9a-f]{16}$`));

  // Notes, for the admin to read below.
  await page.getByRole("textbox", { name: "Notes", exact: true }).fill("Renewal due in March.");
  await page.getByRole("button", { name: "Save notes" }).click();
  await expect(page.getByTestId("notes-saved")).toHaveText("The notes were saved.");

  // The logo over HTTP: the stored re-encoded PNG, as an image only, and a 304 once held.
  const logo = await page.request.get(src);
  expect(logo.status()).toBe(200);
  const etag = logo.headers()["etag"]!;
  expect(logo.headers()).toMatchObject({
    "content-type": "image/png",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'",
    "cache-control": "private, max-age=31536000, immutable",
    etag: `"${src.slice(-16)}"`,
  });
  const stored = await db().query<{ content: Buffer }>("SELECT content FROM tenant_logos WHERE tenant_id = $1", [ws.tenantId]);
  expect(Buffer.from(await logo.body()).equals(stored.rows[0]!.content)).toBe(true);
  expect((await page.request.get(src, { headers: { "If-None-Match": etag } })).status()).toBe(304);

  // Not to someone outside the workspace, nor to the signed out.
  const outsider = await workspaceWithRoles("Outsiders");
  const outsiderContext = await browser.newContext();
  await sessionFor(outsiderContext, outsider.users.owner, outsider.tenantId);
  expect((await outsiderContext.request.get(src)).status()).toBe(404);
  const signedOut = await browser.newContext();
  const refused = await signedOut.request.get(src, { maxRedirects: 0 });
  expect(refused.status()).toBe(307);
  expect(refused.headers()["location"]).toMatch(/\/sign-in\?next=/);

  // The admin: the same settings, read-only.
  const adminContext = await browser.newContext();
  await sessionFor(adminContext, ws.users.admin, ws.tenantId);
  const admin = await adminContext.newPage();
  await admin.goto("/app/settings/general");
  await expect(admin.getByText("Branded Works's name, slug and branding. Only an owner can change them.")).toBeVisible();
  await expect(admin.getByTestId("general-name")).toHaveText("Branded Works");
  await expect(admin.getByTestId("general-slug")).toHaveText(newSlug);
  await expect(admin.getByTestId("general-accent")).toHaveText("#4f46e5");
  await expect(admin.getByTestId("general-notes")).toHaveText("Renewal due in March.");
  await expect(admin.getByTestId("settings-logo")).toBeVisible();
  await expect(admin.getByTestId("workspace-logo")).toBeVisible();
  await expect(admin.getByRole("textbox")).toHaveCount(0);
  await expect(admin.getByRole("button", { name: /Save|Remove logo|Delete workspace/ })).toHaveCount(0);

  for (const context of [ownerContext, outsiderContext, signedOut, adminContext]) await context.close();
});
