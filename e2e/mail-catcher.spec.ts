// The browser tests read links from the mail catcher's emails; which email is
// "the newest" decides which link a test follows.
import { expect, test } from "@playwright/test";
import nodemailer from "nodemailer";
import { runtime, uniqueEmail, waitForEmail } from "./helpers";

test("waitForEmail returns the later of two emails sent within the same second", async () => {
  const to = uniqueEmail("same-second");
  const transport = nodemailer.createTransport({ url: runtime().smtpUrl } as Parameters<typeof nodemailer.createTransport>[0]);
  // One Date header for both, as two emails sent within one second get: the
  // catcher's `time` is that header, so time alone cannot order them.
  const date = new Date();
  for (const text of ["the first link", "the second link"]) {
    await transport.sendMail({ from: "test@tenantry.localhost", to, subject: "Two in a second", text, date });
  }
  const newest = await waitForEmail(to, "Two in a second", date.getTime());
  expect(newest.text.trim()).toBe("the second link");
});
