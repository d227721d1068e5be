// The closure table under random inserts, re-parents and deletes, compared
// after every step with what a recursive query over tenants.parent_id says
// (the oracle); cycles refused by the database; who may read and write it.
import { afterAll, describe, expect, it } from "vitest";
import { addMember, asApp, createTenantRow, createUser, owner, pgErrorCode, setTenantStatus, unique } from "@/test/fixtures";

/** A small seeded generator (mulberry32): the same seed gives the same 1,000 steps. */
function seededRandom(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.HIERARCHY_SEED ?? 20261204);
const STEPS = 1000;

type Row = { ancestor_id: string; descendant_id: string; depth: number };
const key = (r: Row) => `${r.ancestor_id}>${r.descendant_id}@${r.depth}`;

async function closureOf(ids: string[]): Promise<string[]> {
  const { rows } = await owner().query<Row>(
    "SELECT ancestor_id, descendant_id, depth FROM tenant_closure WHERE ancestor_id = ANY($1::uuid[]) OR descendant_id = ANY($1::uuid[])",
    [ids],
  );
  return rows.map(key).sort();
}

/** The oracle: every node's ancestors by walking parent_id, recursively. */
async function oracleOf(ids: string[]): Promise<string[]> {
  const { rows } = await owner().query<Row>(
    `WITH RECURSIVE up AS (
       SELECT t.id AS descendant_id, t.id AS ancestor_id, t.parent_id, 0 AS depth FROM tenants t WHERE t.id = ANY($1::uuid[])
       UNION ALL
       SELECT up.descendant_id, p.id, p.parent_id, up.depth + 1 FROM up JOIN tenants p ON p.id = up.parent_id)
     SELECT ancestor_id, descendant_id, depth FROM up`,
    [ids],
  );
  return rows.map(key).sort();
}

async function insertTenant(parentId: string | null): Promise<string> {
  const slug = `cl-${unique()}`;
  const { rows } = await owner().query<{ id: string }>("INSERT INTO tenants (name, slug, parent_id) VALUES ($1, $1, $2) RETURNING id", [
    slug,
    parentId,
  ]);
  return rows[0]!.id;
}

describe("tenant_closure", () => {
  const created: string[] = [];
  afterAll(async () => {
    // Leave no tree behind for other files' discovery of tenants.
    for (const id of created.reverse()) await owner().query("DELETE FROM tenants WHERE id = $1", [id]).catch(() => {});
  });

  it(`matches the recursive oracle after each of ${STEPS} random inserts, re-parents and deletes (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const pick = <T,>(list: T[]): T => list[Math.floor(random() * list.length)]!;
    // The model: each live node's parent, to predict which re-parents are cycles.
    const parent = new Map<string, string | null>();
    const isUnder = (node: string, ancestor: string) => {
      for (let at: string | null | undefined = node; at; at = parent.get(at)) if (at === ancestor) return true;
      return false;
    };
    const counts = { insert: 0, reparent: 0, cycle: 0, delete: 0 };

    for (let step = 0; step < STEPS; step++) {
      const nodes = [...parent.keys()];
      const roll = random();
      if (nodes.length < 3 || roll < 0.45) {
        const parentId = nodes.length && random() < 0.85 ? pick(nodes) : null;
        const id = await insertTenant(parentId);
        parent.set(id, parentId);
        created.push(id);
        counts.insert++;
      } else if (roll < 0.85) {
        const node = pick(nodes);
        const target = random() < 0.1 ? null : pick(nodes);
        if (target && isUnder(target, node)) {
          // Under itself or its own descendant: refused, nothing changes.
          const refused = await owner()
            .query("UPDATE tenants SET parent_id = $2 WHERE id = $1", [node, target])
            .then(() => null, (error: { code?: string; hint?: string }) => error);
          expect(refused?.code, `step ${step}`).toBe("23514");
          expect(refused?.hint).toBe("hierarchy_cycle");
          counts.cycle++;
        } else {
          await owner().query("UPDATE tenants SET parent_id = $2 WHERE id = $1", [node, target]);
          parent.set(node, target);
          counts.reparent++;
        }
      } else {
        const node = pick(nodes);
        await owner().query("DELETE FROM tenants WHERE id = $1", [node]);
        // Its children move up to its parent.
        for (const [child, p] of parent) if (p === node) parent.set(child, parent.get(node)!);
        parent.delete(node);
        counts.delete++;
      }
      const ids = [...parent.keys()];
      const [closure, oracle] = await Promise.all([closureOf(created), oracleOf(ids)]);
      expect(closure, `step ${step}`).toEqual(oracle);
    }

    // The sequence exercised every kind of step, and built a tree with some depth.
    expect(counts.insert).toBeGreaterThan(100);
    expect(counts.reparent).toBeGreaterThan(100);
    expect(counts.cycle).toBeGreaterThan(10);
    expect(counts.delete).toBeGreaterThan(50);
    const { rows } = await owner().query<{ depth: number }>("SELECT max(depth)::int AS depth FROM tenant_closure WHERE descendant_id = ANY($1::uuid[])", [
      [...parent.keys()],
    ]);
    expect(rows[0]!.depth).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it("refuses a workspace as its own parent", async () => {
    const id = await insertTenant(null);
    created.push(id);
    expect(await pgErrorCode(owner().query("UPDATE tenants SET parent_id = id WHERE id = $1", [id]))).toBe("23514");
  });

  it("refuses the cycle two concurrent re-parents would make (one of them waits for the other and sees it)", async () => {
    const a = await insertTenant(null);
    const b = await insertTenant(null);
    created.push(a, b);
    const [one, two] = [await owner().connect(), await owner().connect()];
    try {
      await one.query("BEGIN");
      await two.query("BEGIN");
      await one.query("UPDATE tenants SET parent_id = $2 WHERE id = $1", [a, b]);
      const second = two.query("UPDATE tenants SET parent_id = $2 WHERE id = $1", [b, a]).then(
        () => "ok",
        (error: { code?: string }) => error.code,
      );
      await one.query("COMMIT");
      expect(await second).toBe("23514");
    } finally {
      await one.query("ROLLBACK").catch(() => {});
      await two.query("ROLLBACK").catch(() => {});
      one.release();
      two.release();
    }
    expect(await closureOf([a, b])).toEqual(await oracleOf([a, b]));
  });

  describe("as the definer role (what its functions and triggers may write)", () => {
    /** Runs `fn` as tenantry_definer on the owner's connection, with `lift` as app.lift_children if given; always rolled back. */
    async function asDefiner<T>(lift: string | null, fn: (c: import("pg").PoolClient) => Promise<T>): Promise<T> {
      const client = await owner().connect();
      try {
        await client.query("BEGIN");
        if (lift !== null) await client.query("SELECT set_config('app.lift_children', $1, true)", [lift]);
        await client.query("SET LOCAL ROLE tenantry_definer");
        return await fn(client);
      } finally {
        await client.query("ROLLBACK").catch(() => {});
        client.release();
      }
    }
    const attempt = async (c: import("pg").PoolClient, text: string, values: unknown[]) => {
      await c.query("SAVEPOINT probe");
      try {
        const result = await c.query(text, values);
        return `updated ${result.rowCount}`;
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      } finally {
        await c.query("ROLLBACK TO SAVEPOINT probe");
      }
    };

    it("updates no workspace's name, status, plan or parent outside a lift of children (the loose policy let it)", async () => {
      const parent = await insertTenant(null);
      const child = await insertTenant(parent);
      const other = await insertTenant(null);
      created.push(child, parent, other);
      const outcomes = await asDefiner(null, async (c) => ({
        name: await attempt(c, "UPDATE tenants SET name = 'Renamed by the definer' WHERE id = $1", [child]),
        status: await attempt(c, "UPDATE tenants SET status = 'blocked', blocked_at = now() WHERE id = $1", [child]),
        plan: await attempt(c, "UPDATE tenants SET plan_id = 'free' WHERE id = $1", [child]),
        parent: await attempt(c, "UPDATE tenants SET parent_id = $2 WHERE id = $1", [child, other]),
      }));
      // Row-level security hides the rows from the UPDATE: nothing is touched.
      expect(outcomes).toEqual({ name: "updated 0", status: "updated 0", plan: "updated 0", parent: "updated 0" });
      const { rows } = await owner().query("SELECT name, status, parent_id FROM tenants WHERE id = $1", [child]);
      expect(rows[0]).toMatchObject({ status: "active", parent_id: parent });
      expect(rows[0].name).not.toBe("Renamed by the definer");
    });

    it("in a lift, moves only the removed workspace's children, only to its parent, and changes nothing else of them", async () => {
      const grandparent = await insertTenant(null);
      const removed = await insertTenant(grandparent);
      const child = await insertTenant(removed);
      const elsewhere = await insertTenant(null);
      const unrelated = await insertTenant(elsewhere);
      created.push(child, removed, grandparent, unrelated, elsewhere);
      const outcomes = await asDefiner(`${removed}/${grandparent}`, async (c) => ({
        name: await attempt(c, "UPDATE tenants SET name = 'Renamed in a lift' WHERE id = $1", [child]),
        nameAndParent: await attempt(c, "UPDATE tenants SET name = 'Renamed in a lift', parent_id = $2 WHERE id = $1", [child, grandparent]),
        elsewhere: await attempt(c, "UPDATE tenants SET parent_id = $2 WHERE id = $1", [child, elsewhere]),
        unrelated: await attempt(c, "UPDATE tenants SET parent_id = NULL WHERE id = $1", [unrelated]),
        lift: await attempt(c, "UPDATE tenants SET parent_id = $2 WHERE id = $1", [child, grandparent]),
      }));
      expect(outcomes).toEqual({ name: "42501", nameAndParent: "42501", elsewhere: "42501", unrelated: "updated 0", lift: "updated 1" });
    });

    it("still lifts the children of a removed workspace to its parent (the purge's path)", async () => {
      const grandparent = await insertTenant(null);
      const removed = await insertTenant(grandparent);
      const [a, b] = [await insertTenant(removed), await insertTenant(removed)];
      const grandchild = await insertTenant(a);
      created.push(grandchild, a, b, grandparent);
      const client = await owner().connect();
      let settingAfter: string;
      try {
        await client.query("BEGIN");
        await client.query("DELETE FROM tenants WHERE id = $1", [removed]);
        settingAfter = (await client.query("SELECT coalesce(current_setting('app.lift_children', true), '') AS v")).rows[0].v;
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      // The lift's setting is cleared once it is done.
      expect(settingAfter).toBe("");
      const { rows } = await owner().query<{ id: string; parent_id: string }>("SELECT id, parent_id FROM tenants WHERE id = ANY($1::uuid[]) ORDER BY id", [
        [a, b],
      ]);
      expect(rows.map((r) => r.parent_id)).toEqual([grandparent, grandparent]);
      expect(await closureOf([grandparent, a, b, grandchild])).toEqual(await oracleOf([grandparent, a, b, grandchild]));
    });
  });

  it("lifts the children of a purged workspace even when its parent's plan is at its child limit (a purge never fails on a limit)", async () => {
    const plan = `lift-${unique()}`;
    await owner().query("INSERT INTO plans (id, name, child_workspaces) VALUES ($1, 'One child', 1)", [plan]);
    const grandparent = await insertTenant(null);
    await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [grandparent, plan]);
    const sibling = await insertTenant(grandparent);
    const removed = await insertTenant(grandparent);
    const child = await insertTenant(removed);
    created.push(child, sibling, grandparent);
    await setTenantStatus(removed, "deleted");
    expect(await pgErrorCode(owner().query("DELETE FROM tenants WHERE id = $1", [removed]))).toBe("ok");
    const { rows } = await owner().query("SELECT parent_id FROM tenants WHERE id = $1", [child]);
    expect(rows[0].parent_id).toBe(grandparent);
  });

  describe("as the app role", () => {
    it("cannot be written, whoever the context is", async () => {
      const parent = await createTenantRow();
      const admin = await createUser();
      await addMember(parent.id, admin.id, "admin");
      for (const statement of [
        "INSERT INTO tenant_closure (ancestor_id, descendant_id, depth) VALUES ($1, gen_random_uuid(), 1)",
        "DELETE FROM tenant_closure WHERE ancestor_id = $1",
        "UPDATE tenant_closure SET depth = 3 WHERE ancestor_id = $1",
      ]) {
        expect(await asApp({ tenantId: parent.id, user: admin }, (c) => pgErrorCode(c.query(statement, [parent.id]))), statement).toBe("42501");
      }
    });

    it("shows a workspace's subtree to those who manage its children, and nothing to anyone else", async () => {
      const parent = await createTenantRow();
      const child = await insertTenant(parent.id);
      const grandchild = await insertTenant(child);
      const other = await insertTenant(null);
      created.push(grandchild, child, other);
      const [admin, member] = [await createUser(), await createUser()];
      await addMember(parent.id, admin.id, "admin");
      await addMember(parent.id, member.id, "member");
      const read = (user: typeof admin) =>
        asApp({ tenantId: parent.id, user }, async (c) => {
          const { rows } = await c.query<Row>("SELECT ancestor_id, descendant_id, depth FROM tenant_closure ORDER BY depth");
          const probe = await c.query<{ yes: boolean; no: boolean }>("SELECT app_is_descendant($1, $2) AS yes, app_is_descendant($1, $3) AS no", [
            parent.id,
            grandchild,
            other,
          ]);
          return { rows: rows.map((r) => [r.descendant_id, r.depth]), probe: probe.rows[0] };
        });
      expect(await read(admin)).toEqual({
        rows: [
          [parent.id, 0],
          [child, 1],
          [grandchild, 2],
        ],
        probe: { yes: true, no: false },
      });
      expect(await read(member)).toEqual({ rows: [], probe: { yes: false, no: false } });
      expect(await asApp({}, async (c) => (await c.query("SELECT * FROM tenant_closure")).rowCount)).toBe(0);
    });
  });
});
