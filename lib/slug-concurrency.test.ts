// Slug changes that meet other, uncommitted slug changes, against the real
// database, in explicit interleavings: a transaction is held open where the
// scenario needs it (a raw app-role transaction, or the lib's own transaction
// held at its audit row), and the next step starts only once Postgres shows
// the other change waiting for it. Whatever the order, no change ends in a
// deadlock: the first decides, the second sees its outcome and a slug still
// held is the form's "already taken".
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { renameWorkspace } from "@/lib/workspace-settings";
import { actorFor, asApp, auditRows, createWorkspace, owner, pgErrorCode, uniqueSlug } from "@/test/fixtures";

const takenMessage = (slug: string) => `The slug “${slug}” is already taken. Choose another.`;

async function slugOf(tenantId: string): Promise<string> {
  const { rows } = await owner().query<{ slug: string }>("SELECT slug FROM tenants WHERE id = $1", [tenantId]);
  return rows[0]!.slug;
}

async function backendPid(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  return rows[0]!.pid;
}

/** The backend pid of the session that waits for a lock `holderPid` holds, once one does. */
async function waiterOn(holderPid: number): Promise<number> {
  for (;;) {
    const { rows } = await owner().query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", [holderPid]);
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The lib's slug change, settled: "ok", or the DomainError's code, field and message (or "unexpected: …"). */
function settle(call: Promise<unknown>): Promise<{ code: string; field?: string; message?: string }> {
  return call.then(
    () => ({ code: "ok" }),
    (error: unknown) =>
      error instanceof DomainError ? { code: error.code, field: error.field, message: error.message } : { code: `unexpected: ${String(error)}` },
  );
}

/**
 * Holds every slug change of `tenantId` open at its audit row (after its
 * UPDATE, before its COMMIT) until `release` is called: a trigger of this
 * test's own waits for an advisory lock that a connection of its own holds.
 */
async function holdSlugChangesOf(tenantId: string) {
  const name = `hold_slug_${tenantId.replaceAll("-", "")}`;
  const key = Math.floor(Math.random() * 2 ** 31);
  const gate: pg.PoolClient = await owner().connect();
  await gate.query("SELECT pg_advisory_lock($1)", [key]);
  const gatePid = await backendPid(gate);
  await owner().query(`CREATE FUNCTION public.${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(${key}); RETURN NEW; END $$`);
  await owner().query(`CREATE TRIGGER ${name} BEFORE INSERT ON audit_log FOR EACH ROW
      WHEN (NEW.tenant_id = '${tenantId}' AND NEW.action = 'tenant.slug.change') EXECUTE FUNCTION public.${name}()`);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await gate.query("SELECT pg_advisory_unlock($1)", [key]);
    gate.release();
  };
  return {
    /** The pid of the held transaction, once it waits at its audit row. */
    held: () => waiterOn(gatePid),
    release,
    async drop() {
      await release();
      await owner().query(`DROP TRIGGER ${name} ON audit_log`);
      await owner().query(`DROP FUNCTION public.${name}()`);
    },
  };
}

describe("two workspaces swapping slugs at the same instant", () => {
  it("A's owner asks for b while B's uncommitted change has left b and then asks for a: no deadlock, both refused as taken", async () => {
    // The race of two single UPDATEs (A: a→b, B: b→a) in the order that
    // deadlocked: each row had left its slug before the other's unique check
    // ran. B's UPDATE is split in two statements here to hold it at that point.
    const [wsA, wsB] = await Promise.all([createWorkspace(), createWorkspace()]);
    const [a, b] = [wsA.tenant.slug, wsB.tenant.slug];
    const { second, renamed } = await asApp({ tenantId: wsB.tenant.id, user: wsB.owner }, async (client) => {
      const pid = await backendPid(client);
      expect((await client.query("UPDATE tenants SET slug = $1 WHERE id = $2", [uniqueSlug("parked"), wsB.tenant.id])).rowCount).toBe(1);
      // A's owner, through the settings page's lib call: it waits for B's transaction.
      const renamed = settle(renameWorkspace(actorFor(wsA.tenant, wsA.owner), { slug: b }));
      await waiterOn(pid);
      const second = await pgErrorCode(client.query("UPDATE tenants SET slug = $1 WHERE id = $2", [a, wsB.tenant.id]));
      return { second, renamed }; // asApp rolls B back
    });

    // a is still A's when B asks for it (A's change has not committed): a plain unique conflict.
    expect(second).toBe("23505");
    // b is still B's once B rolled back: the form's message, not "something went wrong".
    expect(await renamed).toEqual({ code: "slug_taken", field: "slug", message: takenMessage(b) });
    expect([await slugOf(wsA.tenant.id), await slugOf(wsB.tenant.id)]).toEqual([a, b]);
    expect(await auditRows(wsA.tenant.id, "tenant.slug.change")).toEqual([]);
  });

  it("ten pairs of owners swapping through the lib at once: every change refused as taken, none deadlocked", async () => {
    // A swap of two taken slugs is refused whichever goes first: the first
    // finds the other's slug still held, and so does the second after it.
    const pairs = await Promise.all(Array.from({ length: 10 }, () => Promise.all([createWorkspace(), createWorkspace()])));
    const outcomes = await Promise.all(
      pairs.flatMap(([wsA, wsB]) => [
        settle(renameWorkspace(actorFor(wsA.tenant, wsA.owner), { slug: wsB.tenant.slug })).then((o) => o.code),
        settle(renameWorkspace(actorFor(wsB.tenant, wsB.owner), { slug: wsA.tenant.slug })).then((o) => o.code),
      ]),
    );
    expect(outcomes).toEqual(Array(20).fill("slug_taken"));
    for (const [wsA, wsB] of pairs) {
      expect([await slugOf(wsA.tenant.id), await slugOf(wsB.tenant.id)]).toEqual([wsA.tenant.slug, wsB.tenant.slug]);
    }
  });
});

describe("a slug change meeting another workspace's uncommitted one, both through the lib", () => {
  it("both asking for the same new slug: the first commits it, the second waits and is told it is taken", async () => {
    const [wsA, wsB] = await Promise.all([createWorkspace(), createWorkspace()]);
    const wanted = uniqueSlug("wanted");
    const hold = await holdSlugChangesOf(wsA.tenant.id);
    try {
      const first = settle(renameWorkspace(actorFor(wsA.tenant, wsA.owner), { slug: wanted }));
      const firstPid = await hold.held();
      const second = settle(renameWorkspace(actorFor(wsB.tenant, wsB.owner), { slug: wanted }));
      await waiterOn(firstPid);
      await hold.release();
      expect(await first).toEqual({ code: "ok" });
      expect(await second).toEqual({ code: "slug_taken", field: "slug", message: takenMessage(wanted) });
    } finally {
      await hold.drop();
    }
    expect([await slugOf(wsA.tenant.id), await slugOf(wsB.tenant.id)]).toEqual([wanted, wsB.tenant.slug]);
    expect(await auditRows(wsA.tenant.id, "tenant.slug.change")).toHaveLength(1);
    expect(await auditRows(wsB.tenant.id, "tenant.slug.change")).toEqual([]);
  });

  it("asking for the slug the other is leaving: it waits, and gets it once the other commits", async () => {
    const [wsA, wsB] = await Promise.all([createWorkspace(), createWorkspace()]);
    const [b, elsewhere] = [wsB.tenant.slug, uniqueSlug("elsewhere")];
    const hold = await holdSlugChangesOf(wsB.tenant.id);
    try {
      const leaving = settle(renameWorkspace(actorFor(wsB.tenant, wsB.owner), { slug: elsewhere }));
      const leavingPid = await hold.held();
      const taking = settle(renameWorkspace(actorFor(wsA.tenant, wsA.owner), { slug: b }));
      await waiterOn(leavingPid);
      await hold.release();
      expect(await leaving).toEqual({ code: "ok" });
      expect(await taking).toEqual({ code: "ok" });
    } finally {
      await hold.drop();
    }
    expect([await slugOf(wsA.tenant.id), await slugOf(wsB.tenant.id)]).toEqual([b, elsewhere]);
  });
});

describe("a slug change waiting its turn", () => {
  it("holds no lock on its workspace's row meanwhile: a third transaction that needs that row is not caught in a deadlock", async () => {
    // W creates a workspace taking `wanted` and, in the same transaction, writes
    // something that points at P (as a sub-workspace of P does): it needs P's row
    // not locked for update. B's owner asks for `wanted` (its change has its turn,
    // and waits for W). P's owner changes P's slug: it waits for B's turn to end.
    // Had P's change locked P's row before waiting, W would wait for P, P for B
    // and B for W.
    const [wsP, wsB] = await Promise.all([createWorkspace(), createWorkspace()]);
    const wanted = uniqueSlug("wanted");
    const w: pg.PoolClient = await owner().connect();
    let outcomes: { w: string; b: string; p: Awaited<ReturnType<typeof settle>> };
    try {
      await w.query("BEGIN");
      const wPid = await backendPid(w);
      await w.query("INSERT INTO tenants (name, slug) VALUES ($1, $1)", [wanted]);
      const b = asApp({ tenantId: wsB.tenant.id, user: wsB.owner }, (client) =>
        pgErrorCode(client.query("UPDATE tenants SET slug = $1 WHERE id = $2", [wanted, wsB.tenant.id])),
      );
      const bPid = await waiterOn(wPid);
      const p = settle(renameWorkspace(actorFor(wsP.tenant, wsP.owner), { slug: uniqueSlug("moved") }));
      await waiterOn(bPid);
      const wWrites = await pgErrorCode(w.query("INSERT INTO audit_log (tenant_id, action) VALUES ($1, 'test.points_at_p')", [wsP.tenant.id]));
      await w.query(wWrites === "ok" ? "COMMIT" : "ROLLBACK");
      outcomes = { w: wWrites, b: await b, p: await p };
    } finally {
      w.release();
    }
    expect(outcomes).toEqual({ w: "ok", b: "23505", p: { code: "ok" } });
  });
});
