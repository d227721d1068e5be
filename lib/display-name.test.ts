// A person's display name, shown to the members of every workspace they are
// in: the form's rules (trimmed, at most 80 characters, no control or
// invisible formatting character) accept the joiners that emoji and some
// scripts need, and hold in the database too for whatever the app role sends.
import { describe, expect, it } from "vitest";
import { updateDisplayName } from "@/lib/profile";
import { asApp, createUser, credentialOf, owner, pgErrorCode, type TestUser } from "@/test/fixtures";

const me = (user: TestUser) => ({ credential: credentialOf(user) });
const nameOf = async (userId: string) => (await owner().query("SELECT name FROM users WHERE id = $1", [userId])).rows[0].name as string | null;

describe("the display name", () => {
  it("may hold a joined emoji and a zero-width non-joiner (Persian), as a workspace name may", async () => {
    const user = await createUser();
    for (const name of ["👩‍💻 Dana", "علی‌رضا", "Flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿"]) {
      expect(await updateDisplayName(me(user), name), name).toBe(name);
      expect(await nameOf(user.id)).toBe(name);
    }
  });

  it("is held to its rules by the database, in raw SQL as the app role on the user's own row", async () => {
    const user = await createUser({ name: "Kept" });
    await asApp({ user }, async (client) => {
      for (const bad of ["x".repeat(81), "y".repeat(100_000), " padded ", "", "Right\u202eto left", "Zero\u200bwidth", "Two\nlines", "Bell\u0007"]) {
        await client.query("SAVEPOINT probe");
        expect(await pgErrorCode(client.query("UPDATE users SET name = $1 WHERE id = $2", [bad, user.id])), JSON.stringify(bad.slice(0, 20))).toBe("23514");
        await client.query("ROLLBACK TO SAVEPOINT probe");
      }
      for (const good of ["x".repeat(80), "👩‍💻 Dana", null]) {
        expect((await client.query("UPDATE users SET name = $1 WHERE id = $2", [good, user.id])).rowCount).toBe(1);
      }
    });
    expect(await nameOf(user.id)).toBe("Kept");
  });
});
