// A workspace's name is shown to every member (the sidebar, the switcher,
// invitation emails, the audit log): it may hold any script and emoji, but
// no control character and no invisible formatting character — a
// right-to-left override makes "Acme‮gnp.exe" read as something else, a
// name of zero-width spaces looks like no name. The form's rule and the
// database's CHECK say the same; the length is counted in characters, as the
// database counts it.
import { describe, expect, it } from "vitest";
import { createTenant } from "@/lib/tenants";
import { createTenantSchema } from "@/lib/validation";
import { renameSchema } from "@/lib/workspace-settings";
import { asApp, createUser, createWorkspace, owner, pgErrorCode, uniqueSlug, userActor } from "@/test/fixtures";

const HIDDEN = [
  "Acme\u202Egnp.exe", // right-to-left override
  "Acme\u2066Corp", // left-to-right isolate
  "\u200B\u200B", // only zero-width spaces
  "Acme\u200BCorp",
  "Acme\nCorp",
  "Acme\tCorp",
  "Acme\u0085Corp", // a C1 control (next line)
  "Acme\u2028Corp", // line separator
  "Acme\u00ADCorp", // soft hyphen
];

describe("a workspace name", () => {
  it("is refused by the forms with a field error when it holds a control or invisible formatting character", () => {
    for (const name of HIDDEN) {
      const created = createTenantSchema.safeParse({ name, slug: uniqueSlug() });
      expect(created.success, JSON.stringify(name)).toBe(false);
      expect(created.error?.issues[0]?.path, JSON.stringify(name)).toEqual(["name"]);
      const renamed = renameSchema.safeParse({ name, slug: uniqueSlug() });
      expect(renamed.success, JSON.stringify(name)).toBe(false);
    }
  });

  it("may hold any script, emoji (joined ones too) and up to 80 characters as the database counts them", () => {
    for (const name of ["Acme Production", "日本語のチーム", "Équipe Ü", "👩‍💻 Devs", "کارگاه‌ها", "😀".repeat(80)]) {
      const parsed = createTenantSchema.safeParse({ name, slug: uniqueSlug() });
      expect(parsed.success, name).toBe(true);
    }
    expect(createTenantSchema.safeParse({ name: "😀".repeat(81), slug: uniqueSlug() }).error?.issues[0]?.message).toBe(
      "Keep the name to 80 characters or fewer.",
    );
  });

  it("is refused by the database, whatever the app sends: creating, and an owner's raw UPDATE", async () => {
    const user = await createUser();
    for (const name of ["Acme\u202Egnp.exe", "\u200B", "Acme\nCorp"]) {
      const slug = uniqueSlug();
      expect(await pgErrorCode(createTenant(userActor(user), { name, slug })), JSON.stringify(name)).toBe("23514");
      const { rows } = await owner().query("SELECT count(*)::int AS n FROM tenants WHERE slug = $1", [slug]);
      expect(rows[0].n).toBe(0);
    }
    const ws = await createWorkspace();
    await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      for (const name of ["Acme\u202Egnp.exe", "\u200B", "Acme\u0007Corp"]) {
        await client.query("SAVEPOINT probe");
        expect(await pgErrorCode(client.query("UPDATE tenants SET name = $1", [name])), JSON.stringify(name)).toBe("23514");
        await client.query("ROLLBACK TO SAVEPOINT probe");
      }
      expect((await client.query("UPDATE tenants SET name = $1", ["👩‍💻 Devs 日本"])).rowCount).toBe(1);
    });
  });
});
