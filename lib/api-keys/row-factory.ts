// prisma/rls.test.ts's row factory for api_keys (found by this file's name):
// a key of a member, a forged insert, and who may change which key — members
// their own, owners and admins (apikeys.manage) any.
import { randomBytes } from "node:crypto";
import { addMember, createUser, owner } from "@/test/fixtures";
import type { RowFactory } from "@/test/row-factory";

export const rowFactory: RowFactory = {
  table: "api_keys",
  async seed(tenant) {
    const user = await createUser();
    await addMember(tenant.id, user.id, "member");
    await owner().query(
      `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at)
       VALUES ($1, $2, 'fixture key', 'read', 'tnty_fixture0', $3, now() + interval '1 day')`,
      [tenant.id, user.id, randomBytes(32).toString("hex")],
    );
  },
  insert: (tenant, actor) => ({
    text: `INSERT INTO api_keys (tenant_id, user_id, name, scope, prefix, key_hash, expires_at)
           VALUES ($1, $2, 'forged', 'read_write', 'tnty_forged00', $3, now() + interval '1 day')`,
    values: [tenant.id, actor.id, randomBytes(32).toString("hex")],
  }),
  mayTouch: { member: "user_id = $1", auditor: "user_id = $1" },
};
