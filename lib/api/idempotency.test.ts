// Idempotency-Key records (api_idempotency_keys) name an API key of their own
// user: the database refuses a record that names someone else's key, so a
// co-member who knows a key's id (admins list every key; ids are in the audit
// log) cannot claim an Idempotency-Key in that key's name and leave its
// owner's requests "still being processed" for good. A parent's key acting in
// a child (X-Act-As-Tenant) keeps its records in the child, under its own key.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/api-keys";
import { sql } from "@/lib/db";
import { createChildWorkspace } from "@/lib/hierarchy/workspaces";
import { withTenant } from "@/lib/tenancy";
import { apiCaller } from "@/test/api";
import { actorFor, auditRows, createWorkspace, owner, pgErrorCode, uniqueEmail } from "@/test/fixtures";

const { call } = apiCaller();

describe("an Idempotency-Key record names a key of its own user", () => {
  it("refuses a co-member's record in another user's key's name; that key's first request with the Idempotency-Key acts", async () => {
    const ws = await createWorkspace();
    const victim = await createApiKey(actorFor(ws.tenant, ws.owner), { name: "deploys", scope: "read_write", expiry: "30", expiresOn: "" });
    const idempotencyKey = `deploy-${randomBytes(4).toString("hex")}`;
    for (const attacker of [ws.admin, ws.member]) {
      const planted = withTenant(actorFor(ws.tenant, attacker), (tx) =>
        tx.exec(sql`
          INSERT INTO api_idempotency_keys (api_key_id, key, tenant_id, user_id, fingerprint)
          VALUES (${victim.id}::uuid, ${idempotencyKey}, ${ws.tenant.id}::uuid, ${attacker.id}::uuid, ${"0".repeat(64)})`),
      );
      expect(await pgErrorCode(planted), attacker.email).toBe("23503");
    }
    expect((await owner().query("SELECT count(*)::int AS n FROM api_idempotency_keys WHERE api_key_id = $1", [victim.id])).rows[0].n).toBe(0);

    const email = uniqueEmail("deploy");
    const send = () =>
      call("createInvitation", { key: victim.key, params: { tenantId: ws.tenant.id }, body: { email, role: "member" }, headers: { "idempotency-key": idempotencyKey } });
    const first = await send();
    expect(first.status, first.text).toBe(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(1);
    const rows = await owner().query("SELECT user_id, tenant_id FROM api_idempotency_keys WHERE api_key_id = $1", [victim.id]);
    expect(rows.rows).toEqual([{ user_id: ws.owner.id, tenant_id: ws.tenant.id }]);
  });

  it("keeps a parent's key's records working when it acts in a child (the record's workspace is the child's)", async () => {
    const reseller = await createWorkspace();
    const child = await createChildWorkspace({ ...actorFor(reseller.tenant, reseller.admin), delegation: null }, { name: "Customer", slug: `customer-${randomBytes(4).toString("hex")}` });
    const key = await createApiKey(actorFor(reseller.tenant, reseller.owner), { name: "reseller", scope: "read_write", expiry: "30", expiresOn: "" });
    const headers = { "x-act-as-tenant": child.id, "idempotency-key": `child-${randomBytes(4).toString("hex")}` };
    const email = uniqueEmail("delegated");
    const send = () => call("createInvitation", { key: key.key, params: { tenantId: child.id }, body: { email, role: "member" }, headers });
    const first = await send();
    expect(first.status, first.text).toBe(201);
    const again = await send();
    expect(again.status, again.text).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    const rows = await owner().query("SELECT user_id, tenant_id FROM api_idempotency_keys WHERE api_key_id = $1", [key.id]);
    expect(rows.rows).toEqual([{ user_id: reseller.owner.id, tenant_id: child.id }]);
  });
});
