// Audit retention against the real database and the real queue: each
// workspace's events older than its plan's retention go (with their search
// words), younger ones and a NULL retention's stay, in bounded batches, once
// however many workers run it, recorded in the workspace's own log — and the
// log is still append-only for everyone but the retention function.
import { quickAddJob, runMigrations, runOnce } from "graphile-worker";
import { beforeAll, describe, expect, it } from "vitest";
import { describeAuditEvent } from "@/lib/audit";
import { taskList } from "@/lib/jobs/worker";
import { applyAuditRetention, RETENTION_ACTION, workspacesDueForRetention } from "@/lib/jobs/retention";
import { asApp, createTenantRow, createWorkspace, owner, pgErrorCode, setTenantStatus, unique } from "@/test/fixtures";

const DAY = 86_400_000;

beforeAll(async () => {
  await runMigrations({ pgPool: owner() });
});

/** A plan keeping the log `days` days (null: forever). */
async function planKeeping(days: number | null): Promise<string> {
  const id = `r-${unique()}`;
  await owner().query("INSERT INTO plans (id, name, audit_retention_days) VALUES ($1, $2, $3)", [id, `Retention ${id}`, days]);
  return id;
}

async function workspaceOn(planId: string) {
  const tenant = await createTenantRow();
  await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [tenant.id, planId]);
  return tenant;
}

/** `n` events `daysOld` days old (each with a search word of its own). */
async function eventsAged(tenantId: string, daysOld: number, n = 1, action = `aged.${daysOld}`) {
  await owner().query(
    `INSERT INTO audit_log (tenant_id, action, target_id, metadata, created_at)
     SELECT $1, $2, 'target-' || g, jsonb_build_object('word', 'aged' || $3::text), now() - make_interval(days => $3::int) - make_interval(secs => g)
       FROM generate_series(1, $4) g`,
    [tenantId, action, daysOld, n],
  );
}

async function actions(tenantId: string): Promise<string[]> {
  const { rows } = await owner().query<{ action: string }>("SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY created_at, id", [tenantId]);
  return rows.map((r) => r.action);
}

async function countOf(tenantId: string, table: "audit_log" | "audit_log_terms" = "audit_log"): Promise<number> {
  const { rows } = await owner().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]);
  return rows[0]!.n;
}

async function retentionEvents(tenantId: string) {
  const { rows } = await owner().query("SELECT * FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY id", [tenantId, RETENTION_ACTION]);
  return rows;
}

describe("audit retention, per plan", () => {
  it("deletes what is older than each plan's retention with its search words, keeps the rest, and keeps everything on a NULL retention", async () => {
    const [thirty, ninety, forever] = await Promise.all([planKeeping(30), planKeeping(90), planKeeping(null)]);
    const a = await workspaceOn(thirty);
    const b = await workspaceOn(ninety);
    const c = await workspaceOn(forever);
    for (const t of [a, b, c]) {
      await eventsAged(t.id, 100);
      await eventsAged(t.id, 45);
      await eventsAged(t.id, 10);
    }
    expect(await applyAuditRetention(owner(), a.id)).toMatchObject({ applied: true, deleted: 2, retentionDays: 30 });
    expect(await applyAuditRetention(owner(), b.id)).toMatchObject({ applied: true, deleted: 1, retentionDays: 90 });
    expect(await applyAuditRetention(owner(), c.id)).toEqual({ applied: true, deleted: 0, cutoff: null, retentionDays: null, batches: 0 });

    expect(await actions(a.id)).toEqual(["aged.10", RETENTION_ACTION]);
    expect(await actions(b.id)).toEqual(["aged.45", "aged.10", RETENTION_ACTION]);
    expect(await actions(c.id)).toEqual(["aged.100", "aged.45", "aged.10"]);
    // The words of the deleted events went with them; those of the kept ones stayed.
    const words = async (tenantId: string) =>
      (await owner().query<{ term: string }>("SELECT DISTINCT term FROM audit_log_terms WHERE tenant_id = $1 AND term LIKE 'aged%' ORDER BY 1", [tenantId])).rows.map(
        (r) => r.term,
      );
    expect(await words(a.id)).toEqual(["aged10"]);
    expect(await words(b.id)).toEqual(["aged10", "aged45"]);
    expect(await words(c.id)).toEqual(["aged10", "aged100", "aged45"]);
  });

  it("records each run that deleted something in the workspace's own log, once, and a second run does nothing", async () => {
    const plan = await planKeeping(30);
    const ws = await workspaceOn(plan);
    await eventsAged(ws.id, 31, 3);
    await eventsAged(ws.id, 29);
    const before = Date.now();
    const outcome = await applyAuditRetention(owner(), ws.id);
    expect(outcome).toMatchObject({ applied: true, deleted: 3, batches: 1 });

    const [event, ...more] = await retentionEvents(ws.id);
    expect(more).toHaveLength(0);
    expect(event).toMatchObject({ actor_user_id: null, target_type: "audit_log", metadata: { deleted: 3, retention_days: 30, plan } });
    const cutoff = Date.parse(event.metadata.cutoff as string);
    expect(Math.abs(cutoff - (before - 30 * DAY))).toBeLessThan(60_000);
    // Younger than any cutoff: the record is not itself deleted before its own retention.
    expect(Date.now() - new Date(event.created_at).getTime()).toBeLessThan(60_000);
    expect(describeAuditEvent(RETENTION_ACTION, event.metadata)).toBe(
      `Deleted 3 events older than ${new Date(cutoff).toISOString().slice(0, 10)} (UTC), as the plan keeps the log 30 days`,
    );

    expect(await applyAuditRetention(owner(), ws.id)).toMatchObject({ applied: true, deleted: 0, batches: 0 });
    expect(await retentionEvents(ws.id)).toHaveLength(1);
    expect(await actions(ws.id)).toEqual(["aged.29", RETENTION_ACTION]);
  });

  it("deletes more at the next run after a downgrade to a shorter retention", async () => {
    const [pro, free] = await Promise.all([planKeeping(365), planKeeping(30)]);
    const ws = await workspaceOn(pro);
    await eventsAged(ws.id, 200);
    await eventsAged(ws.id, 60);
    await eventsAged(ws.id, 5);
    expect(await applyAuditRetention(owner(), ws.id)).toMatchObject({ deleted: 0 });
    await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.id, free]);
    expect(await applyAuditRetention(owner(), ws.id)).toMatchObject({ deleted: 2, retentionDays: 30 });
    expect(await actions(ws.id)).toEqual(["aged.5", RETENTION_ACTION]);
  });

  it("never deletes more than the database's own clock allows, whatever now the caller claims", async () => {
    const ws = await workspaceOn(await planKeeping(30));
    await eventsAged(ws.id, 10);
    const farFuture = new Date(Date.now() + 1000 * DAY);
    expect(await applyAuditRetention(owner(), ws.id, { now: farFuture })).toMatchObject({ deleted: 0 });
    expect(await actions(ws.id)).toEqual(["aged.10"]);
    // A clock in the past deletes less.
    await eventsAged(ws.id, 40);
    expect(await applyAuditRetention(owner(), ws.id, { now: new Date(Date.now() - 20 * DAY) })).toMatchObject({ deleted: 0 });
    expect(await applyAuditRetention(owner(), ws.id)).toMatchObject({ deleted: 1 });
  });
});

describe("audit retention in batches", () => {
  it("walks a long log in bounded batches, oldest first, each committed on its own, and touches no other workspace", async () => {
    const plan = await planKeeping(30);
    const ws = await workspaceOn(plan);
    const bystander = await workspaceOn(plan);
    await eventsAged(ws.id, 40, 12_000);
    await eventsAged(ws.id, 1, 5);
    await eventsAged(bystander.id, 40, 3);
    const seen: number[] = [];
    const remaining: number[] = [];
    const outcome = await applyAuditRetention(owner(), ws.id, {
      batchRows: 5_000,
      // Seen from another connection: each batch is already committed.
      onBatch: async (n) => {
        seen.push(n);
        remaining.push(await countOf(ws.id));
      },
    });
    expect(outcome).toMatchObject({ applied: true, deleted: 12_000, batches: 3 });
    expect(seen).toEqual([5_000, 5_000, 2_000]);
    expect(remaining).toEqual([7_005, 2_005, 5]);
    expect(await countOf(ws.id)).toBe(6); // the 5 young ones and the record
    expect(await countOf(bystander.id)).toBe(3);
  });

  it("resumes where a stopped run left off", async () => {
    const ws = await workspaceOn(await planKeeping(30));
    await eventsAged(ws.id, 40, 30);
    const stop = new Error("killed");
    await expect(
      applyAuditRetention(owner(), ws.id, {
        batchRows: 10,
        onBatch: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect(await countOf(ws.id)).toBe(20);
    expect(await applyAuditRetention(owner(), ws.id, { batchRows: 10 })).toMatchObject({ deleted: 20, batches: 2 });
    expect(await countOf(ws.id)).toBe(1);
  });

  it("refuses a batch size out of bounds", async () => {
    const ws = await workspaceOn(await planKeeping(30));
    expect(await pgErrorCode(owner().query("SELECT * FROM app_audit_apply_retention($1, now(), 0)", [ws.id]))).toBe("22023");
    expect(await pgErrorCode(owner().query("SELECT * FROM app_audit_apply_retention($1, now(), 50001)", [ws.id]))).toBe("22023");
  });
});

describe("audit retention run twice at once", () => {
  it("by two workers: one does the work, the other finds it busy or done, one record, no error", async () => {
    const ws = await workspaceOn(await planKeeping(30));
    await eventsAged(ws.id, 40, 3_000);
    const runs = await Promise.all([
      applyAuditRetention(owner(), ws.id, { batchRows: 500 }),
      applyAuditRetention(owner(), ws.id, { batchRows: 500 }),
    ]);
    const deleted = runs.reduce((sum, r) => sum + (r.applied ? r.deleted : 0), 0);
    expect(deleted).toBe(3_000);
    expect(await retentionEvents(ws.id)).toHaveLength(1);
    expect(await countOf(ws.id)).toBe(1);
  });

  it("by two callers of the function itself: batches wait for each other, every row is deleted once", async () => {
    const ws = await workspaceOn(await planKeeping(30));
    await eventsAged(ws.id, 40, 2_000);
    const loop = async () => {
      let total = 0;
      for (;;) {
        const { rows } = await owner().query<{ deleted: number }>("SELECT deleted FROM app_audit_apply_retention($1, now(), 150)", [ws.id]);
        if (rows[0]!.deleted === 0) return total;
        total += rows[0]!.deleted;
      }
    };
    const [one, two] = await Promise.all([loop(), loop()]);
    expect(one + two).toBe(2_000);
    expect(await countOf(ws.id)).toBe(0);
    expect(await countOf(ws.id, "audit_log_terms")).toBe(0);
  });
});

describe("an export while retention runs", () => {
  it("keeps reading its snapshot: the rows deleted after it began are still there for it", async () => {
    const ws = await workspaceOn(await planKeeping(30));
    await eventsAged(ws.id, 40, 50);
    await eventsAged(ws.id, 1, 5);
    const reader = await owner().connect();
    try {
      await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      const first = await reader.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1", [ws.id]);
      expect(await applyAuditRetention(owner(), ws.id, { batchRows: 20 })).toMatchObject({ deleted: 50 });
      const again = await reader.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1", [ws.id]);
      expect([first.rows[0]!.n, again.rows[0]!.n]).toEqual([55, 55]);
      await reader.query("COMMIT");
    } finally {
      reader.release();
    }
    expect(await countOf(ws.id)).toBe(6);
  });
});

describe("the append-only log, retention notwithstanding", () => {
  it("refuses the app role a delete or update even with the retention settings forged, and the function itself", async () => {
    const ws = await createWorkspace();
    await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [ws.tenant.id, await planKeeping(30)]);
    await eventsAged(ws.tenant.id, 40);
    const codes = await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      const attempt = async (text: string, values: unknown[] = []) => {
        await client.query("SAVEPOINT probe");
        const code = await pgErrorCode(client.query(text, values));
        await client.query("ROLLBACK TO SAVEPOINT probe");
        return code;
      };
      await client.query("SELECT set_config('app.retention_tenant', $1, true), set_config('app.retention_cutoff', $2, true)", [
        ws.tenant.id,
        new Date().toISOString(),
      ]);
      return {
        delete: await attempt("DELETE FROM audit_log WHERE tenant_id = $1", [ws.tenant.id]),
        update: await attempt("UPDATE audit_log SET action = 'x' WHERE tenant_id = $1", [ws.tenant.id]),
        deleteWords: await attempt("DELETE FROM audit_log_terms WHERE tenant_id = $1", [ws.tenant.id]),
        function: await attempt("SELECT * FROM app_audit_apply_retention($1, now(), 10)", [ws.tenant.id]),
      };
    });
    expect(codes).toEqual({ delete: "42501", update: "42501", deleteWords: "42501", function: "42501" });
    expect(await actions(ws.tenant.id)).toContain("aged.40");
  });

  it("refuses the table owner a direct delete with the settings forged: only the definer's function deletes", async () => {
    const ws = await workspaceOn(await planKeeping(30));
    await eventsAged(ws.id, 40);
    const client = await owner().connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('app.retention_tenant', $1, true), set_config('app.retention_cutoff', $2, true)", [ws.id, new Date().toISOString()]);
      expect(await pgErrorCode(client.query("DELETE FROM audit_log WHERE tenant_id = $1", [ws.id]))).toBe("42501");
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
    expect(await countOf(ws.id)).toBe(1);
  });

  it("is a definer function with a pinned search_path that only the owner's role may execute", async () => {
    const { rows } = await owner().query(
      `SELECT p.prosecdef AS definer, r.rolname AS owner, p.proconfig AS config,
              has_function_privilege('tenantry_app', p.oid, 'EXECUTE') AS app,
              has_function_privilege('tenantry_auth', p.oid, 'EXECUTE') AS auth,
              has_function_privilege('tenantry_definer', p.oid, 'EXECUTE') AS definer_role,
              has_function_privilege(current_user, p.oid, 'EXECUTE') AS worker
         FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE p.proname = 'app_audit_apply_retention'`,
    );
    expect(rows).toEqual([
      { definer: true, owner: "tenantry_definer", config: ["search_path=pg_catalog, pg_temp"], app: false, auth: false, definer_role: true, worker: true },
    ]);
    // The app role's privileges on the log are still INSERT and SELECT only.
    const privileges = await owner().query(
      "SELECT privilege_type FROM information_schema.table_privileges WHERE table_name = 'audit_log' AND grantee = 'tenantry_app' ORDER BY 1",
    );
    expect(privileges.rows.map((r) => r.privilege_type)).toEqual(["INSERT", "SELECT"]);
  });
});

describe("audit retention, run by the queue (graphile-worker)", () => {
  it("sweeps for the workspaces due (not a NULL retention, not one in the trash), queues one job each and runs them", async () => {
    const plan = await planKeeping(30);
    const due = await workspaceOn(plan);
    const young = await workspaceOn(plan);
    const forever = await workspaceOn(await planKeeping(null));
    const trashed = await workspaceOn(plan);
    await eventsAged(due.id, 40, 2);
    await eventsAged(young.id, 5);
    await eventsAged(forever.id, 400);
    await eventsAged(trashed.id, 40);
    await setTenantStatus(trashed.id, "deleted");

    const found = await workspacesDueForRetention(owner(), new Date());
    expect(found).toContain(due.id);
    expect(found).not.toContain(young.id);
    expect(found).not.toContain(forever.id);
    expect(found).not.toContain(trashed.id);

    const pgPool = owner();
    await quickAddJob({ pgPool }, "audit_retention_sweep", {}, { jobKey: "audit_retention_sweep" });
    const now = () => new Date();
    await runOnce({ pgPool, taskList: taskList(pgPool, now), noHandleSignals: true });
    await runOnce({ pgPool, taskList: taskList(pgPool, now), noHandleSignals: true });
    expect(await actions(due.id)).toEqual([RETENTION_ACTION]);
    expect(await actions(young.id)).toEqual(["aged.5"]);
    expect(await actions(forever.id)).toEqual(["aged.400"]);
    expect(await actions(trashed.id)).toEqual(["aged.40"]);
  });
});
