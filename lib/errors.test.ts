import { describe, expect, it } from "vitest";
import { problemFor } from "@/lib/api/route";
import { DomainError, RELOAD_THE_PAGE } from "@/lib/errors";
import { failureFrom } from "@/lib/tenancy/action";

describe("a refusal's words, on a page and in the API", () => {
  it("shows a page the advice after the message, and gives the API's client the message alone", () => {
    const gone = new DomainError("not_found", "That invitation no longer exists.", undefined, RELOAD_THE_PAGE);
    expect(failureFrom(gone)).toEqual({ ok: false, error: "That invitation no longer exists. Reload the page." });
    expect(problemFor(gone)).toMatchObject({ type: "not-found", detail: "That invitation no longer exists." });
    const field = new DomainError("slug_taken", "That slug is taken.", "slug");
    expect(failureFrom(field)).toEqual({ ok: false, error: "That slug is taken.", fieldErrors: { slug: "That slug is taken." } });
  });
});

describe("a plan-limit refusal's advice", () => {
  // The database's error as pg delivers it: its sentence (an owner's advice) and its detail naming who acted.
  const refusal = (detail: string) =>
    Object.assign(new Error("Your plan allows 2 API keys; revoke one, or ask the platform's operators to upgrade the plan."), {
      code: "53400",
      severity: "ERROR",
      hint: "plan_limit",
      detail,
    });
  const others = "Your plan allows 2 API keys; revoke one, or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.";

  it("says on a page and in the API whom the role that acted asks", () => {
    const owner = "Your plan allows 2 API keys; revoke one, or ask the platform's operators to upgrade the plan.";
    expect(failureFrom(refusal('{"limit": "api_keys", "role": "owner"}'))).toEqual({ ok: false, error: owner });
    expect(failureFrom(refusal('{"limit": "api_keys", "role": "admin"}'))).toEqual({ ok: false, error: others });
    expect(problemFor(refusal('{"limit": "api_keys", "role": "admin"}'))).toEqual({ type: "plan-limit", detail: others });
    expect(problemFor(refusal('{"limit": "api_keys", "role": null}'))).toEqual({ type: "plan-limit", detail: others });
  });

  it("keeps the database's sentence when no one in the workspace acted (the owner's connection, the platform's console)", () => {
    const theirs = "Your plan allows 2 API keys; revoke one, or ask the platform's operators to upgrade the plan.";
    expect(problemFor(refusal('{"limit": "api_keys"}'))).toEqual({ type: "plan-limit", detail: theirs });
    expect(problemFor(refusal("api_keys"))).toEqual({ type: "plan-limit", detail: theirs });
  });
});
