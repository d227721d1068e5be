import { describe, expect, it } from "vitest";
import { signInErrorMessage } from "./messages";

const FALLBACK = "Something went wrong while signing you in. Try again.";

describe("signInErrorMessage", () => {
  it("explains Auth.js's codes", () => {
    expect(signInErrorMessage("Verification")).toBe("That sign-in link has expired or was already used. Request a new one.");
    expect(signInErrorMessage("AccessDenied")).toContain("deactivated");
  });

  it.each(["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "", "verification", "Nope"])(
    "answers %j, which is not a code of its own, with the general message",
    (code) => {
      expect(signInErrorMessage(code)).toBe(FALLBACK);
    },
  );

  it("takes no list of codes (a repeated parameter)", () => {
    expect(signInErrorMessage(["Verification", "AccessDenied"])).toBe(FALLBACK);
    expect(signInErrorMessage(undefined)).toBe(FALLBACK);
  });
});
