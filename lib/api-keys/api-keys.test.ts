// API keys against the real database: the format, creating (only the
// SHA-256 stored, audited), who sees and revokes which key, the key's entry
// (app_enter_api_key) refusing each dead key at the next call, the lesser of
// scope and role (a read key's transaction cannot write, proven in raw SQL
// as the app role), last use and its audit, and the workspace lifecycle.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { apiKeyExpiry, apiKeysRead, createApiKey, revokeApiKey, type ApiKeyScope } from "@/lib/api-keys";
import { isWellFormedApiKey, mintApiKey } from "@/lib/api-keys/format";
import { deleteTenant, restoreTenant } from "@/lib/lifecycle";
import { removeMember } from "@/lib/members";
import { apiKeysModule } from "@/lib/api-keys/definition";
import { runRead, sql } from "@/lib/db";
import { can, ROLES, withTenant, withUser, type Credential } from "@/lib/tenancy";
import { resolveWithData } from "@/lib/tenancy/resolve";
import pg from "pg";
import { actorFor, auditRows, createUser, createWorkspace, credentialOf, domainCode, owner, pgErrorCode, setTenantStatus, TEST_REQUEST, userActor } from "@/test/fixtures";

let pool: pg.Pool | undefined;
/** The app role's own connection, no entry made: raw SQL as tenantry_app. */
const appPoolFor = () => (pool ??= new pg.Pool({ connectionString: process.env.APP_DATABASE_URL, max: 4 }));

type Workspace = Awaited<ReturnType<typeof createWorkspace>>;
type Role = "owner" | "admin" | "auditor" | "member";

async function keyFor(ws: Workspace, role: Role, scope: ApiKeyScope = "read_write", name = `${role} key`) {
  return createApiKey(actorFor(ws.tenant, ws[role]), { name, scope, expiry: "30", expiresOn: "" });
}
const keyCredential = (key: string): Credential => ({ kind: "api_key", token: key, ip: "198.51.100.4" });
const enterWith = (key: string, tenantId: string) => withTenant({ tenantId, credential: keyCredential(key) }, async (_tx, role) => role);

describe("the module's permissions", () => {
  it("lets every member create their own keys, and no delegate; owners and admins manage every key (the workspace module's apikeys.manage)", () => {
    expect(apiKeysModule.permissions).toEqual({
      "apikeys.create": { roles: ["owner", "admin", "auditor", "member"], label: expect.any(String), href: "/app/settings/api-keys", delegates: false },
    });
    expect(ROLES.filter((r) => can(r, "apikeys.create"))).toEqual(["owner", "admin", "auditor", "member"]);
    expect(ROLES.filter((r) => can(r, "apikeys.manage"))).toEqual(["owner", "admin"]);
  });
});

describe("the key's format", () => {
  it("is tnty_, 43 base62 characters and a 6-character CRC32; a changed character fails the checksum", () => {
    const key = mintApiKey();
    expect(key).toMatch(/^tnty_[0-9A-Za-z]{49}$/);
    expect(isWellFormedApiKey(key)).toBe(true);
    const last = key.at(-1) === "a" ? "b" : "a";
    expect(isWellFormedApiKey(key.slice(0, -1) + last)).toBe(false);
    const body = key.at(10) === "a" ? "b" : "a";
    expect(isWellFormedApiKey(key.slice(0, 10) + body + key.slice(11))).toBe(false);
    expect(isWellFormedApiKey(`${key}x`)).toBe(false);
    expect(isWellFormedApiKey("ghp_whatever")).toBe(false);
    expect(mintApiKey(new Uint8Array(32))).toBe(`tnty_${"0".repeat(43)}${mintApiKey(new Uint8Array(32)).slice(-6)}`);
  });

  it("expires after 7, 30, 90 or 365 days or at the end of a day at most a year away", () => {
    const now = new Date("2026-12-03T10:00:00Z");
    expect(apiKeyExpiry({ expiry: "7", expiresOn: "" }, now).toISOString()).toBe("2026-12-10T10:00:00.000Z");
    expect(apiKeyExpiry({ expiry: "365", expiresOn: "" }, now).toISOString()).toBe("2027-12-03T10:00:00.000Z");
    expect(apiKeyExpiry({ expiry: "date", expiresOn: "2027-01-15" }, now).toISOString()).toBe("2027-01-15T23:59:59.000Z");
    expect(() => apiKeyExpiry({ expiry: "date", expiresOn: "2027-12-04" }, now)).toThrow(/within a year/);
    expect(() => apiKeyExpiry({ expiry: "date", expiresOn: "2026-12-02" }, now)).toThrow(/after today/);
    expect(() => apiKeyExpiry({ expiry: "date", expiresOn: "" }, now)).toThrow(/Pick the day/);
  });
});

describe("creating, listing and revoking", () => {
  it("stores only the key's SHA-256 and a visible prefix, and audits the creation", async () => {
    const ws = await createWorkspace();
    const created = await keyFor(ws, "member", "read");
    const { rows } = await owner().query("SELECT * FROM api_keys WHERE id = $1", [created.id]);
    expect(rows[0].key_hash).toBe(createHash("sha256").update(created.key).digest("hex"));
    expect(rows[0].prefix).toBe(created.key.slice(0, 13));
    expect(JSON.stringify(rows[0])).not.toContain(created.key);
    expect(rows[0].user_id).toBe(ws.member.id);
    const audit = await auditRows(ws.tenant.id, "apikey.create");
    expect(audit).toHaveLength(1);
    expect(audit[0].metadata).toMatchObject({ name: "member key", scope: "read", prefix: created.prefix });
    expect(JSON.stringify(audit[0])).not.toContain(created.key);
  });

  it("lists a member's own keys to them, and every key to owners and admins", async () => {
    const ws = await createWorkspace();
    const mine = await keyFor(ws, "member");
    const theirs = await keyFor(ws, "auditor");
    // As the page reads them: the list sent with the request's entry.
    const list = async (role: Role) => {
      const { resolution, data } = await resolveWithData(credentialOf(ws[role]), ws.tenant.id, TEST_REQUEST, apiKeysRead());
      expect(resolution).toMatchObject({ kind: "tenant", tenantId: ws.tenant.id });
      return data!;
    };
    expect((await list("member")).map((k) => k.id)).toEqual([mine.id]);
    expect((await list("auditor")).map((k) => k.id)).toEqual([theirs.id]);
    expect((await list("admin")).map((k) => k.id).sort()).toEqual([mine.id, theirs.id].sort());
    expect((await list("owner")).map((k) => k.id).sort()).toEqual([mine.id, theirs.id].sort());
  });

  it("lets a member revoke their own key but not another's; an admin revokes anyone's; each revocation audited", async () => {
    const ws = await createWorkspace();
    const mine = await keyFor(ws, "member");
    const theirs = await keyFor(ws, "auditor");
    expect(await domainCode(revokeApiKey(actorFor(ws.tenant, ws.member), theirs.id))).toBe("not_found");
    await revokeApiKey(actorFor(ws.tenant, ws.member), mine.id);
    await revokeApiKey(actorFor(ws.tenant, ws.admin), theirs.id);
    expect(await domainCode(revokeApiKey(actorFor(ws.tenant, ws.admin), theirs.id))).toBe("no_change");
    const audit = await auditRows(ws.tenant.id, "apikey.revoke");
    expect(audit.map((r) => [r.actor_user_id, r.target_id])).toEqual([
      [ws.member.id, mine.id],
      [ws.admin.id, theirs.id],
    ]);
    expect(await domainCode(enterWith(mine.key, ws.tenant.id))).toBe("signed_out");
  });

  it("refuses a key of another workspace's member to list or revoke (RLS)", async () => {
    const a = await createWorkspace();
    const b = await createWorkspace();
    const keyOfB = await keyFor(b, "member");
    expect(await domainCode(revokeApiKey(actorFor(a.tenant, a.owner), keyOfB.id))).toBe("not_found");
    const seen = await withTenant(actorFor(a.tenant, a.owner), (tx) => runRead(tx, apiKeysRead(sql`${b.tenant.id}::uuid`)));
    expect(seen).toEqual([]);
  });

  it("shows on the page what the list holds: each key's owner, scope, dates, last use and status", async () => {
    const ws = await createWorkspace();
    const live = await keyFor(ws, "member", "read", "live");
    const revoked = await keyFor(ws, "admin", "read_write", "revoked");
    const expired = await keyFor(ws, "auditor", "read", "expired");
    await revokeApiKey(actorFor(ws.tenant, ws.admin), revoked.id);
    await owner().query("UPDATE api_keys SET created_at = now() - interval '40 days', expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]);
    await owner().query("UPDATE api_keys SET last_used_at = now(), last_used_ip = '198.51.100.9' WHERE id = $1", [live.id]);
    const { data } = await resolveWithData(credentialOf(ws.owner), ws.tenant.id, TEST_REQUEST, apiKeysRead());
    const stored = await owner().query<{ id: string; created_at: Date; expires_at: Date; revoked_at: Date | null; last_used_at: Date | null }>(
      "SELECT id, created_at, expires_at, revoked_at, last_used_at FROM api_keys WHERE tenant_id = $1",
      [ws.tenant.id],
    );
    const at = (id: string) => stored.rows.find((r) => r.id === id)!;
    const view = (key: { id: string }, user: { id: string; email: string; name: string | null }, name: string, scope: ApiKeyScope, status: string, ip: string | null) => ({
      id: key.id,
      name,
      prefix: expect.any(String),
      scope,
      ownerId: user.id,
      ownerEmail: user.email,
      ownerName: user.name,
      createdAt: at(key.id).created_at,
      expiresAt: at(key.id).expires_at,
      revokedAt: at(key.id).revoked_at,
      lastUsedAt: at(key.id).last_used_at,
      lastUsedIp: ip,
      status,
    });
    // The live key first; then the others, newest first (the expired one was created 40 days ago).
    expect(data).toEqual([
      view(live, ws.member, "live", "read", "active", "198.51.100.9"),
      view(revoked, ws.admin, "revoked", "read_write", "revoked", null),
      view(expired, ws.auditor, "expired", "read", "expired", null),
    ]);
  });

  it("reads no key, and fails nothing, when the request's entry entered no workspace or another one", async () => {
    const ws = await createWorkspace();
    await keyFor(ws, "member");
    const read = (user: Parameters<typeof credentialOf>[0] | null) =>
      resolveWithData(user ? credentialOf(user) : { kind: "session", token: "not-a-session" }, ws.tenant.id, TEST_REQUEST, apiKeysRead());
    // Someone of no workspace; someone of another workspace asking for this one (they enter their own, which has no key); no session.
    expect(await read(await createUser())).toMatchObject({ resolution: { kind: "no-tenant" }, data: null });
    const outsider = (await createWorkspace()).owner;
    expect(await read(outsider)).toMatchObject({ resolution: { kind: "tenant", userId: outsider.id }, data: [] });
    expect((await read(outsider)).resolution).not.toMatchObject({ tenantId: ws.tenant.id });
    expect(await read(null)).toEqual({ resolution: { kind: "signed-out" }, data: null });
  });
});

describe("the key's entry (app_enter_api_key)", () => {
  it("enters the key's workspace as its user with their current role", async () => {
    const ws = await createWorkspace();
    const key = await keyFor(ws, "admin");
    expect(await enterWith(key.key, ws.tenant.id)).toBe("admin");
    await owner().query("UPDATE tenant_members SET role = 'member' WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.admin.id]);
    expect(await enterWith(key.key, ws.tenant.id)).toBe("member");
    const me = await withUser(keyCredential(key.key), async (_tx, user) => user);
    expect(me).toMatchObject({ id: ws.admin.id, email: ws.admin.email });
  });

  it("refuses each dead key at the next call: revoked, expired, user removed, deactivated, workspace suspended or deleted, another workspace", async () => {
    const check = async (kill: (ws: Workspace, key: { id: string; key: string }) => Promise<void>, tenant?: (ws: Workspace) => Promise<string>) => {
      const ws = await createWorkspace();
      const key = await keyFor(ws, "member");
      expect(await enterWith(key.key, ws.tenant.id)).toBe("member");
      await kill(ws, key);
      return domainCode(enterWith(key.key, tenant ? await tenant(ws) : ws.tenant.id));
    };
    expect(await check(async (ws, k) => void (await revokeApiKey(actorFor(ws.tenant, ws.member), k.id)))).toBe("signed_out");
    expect(
      await check(async (_ws, k) => {
        await owner().query("UPDATE api_keys SET created_at = now() - interval '40 days', expires_at = now() - interval '1 second' WHERE id = $1", [k.id]);
      }),
    ).toBe("token_expired");
    // Removal and deactivation revoke the user's keys (triggers), so the key is refused as revoked.
    expect(await check(async (ws) => void (await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.member.id])))).toBe(
      "signed_out",
    );
    expect(await check(async (ws) => void (await owner().query("UPDATE users SET active = false WHERE id = $1", [ws.member.id])))).toBe("signed_out");
    expect(await check(async (ws) => setTenantStatus(ws.tenant.id, "blocked"))).toBe("tenant_suspended");
    expect(await check(async (ws) => void (await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name })))).toBe("not_found");
    expect(
      await check(
        async () => {},
        async () => (await createWorkspace()).tenant.id,
      ),
    ).toBe("not_found");
    expect(await domainCode(enterWith(mintApiKey(), (await createWorkspace()).tenant.id))).toBe("signed_out");
  });

  it("keeps a removed member's and a deactivated user's keys dead after they are let back in", async () => {
    const ws = await createWorkspace();
    const removed = await keyFor(ws, "member");
    const deactivated = await keyFor(ws, "auditor");
    const other = await keyFor(ws, "admin");
    await removeMember(actorFor(ws.tenant, ws.owner), ws.member.id);
    await owner().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [ws.tenant.id, ws.member.id]);
    await owner().query("UPDATE users SET active = false WHERE id = $1", [ws.auditor.id]);
    await owner().query("UPDATE users SET active = true WHERE id = $1", [ws.auditor.id]);
    expect(await domainCode(enterWith(removed.key, ws.tenant.id))).toBe("signed_out");
    expect(await domainCode(enterWith(deactivated.key, ws.tenant.id))).toBe("signed_out");
    expect(await enterWith(other.key, ws.tenant.id)).toBe("admin");
    const { rows } = await owner().query("SELECT id FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NOT NULL ORDER BY id", [ws.tenant.id]);
    expect(rows.map((r) => r.id).sort()).toEqual([removed.id, deactivated.id].sort());
  });

  it("keeps a revoked key revoked: its owner, an admin and an owner cannot un-revoke it in raw SQL as the app role, and it stays refused", async () => {
    const ws = await createWorkspace();
    const k = await keyFor(ws, "member");
    await revokeApiKey(actorFor(ws.tenant, ws.owner), k.id);
    expect(await domainCode(enterWith(k.key, ws.tenant.id))).toBe("signed_out");
    const before = (await owner().query("SELECT revoked_at, revoked_by FROM api_keys WHERE id = $1", [k.id])).rows[0];
    expect(before.revoked_by).toBe(ws.owner.id);
    const attempts = [
      sql`UPDATE api_keys SET revoked_at = NULL, revoked_by = NULL WHERE id = ${k.id}::uuid`,
      sql`UPDATE api_keys SET revoked_at = NULL WHERE id = ${k.id}::uuid`,
      // A revocation moved, or signed by someone else, is a rewrite of the record.
      sql`UPDATE api_keys SET revoked_at = now() + interval '1 year' WHERE id = ${k.id}::uuid`,
      sql`UPDATE api_keys SET revoked_by = NULL WHERE id = ${k.id}::uuid`,
    ];
    for (const role of ["member", "admin", "owner"] as const) {
      for (const statement of attempts) {
        expect(await pgErrorCode(withTenant(actorFor(ws.tenant, ws[role]), (tx) => tx.exec(statement))), `${role}: ${statement.text}`).toBe("42501");
      }
      // Nothing else of a key's may be rewritten by the app either (the grant stops these).
      for (const column of ["expires_at = now() + interval '1 day'", "scope = 'read_write'", `user_id = '${ws[role].id}'`, "key_hash = repeat('0', 64)"]) {
        expect(await pgErrorCode(withTenant(actorFor(ws.tenant, ws[role]), (tx) => tx.exec({ text: `UPDATE api_keys SET ${column} WHERE id = $1`, values: [k.id] } as never))), `${role}: ${column}`).toBe(
          "42501",
        );
      }
    }
    expect((await owner().query("SELECT revoked_at, revoked_by FROM api_keys WHERE id = $1", [k.id])).rows[0]).toEqual(before);
    expect(await domainCode(enterWith(k.key, ws.tenant.id))).toBe("signed_out");
  });

  it("records a revocation by the app in the acting user's name only", async () => {
    const ws = await createWorkspace();
    const k = await keyFor(ws, "member");
    const revokeAs = (role: Role, by: string | null) =>
      pgErrorCode(withTenant(actorFor(ws.tenant, ws[role]), (tx) => tx.exec(sql`UPDATE api_keys SET revoked_at = now(), revoked_by = ${by}::uuid WHERE id = ${k.id}::uuid`)));
    expect(await revokeAs("admin", ws.owner.id)).toBe("42501");
    expect(await revokeAs("admin", null)).toBe("42501");
    expect(await revokeAs("member", ws.admin.id)).toBe("42501");
    expect(await enterWith(k.key, ws.tenant.id)).toBe("member");
    expect(await revokeAs("admin", ws.admin.id)).toBe("ok");
    expect((await owner().query("SELECT revoked_by FROM api_keys WHERE id = $1", [k.id])).rows[0].revoked_by).toBe(ws.admin.id);
    expect(await domainCode(enterWith(k.key, ws.tenant.id))).toBe("signed_out");
  });

  it("keeps a removed and re-added member's old key revoked even when they try to revive it themselves", async () => {
    const ws = await createWorkspace();
    const k = await keyFor(ws, "member");
    await removeMember(actorFor(ws.tenant, ws.owner), ws.member.id);
    await owner().query("INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [ws.tenant.id, ws.member.id]);
    const revive = (role: Role) =>
      pgErrorCode(withTenant(actorFor(ws.tenant, ws[role]), (tx) => tx.exec(sql`UPDATE api_keys SET revoked_at = NULL WHERE id = ${k.id}::uuid`)));
    expect(await revive("member")).toBe("42501");
    expect(await revive("owner")).toBe("42501");
    const row = (await owner().query("SELECT revoked_at, revoked_by FROM api_keys WHERE id = $1", [k.id])).rows[0];
    expect(row.revoked_at).not.toBeNull();
    // Revoked by the database (the removal's trigger), in nobody's name.
    expect(row.revoked_by).toBeNull();
    expect(await domainCode(enterWith(k.key, ws.tenant.id))).toBe("signed_out");
  });

  it("keeps a key out of the trash but with its workspace: its user or an admin cannot hide it from revocation and bring it back", async () => {
    const ws = await createWorkspace();
    const k = await keyFor(ws, "member");
    const hide = (role: Role) =>
      pgErrorCode(
        withTenant(actorFor(ws.tenant, ws[role]), (tx) => tx.exec(sql`UPDATE api_keys SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = ${k.id}::uuid`)),
      );
    expect(await hide("member")).toBe("42501");
    expect(await hide("admin")).toBe("42501");
    // Still listed to the admins, who can revoke it.
    await revokeApiKey(actorFor(ws.tenant, ws.admin), k.id);
    expect(await domainCode(enterWith(k.key, ws.tenant.id))).toBe("signed_out");
  });

  it("makes a read key's transaction read-only: as the app role, every write is refused by Postgres and it cannot be made writable", async () => {
    const ws = await createWorkspace();
    const read = await keyFor(ws, "owner", "read");
    const write = await keyFor(ws, "owner", "read_write");
    const app = appPoolFor();
    const attempt = async (key: string, statements: string[]) => {
      const client = await app.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT app_enter_api_key($1, $2, NULL)", [key, ws.tenant.id]);
        for (const s of statements) await client.query(s, s.includes("$1") ? [ws.tenant.id] : []);
        return "ok";
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      } finally {
        await client.query("ROLLBACK").catch(() => {});
        client.release();
      }
    };
    const rename = "UPDATE tenants SET name = 'Renamed by a key' WHERE id = $1";
    expect(await attempt(write.key, [rename])).toBe("ok");
    expect(await attempt(read.key, [rename])).toBe("25006");
    expect(await attempt(read.key, ["DELETE FROM tenant_members WHERE tenant_id = $1"])).toBe("25006");
    expect(await attempt(read.key, ["SET TRANSACTION READ WRITE", rename])).not.toBe("ok");
    expect(await attempt(read.key, ["SET LOCAL transaction_read_only = off", rename])).not.toBe("ok");
    expect(await attempt(read.key, ["SELECT count(*) FROM tenant_members WHERE tenant_id = $1"])).toBe("ok");
    // Through the lib: the same refusal.
    expect(await pgErrorCode(withTenant({ tenantId: ws.tenant.id, credential: keyCredential(read.key) }, (tx) => tx.exec({ text: rename, values: [ws.tenant.id] } as never)))).toBe(
      "25006",
    );
  });

  it("records the last use at most once a minute, and audits the first use once even under 10 concurrent first calls", async () => {
    const ws = await createWorkspace();
    const key = await keyFor(ws, "member", "read");
    await Promise.all(Array.from({ length: 10 }, () => enterWith(key.key, ws.tenant.id)));
    const first = await auditRows(ws.tenant.id, "apikey.first_use");
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ actor_user_id: ws.member.id, target_id: key.id, ip: "198.51.100.4" });
    const used = async () => (await owner().query("SELECT last_used_at, last_used_ip FROM api_keys WHERE id = $1", [key.id])).rows[0];
    const once = await used();
    expect(once.last_used_ip).toBe("198.51.100.4");
    await enterWith(key.key, ws.tenant.id);
    expect((await used()).last_used_at).toEqual(once.last_used_at);
    // A minute later (the stored time moved back), the next call records it again.
    await owner().query("UPDATE api_keys SET last_used_at = last_used_at - interval '61 seconds' WHERE id = $1", [key.id]);
    await enterWith(key.key, ws.tenant.id);
    expect((await used()).last_used_at.getTime()).toBeGreaterThan(once.last_used_at.getTime() - 61_000);
    expect(await auditRows(ws.tenant.id, "apikey.first_use")).toHaveLength(1);
  });
});

describe("the workspace lifecycle", () => {
  it("deletes a workspace's keys with it and restores exactly them; a key revoked before stays revoked", async () => {
    const ws = await createWorkspace();
    const live = await keyFor(ws, "member");
    const revoked = await keyFor(ws, "admin");
    await revokeApiKey(actorFor(ws.tenant, ws.admin), revoked.id);
    const { batchId } = await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    const rows = async () => (await owner().query("SELECT id, deletion_batch_id, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id", [ws.tenant.id])).rows;
    expect((await rows()).every((r) => r.deletion_batch_id === batchId)).toBe(true);
    expect(await domainCode(enterWith(live.key, ws.tenant.id))).toBe("not_found");
    await restoreTenant(userActor(ws.owner), ws.tenant.id);
    expect((await rows()).every((r) => r.deletion_batch_id === null)).toBe(true);
    expect(await enterWith(live.key, ws.tenant.id)).toBe("member");
    expect(await domainCode(enterWith(revoked.key, ws.tenant.id))).toBe("signed_out");
  });
});
