// prisma/rls.test.ts's row factory for projects (found by this file's
// name): how to put a row in it, an insert to attempt as the app role, and
// which rows each role may change — from the matrix: those who may manage
// projects or delete the workspace (its deletion marks every row).
import { owner } from "@/test/fixtures";
import { mayTouchFromMatrix, type RowFactory } from "@/test/row-factory";

export const rowFactory: RowFactory = {
  table: "projects",
  async seed(tenant) {
    await owner().query("INSERT INTO projects (tenant_id, name) VALUES ($1, 'fixture')", [tenant.id]);
  },
  insert: (tenant, actor) => ({
    text: "INSERT INTO projects (tenant_id, name, created_by) VALUES ($1, 'forged', $2)",
    values: [tenant.id, actor.id],
  }),
  mayTouch: mayTouchFromMatrix(["projects.manage", "tenant.delete"]),
};
