import { describe, expect, it } from "vitest";
import { createTenantSchema, emailSchema, slugify } from "@/lib/validation";

describe("slugify", () => {
  it("derives a lowercase hyphenated slug from a name", () => {
    expect(slugify("Acme Production!")).toBe("acme-production");
    expect(slugify("  Ünïcödé  Straße ")).toBe("unicode-strasse");
    expect(slugify("A")).toBe("a-workspace");
    expect(slugify("!!!")).toBe("workspace");
    expect(slugify("x".repeat(100))).toHaveLength(48);
  });
});

describe("createTenantSchema", () => {
  const parse = (input: Record<string, unknown>) => createTenantSchema.safeParse(input);

  it("derives the slug when none is given", () => {
    expect(parse({ name: "Acme Production" })).toMatchObject({ success: true, data: { slug: "acme-production" } });
  });

  it.each([
    [{ name: "" }, "name", "Enter a workspace name."],
    [{ name: "   " }, "name", "Enter a workspace name."],
    [{ name: "x".repeat(81) }, "name", "Keep the name to 80 characters or fewer."],
    [{ name: "Acme", slug: "ab" }, "slug", "The slug needs at least 3 characters."],
    [{ name: "Acme", slug: "-acme" }, "slug", "Use lowercase letters"],
    [{ name: "Acme", slug: "ac--me" }, "slug", "Use lowercase letters"],
    [{ name: "Acme", slug: "acme_prod" }, "slug", "Use lowercase letters"],
    [{ name: "Acme", slug: "a".repeat(49) }, "slug", "Keep the slug to 48 characters or fewer."],
  ])("rejects %j on %s", (input, field, message) => {
    const result = parse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(String(issue.path[0])).toBe(field);
    expect(issue.message).toContain(message);
  });

  it("accepts exactly 80 characters and lower-cases the slug", () => {
    expect(parse({ name: "x".repeat(80), slug: "ACME-Prod" })).toMatchObject({ success: true, data: { slug: "acme-prod" } });
  });
});

describe("emailSchema", () => {
  it("trims and lower-cases", () => {
    expect(emailSchema.parse("  Ada@Example.COM ")).toBe("ada@example.com");
  });

  it.each(["", "ada", "ada@", "@example.com", "ada example.com", `${"a".repeat(250)}@example.com`])("rejects %j", (value) => {
    expect(emailSchema.safeParse(value).success).toBe(false);
  });
});
