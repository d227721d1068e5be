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
