// The worker's hourly sweep of Idempotency-Key records: those past the API's
// 24-hour replay window go, younger ones stay (a repeat within the window
// still gets its stored answer).
import { randomBytes } from "node:crypto";
import { quickAddJob, runMigrations, runOnce } from "graphile-worker";
import { beforeAll, expect, it } from "vitest";
import { createApiKey } from "@/lib/api-keys";
import { CRONTAB, taskList } from "@/lib/jobs/worker";
import { actorFor, createWorkspace, owner } from "@/test/fixtures";

beforeAll(async () => {
  await runMigrations({ pgPool: owner() });
});

it("deletes the records past 24 hours, keeps the younger ones, and runs every hour", async () => {
  const ws = await createWorkspace();
  const key = await createApiKey(actorFor(ws.tenant, ws.owner), { name: "sweep", scope: "read_write", expiry: "30", expiresOn: "" });
  const record = async (hoursOld: number) => {
    const name = `k-${hoursOld}-${randomBytes(4).toString("hex")}`;
    await owner().query(
      `INSERT INTO api_idempotency_keys (api_key_id, key, tenant_id, user_id, fingerprint, status_code, response_body, created_at)
       VALUES ($1, $2, $3, $4, $5, 201, '{}', now() - make_interval(hours => $6::int))`,
      [key.id, name, ws.tenant.id, ws.owner.id, "0".repeat(64), hoursOld],
    );
    return name;
  };
  const lapsed = [await record(25), await record(24 * 40)];
  const live = [await record(1), await record(23)];

  const pgPool = owner();
  await quickAddJob({ pgPool }, "idempotency_sweep", {}, { jobKey: "idempotency_sweep" });
  await runOnce({ pgPool, taskList: taskList(pgPool), noHandleSignals: true });

  const { rows } = await owner().query<{ key: string }>("SELECT key FROM api_idempotency_keys WHERE api_key_id = $1 ORDER BY key", [key.id]);
  expect(rows.map((r) => r.key)).toEqual([...live].sort());
  expect(rows.map((r) => r.key)).not.toContain(lapsed[0]);
  expect(CRONTAB.split("\n")).toContain("15 * * * * idempotency_sweep");
});
