// The sign-in form over its per-address limit: five links go out, the sixth
// request is answered on the form with when to retry, and no sixth email
// arrives. (Every browser test comes from one client address, whose limit is
// 20 links per 15 minutes: this test spends five of them.)
import { expect, test } from "@playwright/test";
import { runtime, uniqueEmail, waitForEmail } from "./helpers";

test("the sign-in form refuses a sixth link for one address within 15 minutes and says when to retry", async ({ page }) => {
  const email = uniqueEmail("limited");
  const ask = async () => {
    await page.goto("/sign-in");
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  };

  const startedAt = Date.now();
  for (let i = 0; i < 5; i++) {
    await ask();
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  }
  await ask();
  await expect(page.locator("main").getByRole("alert")).toHaveText(
    /^Too many sign-in links were requested for this address\. Try again in (14|15) minutes\.$/,
  );
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel("Email address")).toHaveValue(email);

  // The refusal was on screen only after its request had finished, so a sixth email would already be here.
  await waitForEmail(email, "sign-in link", startedAt);
  const emails = (await (await fetch(`${runtime().mailApiUrl}/api/email`)).json()) as Array<{ to: Array<{ address: string }> }>;
  expect(emails.filter((e) => e.to.some((t) => t.address.toLowerCase() === email))).toHaveLength(5);
});
