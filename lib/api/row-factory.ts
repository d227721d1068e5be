// prisma/rls.test.ts's row factory for api_idempotency_keys (found by this
// file's name): a record of the workspace's owner, a forged insert, and each
// caller touching only their own records.
import { randomBytes } from "node:crypto";
import { owner } from "@/test/fixtures";
import type { RowFactory } from "@/test/row-factory";

export const rowFactory: RowFactory = {
  table: "api_idempotency_keys",
  async seed(tenant) {
    // The owner's own record: the one the owner's probes may see.
    const found = await owner().query<{ user_id: string }>("SELECT user_id FROM tenant_members WHERE tenant_id = $1 AND role = 'owner' LIMIT 1", [tenant.id]);
    const userId = found.rows[0]!.user_id;
    const { rows } = await owner().query<{ id: string }>(
      `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at)
       VALUES ($1, $2, 'fixture key', 'read_write', 'tnty_fixture1', $3, now() + interval '1 day') RETURNING id`,
      [tenant.id, userId, randomBytes(32).toString("hex")],
    );
    await owner().query("INSERT INTO api_idempotency_keys (api_key_id, key, tenant_id, user_id, fingerprint) VALUES ($1, 'fixture', $2, $3, $4)", [
      rows[0]!.id,
      tenant.id,
      userId,
      randomBytes(32).toString("hex"),
    ]);
  },
  insert: (tenant, actor) => ({
    text: `INSERT INTO api_idempotency_keys (api_key_id, key, tenant_id, user_id, fingerprint)
           SELECT id, 'forged', $1, $2, $3 FROM api_keys LIMIT 1`,
    values: [tenant.id, actor.id, randomBytes(32).toString("hex")],
  }),
  mayTouch: { owner: "user_id = $1", admin: "user_id = $1", member: "user_id = $1", auditor: "user_id = $1" },
};
