import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tenantryAdapter } from "@/lib/auth";
import { createSession, createUser, owner, pgErrorCode, unique } from "@/test/fixtures";

const adapter = tenantryAdapter();
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const storedTokens = async (userId: string) =>
  (await owner().query<{ session_token: string }>("SELECT session_token FROM sessions WHERE user_id = $1 ORDER BY expires", [userId])).rows.map(
    (r) => r.session_token,
  );

describe("the Auth.js adapter", () => {
  it("stores and finds users by lower-cased email", async () => {
    const email = `Mixed.Case-${unique()}@Example.TEST`;
    const created = await adapter.createUser!({ id: "ignored", email, emailVerified: null, name: "Mixed" });
    expect(created.email).toBe(email.toLowerCase());
    expect((await adapter.getUserByEmail!(email.toUpperCase()))?.id).toBe(created.id);
  });

  it("stores a new session's token only as its SHA-256, and hands the token itself back for the cookie", async () => {
    const user = await createUser();
    const token = crypto.randomUUID();
    const created = await adapter.createSession!({ sessionToken: token, userId: user.id, expires: new Date(Date.now() + 86_400_000) });
    expect(created.sessionToken).toBe(token);
    const stored = await storedTokens(user.id);
    expect(stored).toContain(sha256(token));
    expect(stored).not.toContain(token);
  });

  it("finds, extends and deletes a session by its token", async () => {
    const user = await createUser();
    const token = await createSession(user.id, new Date(Date.now() + 86_400_000));
    const found = await adapter.getSessionAndUser!(token);
    expect(found?.user.id).toBe(user.id);
    expect(found?.session.sessionToken).toBe(token);
    const later = new Date(Date.now() + 20 * 86_400_000);
    expect((await adapter.updateSession!({ sessionToken: token, expires: later }))?.sessionToken).toBe(token);
    const { rows } = await owner().query<{ expires: Date }>("SELECT expires FROM sessions WHERE session_token = $1", [sha256(token)]);
    expect(rows[0]!.expires.getTime()).toBe(later.getTime());
    await adapter.deleteSession!(token);
    expect(await storedTokens(user.id)).not.toContain(sha256(token));
    expect(await adapter.getSessionAndUser!(token)).toBeNull();
  });

  it("never honours a deactivated user's session, and deletes it", async () => {
    const user = await createUser({ active: false });
    const token = await createSession(user.id);
    expect(await adapter.getSessionAndUser!(token)).toBeNull();
    const { rows } = await owner().query("SELECT count(*)::int AS n FROM sessions WHERE session_token = $1", [sha256(token)]);
    expect(rows[0].n).toBe(0);
  });

  it("works as tenantry_auth, which sees no tenant", async () => {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: process.env.AUTH_DATABASE_URL });
    await client.connect();
    try {
      expect((await client.query("SELECT current_user AS who")).rows[0].who).toBe("tenantry_auth");
      for (const table of ["tenants", "tenant_members", "tenant_invitations", "audit_log"]) {
        expect(await pgErrorCode(client.query(`SELECT count(*) FROM ${table}`)), table).toBe("42501");
      }
    } finally {
      await client.end();
    }
  });
});
