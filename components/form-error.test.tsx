// The refusal a form shows: a session that has ended offers the way back in.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FormError } from "./form-error";
import { SIGNED_OUT, SIGNED_OUT_CODE } from "@/lib/tenancy/client";

const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("FormError", () => {
  it("links 'Sign in again' when the action was refused because the session ended", () => {
    const html = renderToStaticMarkup(<FormError refusal={{ error: SIGNED_OUT, code: SIGNED_OUT_CODE }} />);
    expect(text(html)).toBe(SIGNED_OUT);
    expect(html).toMatch(/<a href="\/sign-in[^"]*"[^>]*data-testid="sign-in-again"[^>]*>Sign in again<\/a>/);
  });

  it("shows any other refusal as it is, with no link, and nothing for none", () => {
    const html = renderToStaticMarkup(<FormError refusal={{ error: "That name is taken." }} />);
    expect(text(html)).toBe("That name is taken.");
    expect(html).not.toContain("<a ");
    expect(renderToStaticMarkup(<FormError refusal={null} />)).toBe("");
  });
});
