import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tenantryAdapter } from "@/lib/auth";
import { createUser, owner, unique } from "@/test/fixtures";

const adapter = tenantryAdapter();

async function sessionFor(userId: string) {
  const token = randomBytes(16).toString("hex");
  await owner().query("INSERT INTO sessions (session_token, user_id, expires) VALUES ($1, $2, now() + interval '1 day')", [token, userId]);
  return token;
}

describe("the Auth.js adapter", () => {
  it("stores and finds users by lower-cased email", async () => {
    const email = `Mixed.Case-${unique()}@Example.TEST`;
    const created = await adapter.createUser!({ id: "ignored", email, emailVerified: null, name: "Mixed" });
    expect(created.email).toBe(email.toLowerCase());
    expect((await adapter.getUserByEmail!(email.toUpperCase()))?.id).toBe(created.id);
  });

  it("honours an active user's session", async () => {
    const user = await createUser();
    const token = await sessionFor(user.id);
    expect((await adapter.getSessionAndUser!(token))?.user.id).toBe(user.id);
  });

  it("never honours a deactivated user's session, and deletes it", async () => {
    const user = await createUser({ active: false });
    const token = await sessionFor(user.id);
    expect(await adapter.getSessionAndUser!(token)).toBeNull();
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM sessions WHERE session_token = $1", [token]);
    expect(rows[0].n).toBe(0);
  });
});
