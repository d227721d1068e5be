// prisma/rls.test.ts's row factory for ownership_transfers (found by this
// file's name): a live transfer (the one a workspace may have), then ended
// ones; no fixture user is a party to them, so only owners may change them
// (admins may read them: ownership.transfer.read).
import { createUser, owner } from "@/test/fixtures";
import type { RowFactory } from "@/test/row-factory";

export const rowFactory: RowFactory = {
  table: "ownership_transfers",
  async seed(tenant) {
    const [from, to] = await Promise.all([createUser(), createUser()]);
    await owner().query(
      `INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, status, due_at, ended_at)
       SELECT $1, $2, $3, s, CASE WHEN s = 'cancelled' THEN NULL ELSE now() + interval '1 day' END, CASE WHEN s = 'cancelled' THEN now() END
         FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM ownership_transfers WHERE tenant_id = $1) THEN 'cancelled' ELSE 'pending_confirmation' END::ownership_transfer_status AS s) x`,
      [tenant.id, from.id, to.id],
    );
  },
  insert: (tenant, actor) => ({
    text: "INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, due_at) VALUES ($1, $2, gen_random_uuid(), now() + interval '1 day')",
    values: [tenant.id, actor.id],
  }),
  mayTouch: { admin: null, auditor: null, member: null },
};
