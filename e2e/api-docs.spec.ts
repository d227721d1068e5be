import { expect, test } from "@playwright/test";

// The API reference (/docs/api, Scalar's bundle served by the app): a way
// back to the app, none of Scalar's hosted features (its AI agent uploads the
// API description to Scalar's servers; SDK and MCP generation are its
// dashboard's), and nothing loaded from or sent to another origin.
test("the API reference links back to the app, offers none of Scalar's hosted features, and talks to no other origin", async ({ page, baseURL }) => {
  const outside: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(baseURL!) && !r.url().startsWith("data:")) outside.push(r.url());
  });
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`));
  });

  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { name: "Tenantry API", level: 1 })).toBeVisible({ timeout: 20_000 });
  await page.waitForLoadState("networkidle");
  // The reference's sidebar is drawn (its search is there), and so is all it would add beside it.
  await expect(page.getByRole("button", { name: /Search/ }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: /Ask AI/ })).toHaveCount(0);
  await expect(page.getByText("Generate SDKs & MCP")).toHaveCount(0);
  await expect(page.getByText(/Generate SDK/)).toHaveCount(0);

  const back = page.getByRole("link", { name: "Back to the app" });
  await expect(back).toBeVisible();
  await expect(back).toHaveAttribute("href", "/app");
  expect(outside).toEqual([]);
  expect(violations).toEqual([]);
  await back.click();
  await expect(page).toHaveURL(/\/sign-in/);
});
