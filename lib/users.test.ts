import { describe, expect, it } from "vitest";
import { deactivateUser, reactivateUser } from "@/lib/users";
import { resolveTenantContext } from "@/lib/tenancy";
import { addMember, createSession, createTenantRow, createUser, credentialOf, owner } from "@/test/fixtures";

/** More sessions besides the one every test user has (other browsers). */
async function withSessions(userId: string, count: number) {
  for (let i = 0; i < count; i++) await createSession(userId);
}

const sessionCount = async (userId: string) =>
  (await owner().query("SELECT count(*)::int AS n FROM sessions WHERE user_id = $1", [userId])).rows[0].n;

async function deactivate(email: string) {
  const client = await owner().connect();
  try {
    return await deactivateUser(client, email);
  } finally {
    client.release();
  }
}

describe("deactivating a user", () => {
  it("ends every session of the user at once, and no other user's", async () => {
    const [user, bystander] = await Promise.all([createUser(), createUser()]);
    const tenant = await createTenantRow();
    await addMember(tenant.id, user.id, "member");
    await withSessions(user.id, 3);
    await withSessions(bystander.id, 1);
    const result = await deactivate(user.email.toUpperCase());
    expect(result).toMatchObject({ userId: user.id, sessionsEnded: 4 });
    expect(await sessionCount(user.id)).toBe(0);
    expect(await sessionCount(bystander.id)).toBe(2);
    expect(await resolveTenantContext(credentialOf(user), tenant.id)).toEqual({ kind: "signed-out" });
  });

  it("ends sessions whatever path sets active = false (the database does it)", async () => {
    const user = await createUser();
    await withSessions(user.id, 2);
    await owner().query("UPDATE users SET active = false WHERE id = $1", [user.id]);
    expect(await sessionCount(user.id)).toBe(0);
  });

  it("refuses to deactivate the last active owner of a workspace, and changes nothing", async () => {
    const [solo, other] = await Promise.all([createUser(), createUser()]);
    const tenant = await createTenantRow({ name: "Only Owner Inc" });
    await addMember(tenant.id, solo.id, "owner");
    await addMember(tenant.id, other.id, "admin");
    await withSessions(solo.id, 1);
    await expect(deactivate(solo.email)).rejects.toMatchObject({ code: "last_owner", message: expect.stringContaining("Only Owner Inc") });
    const { rows } = await owner().query("SELECT active FROM users WHERE id = $1", [solo.id]);
    expect(rows[0].active).toBe(true);
    expect(await sessionCount(solo.id)).toBe(2);
  });

  it("allows it when another active owner remains, but not when the other owner is deactivated", async () => {
    const [a, b] = await Promise.all([createUser(), createUser()]);
    const tenant = await createTenantRow();
    await addMember(tenant.id, a.id, "owner");
    await addMember(tenant.id, b.id, "owner");
    await deactivate(a.email);
    await expect(deactivate(b.email)).rejects.toMatchObject({ code: "last_owner" });
    await reactivateUser(owner(), a.email);
    await deactivate(b.email);
    await expect(reactivateUser(owner(), "nobody@example.test")).rejects.toMatchObject({ code: "not_inactive" });
  });

  it("says so for an unknown or already deactivated address", async () => {
    await expect(deactivate("nobody@example.test")).rejects.toMatchObject({ code: "user_not_found" });
    const user = await createUser({ active: false });
    await expect(deactivate(user.email)).rejects.toMatchObject({ code: "already_inactive" });
  });
});
