// The sign-in form's action, called as Next.js calls it: Auth.js's signIn
// runs for real (its adapter on the test database, its email through the
// test's mail catcher); only the request's headers and cookie jar, which
// Next.js provides inside a request, are given here.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { uniqueEmail, withBrokenSmtp } from "@/test/fixtures";

import { clearCookies, cookieOptions, form, jar } from "@/test/next-request";

vi.mock("next/headers", async () => (await import("@/test/next-request")).nextHeaders);

const { requestMagicLink } = await import("./actions");
const { LINK_SENT_TO_COOKIE } = await import("./link-sent");

/** Where the action sent the browser (it answers a successful request with a redirect), or what it returned. */
async function outcome(fields: Record<string, string>): Promise<{ redirect: string } | { result: unknown }> {
  try {
    return { result: await requestMagicLink(null, form(fields)) };
  } catch (error) {
    // Next.js's redirect() throws an error whose digest is "NEXT_REDIRECT;<type>;<url>;<status>;".
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT;")) return { redirect: new URL(digest.split(";")[2]!, "http://localhost:3000").pathname };
    throw error;
  }
}

describe("requestMagicLink", () => {
  beforeEach(() => {
    clearCookies();
  });

  it("keeps the address the link went to for the page that says to check the inbox, in a cookie only that page receives", async () => {
    const email = uniqueEmail("Named");
    expect(await outcome({ email: `  ${email.toUpperCase()} ` })).toEqual({ redirect: "/sign-in/check-email" });
    expect(jar.get(LINK_SENT_TO_COOKIE)).toBe(email.toLowerCase());
    expect(cookieOptions.get(LINK_SENT_TO_COOKIE)).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/sign-in/check-email", maxAge: 900 });
  });

  it("names no address when no link was sent", async () => {
    const result = await withBrokenSmtp(() => outcome({ email: uniqueEmail("unsent-named") }));
    expect(result).toHaveProperty("result");
    expect(jar.has(LINK_SENT_TO_COOKIE)).toBe(false);
  });

  it("sends the link and leads straight to the page that says to check the inbox (not through Auth.js's verify-request route, whose address the browser would show)", async () => {
    expect(await outcome({ email: uniqueEmail("link") })).toEqual({ redirect: "/sign-in/check-email" });
  });

  it("leads on with where the sign-in was headed, so that the page saying to check the inbox can offer another address without losing it", async () => {
    let location = "";
    try {
      await requestMagicLink(null, form({ email: uniqueEmail("headed"), next: "/invite/abc" }));
    } catch (error) {
      location = String((error as { digest?: unknown }).digest ?? "").split(";")[2] ?? "";
    }
    const url = new URL(location, "http://localhost:3000");
    expect(url.pathname).toBe("/sign-in/check-email");
    expect(url.searchParams.get("next")).toBe("/invite/abc");
  });

  it("when the email cannot be sent, says so on the form and to try again — not that sign-in is misconfigured", async () => {
    const result = await withBrokenSmtp(() => outcome({ email: uniqueEmail("unsent") }));
    expect(result).toEqual({ result: { ok: false, error: "We could not send the sign-in email just now. Try again in a moment." } });
  });
});
