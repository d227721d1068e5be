import { beforeAll, describe, expect, it } from "vitest";
import { AUDIT_PAGE_SETTINGS, auditPageRead, decodeCursor, encodeCursor, listAuditEvents, parseAuditFilters, type AuditFilters } from "@/lib/audit";
import type { AuditCursor } from "@/lib/audit/cursor";
import { sql } from "@/lib/db";
import { auditPageQuery, auditPlan, rarestSearchWord, RARE_WORD_EVENTS, type AuditPlan } from "@/lib/audit/query";
import { advanceTransfer } from "@/lib/jobs/transfer";
import { withTenant, type TenantActor } from "@/lib/tenancy";
import { resolveWithData } from "@/lib/tenancy/resolve";
import { actorFor, addMember, createTenantRow, createUser, credentialOf, owner, type TestTenant, type TestUser } from "@/test/fixtures";

// A small, fully known log: 120 events over 6 days in tenant A, by two
// actors, over several actions and targets; tenant B has events too.
let tenant: TestTenant;
let other: TestTenant;
let auditor: TestUser;
let alice: TestUser;
let bob: TestUser;
interface Seeded {
  id: string;
  created_at: Date;
  action: string;
  actor_email: string;
  target_id: string | null;
  email: string | null;
  note: string;
}
let seeded: Seeded[];

const ACTIONS = ["member.invite", "member.remove", "member.role.change", "tenant.switch"] as const;

beforeAll(async () => {
  [tenant, other] = await Promise.all([createTenantRow(), createTenantRow()]);
  [auditor, alice, bob] = await Promise.all([createUser({ name: "Audrey" }), createUser({ name: "Alice" }), createUser({ name: "Bob" })]);
  await addMember(tenant.id, auditor.id, "auditor");
  await addMember(tenant.id, alice.id, "owner");
  await addMember(tenant.id, bob.id, "admin");
  const { rows } = await owner().query<Seeded>(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, created_at)
     SELECT $1, CASE WHEN g % 3 = 0 THEN $2::uuid ELSE $3::uuid END,
            CASE WHEN g % 3 = 0 THEN $4 ELSE $5 END,
            ($6::text[])[1 + g % 4], 'user', 'target-' || (g % 10),
            jsonb_build_object('email', 'person' || (g % 7) || '@example.test', 'note', 'row ' || g),
            '198.51.100.' || g,
            timestamptz '2026-11-10 00:00:00+00' + (g * interval '71 minutes')
       FROM generate_series(1, 120) g
     RETURNING id::text, created_at, action, actor_email, target_id, metadata->>'email' AS email, metadata->>'note' AS note`,
    [tenant.id, alice.id, bob.id, alice.email, bob.email, ACTIONS],
  );
  seeded = rows.sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || Number(b.id) - Number(a.id));
  await owner().query(
    "INSERT INTO audit_log (tenant_id, actor_email, action, created_at) SELECT $1, 'x@other.test', 'member.invite', now() FROM generate_series(1, 30)",
    [other.id],
  );
});

const scope = () => actorFor(tenant, auditor);

/** A page as the audit page reads it: in the reader's tenant transaction, with the page's planner settings. */
async function listAs(actor: TenantActor, f: AuditFilters, position: { after?: AuditCursor; before?: AuditCursor } = {}, pageSize?: number) {
  return withTenant(actor, async (tx) => {
    for (const [name, value] of Object.entries(AUDIT_PAGE_SETTINGS)) await tx.one(sql`SELECT set_config(${name}, ${value}, true)`);
    return listAuditEvents(tx, actor, f, position, pageSize);
  });
}

function filters(query: string): AuditFilters {
  const parsed = parseAuditFilters(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.filters;
}

/** Follows "older" cursors to the end and returns every id seen, in order. */
async function walk(f: AuditFilters, pageSize: number): Promise<string[]> {
  const ids: string[] = [];
  let page = await listAs(scope(), f, {}, pageSize);
  ids.push(...page.events.map((e) => e.id));
  while (page.older) {
    page = await listAs(scope(), f, { after: page.older }, pageSize);
    ids.push(...page.events.map((e) => e.id));
  }
  return ids;
}

const expected = (keep: (row: Seeded) => boolean) => seeded.filter(keep).map((r) => r.id);

describe("audit filters, alone and combined, page by page", () => {
  it.each<[string, string, (r: Seeded) => boolean, "" | "actor" | "bob"]>([
    ["no filter", "", () => true, ""],
    ["one action", "action=member.remove", (r: Seeded) => r.action === "member.remove", ""],
    ["two actions", "action=member.remove&action=tenant.switch", (r: Seeded) => ["member.remove", "tenant.switch"].includes(r.action), ""],
    ["an actor", "", (r: Seeded) => r.actor_email === alice.email, "actor"],
    ["an actor and an action", "action=member.invite", (r: Seeded) => r.actor_email === bob.email && r.action === "member.invite", "bob"],
    ["a target id", "target=target-3", (r: Seeded) => r.target_id === "target-3", ""],
    ["a target email", "target=PERSON2@example.test", (r: Seeded) => r.email === "person2@example.test", ""],
    ["a date range (UTC days, inclusive)", "from=2026-11-11&to=2026-11-12", (r: Seeded) => r.created_at >= new Date("2026-11-11T00:00:00Z") && r.created_at < new Date("2026-11-13T00:00:00Z"), ""],
    ["a date range in the viewer's time zone", "from=2026-11-11&to=2026-11-11&tz=America/New_York", (r: Seeded) => r.created_at >= new Date("2026-11-11T05:00:00Z") && r.created_at < new Date("2026-11-12T05:00:00Z"), ""],
    ["a search word, case-insensitive", "q=PERSON3", (r: Seeded) => r.email === "person3@example.test", ""],
    ["a search of several words: every one must be there", "q=row, 12", (r: Seeded) => r.note === "row 12", ""],
    ["a search word matches whole words, not a part", "q=perso", () => false, ""],
    ["a search for an address: its words", "q=person5@EXAMPLE.test", (r: Seeded) => r.email === "person5@example.test", ""],
    ["a search with punctuation, never a wildcard", "q=pers%25", () => false, ""],
    ["a search and a date range", "q=person1&from=2026-11-12&to=2026-11-13", (r: Seeded) => r.email === "person1@example.test" && r.created_at >= new Date("2026-11-12T00:00:00Z") && r.created_at < new Date("2026-11-14T00:00:00Z"), ""],
    ["a search and an actor", "q=person4", (r: Seeded) => r.email === "person4@example.test" && r.actor_email === bob.email, "bob"],
    ["everything at once", "action=member.invite&action=member.role.change&from=2026-11-10&to=2026-11-13&q=person2", (r: Seeded) => ["member.invite", "member.role.change"].includes(r.action) && r.created_at < new Date("2026-11-14T00:00:00Z") && r.actor_email === alice.email && r.email === "person2@example.test", "actor"],
  ])("%s", async (_name, query, keep, actor) => {
    const actorQuery = actor === "actor" ? `actor=${encodeURIComponent(alice.email.toUpperCase())}` : actor === "bob" ? `actor=${encodeURIComponent(bob.email)}` : "";
    const f = filters([query, actorQuery].filter(Boolean).join("&"));
    const want = expected(keep);
    expect(await walk(f, 7)).toEqual(want);
  });

  it.each([
    ["a common word and two actions", "action=member.invite&action=tenant.switch&q=example"],
    ["a word, an actor and a date range", "q=person6&from=2026-11-11&to=2026-11-14"],
    ["two words and an action", "action=member.remove&q=person0 example"],
  ])("reads the same pages walking the search word as walking the other indexes: %s", async (_name, query) => {
    const f = filters(`${query}&actor=${encodeURIComponent(alice.email)}`);
    const rarest = await withTenant(scope(), (tx) => rarestSearchWord(tx, tenant.id, f));
    expect(rarest).not.toBeNull();
    const pages = async (plan: AuditPlan) => {
      const ids: string[] = [];
      let cursor: AuditCursor | null = null;
      for (;;) {
        const rows = await withTenant(scope(), (tx) => tx.query<{ id: string; created_at: Date }>(auditPageQuery(tenant.id, f, cursor, "older", 4, plan)));
        ids.push(...rows.map((r) => String(r.id)));
        if (rows.length < 4) return ids;
        const last = rows.at(-1)!;
        cursor = { createdAt: last.created_at, id: String(last.id) };
      }
    };
    const byWord = await pages({ searchWord: rarest!.term });
    const byIndexes = await pages({ searchWord: null });
    expect(byWord.length).toBeGreaterThan(0);
    expect(byWord).toEqual(byIndexes);
  });

  it("walks the rarest word when it is rare, the action indexes when every word is common", async () => {
    const f = filters("action=member.invite&q=example person2");
    expect(auditPlan(f, { term: "person2", events: 17 })).toEqual({ searchWord: "person2" });
    expect(auditPlan(f, { term: "example", events: RARE_WORD_EVENTS + 1 })).toEqual({ searchWord: null });
    expect(auditPlan(filters("q=example"), { term: "example", events: RARE_WORD_EVENTS + 1 })).toEqual({ searchWord: "example" });
    expect(auditPlan(filters("q=example&target=target-1"), { term: "example", events: 3 })).toEqual({ searchWord: null });
    const rarest = await withTenant(scope(), (tx) => rarestSearchWord(tx, tenant.id, filters("q=example person2 row")));
    expect(rarest).toEqual({ term: "person2", events: seeded.filter((r) => r.email === "person2@example.test").length });
  });

  it("says so when nothing matches", async () => {
    const page = await listAs(scope(), filters("target=no-such-target"), {});
    expect(page).toEqual({ events: [], newer: null, older: null });
  });

  it("returns readable rows: actor name and email, metadata, ip", async () => {
    const page = await listAs(scope(), filters(""), {}, 1);
    const newest = seeded[0]!;
    expect(page.events[0]).toMatchObject({
      id: newest.id,
      actorEmail: newest.actor_email,
      actorName: newest.actor_email === alice.email ? "Alice" : "Bob",
      action: newest.action,
      metadata: { email: newest.email, note: "row 120" },
      ip: "198.51.100.120",
    });
  });
});

describe("keyset pagination", () => {
  it("walks back with 'newer' cursors to exactly the pages it walked forward", async () => {
    const f = filters("");
    const forward: string[][] = [];
    let page = await listAs(scope(), f, {}, 25);
    forward.push(page.events.map((e) => e.id));
    while (page.older) {
      page = await listAs(scope(), f, { after: page.older }, 25);
      forward.push(page.events.map((e) => e.id));
    }
    expect(forward.flat()).toEqual(seeded.map((r) => r.id));
    const backward: string[][] = [forward.at(-1)!];
    while (page.newer) {
      page = await listAs(scope(), f, { before: page.newer }, 25);
      backward.unshift(page.events.map((e) => e.id));
    }
    expect(backward).toEqual(forward);
    expect(page.newer).toBeNull();
  });

  it("neither skips nor repeats rows when events arrive between pages", async () => {
    const f = filters("action=member.role.change");
    const seen: string[] = [];
    let page = await listAs(scope(), f, {}, 6);
    seen.push(...page.events.map((e) => e.id));
    let arrivals = 0;
    while (page.older) {
      // New events land while someone is reading: newer than everything, and
      // one with a timestamp in the middle of what is still to come.
      await owner().query(
        `INSERT INTO audit_log (tenant_id, actor_email, action, created_at) VALUES ($1, 'late@example.test', 'member.role.change', now())`,
        [tenant.id],
      );
      arrivals++;
      page = await listAs(scope(), f, { after: page.older }, 6);
      seen.push(...page.events.map((e) => e.id));
    }
    expect(arrivals).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected((r) => r.action === "member.role.change"));
  });

  it("refuses a cursor that was tampered with", () => {
    const cursor = encodeCursor({ createdAt: new Date("2026-11-11T00:00:00Z"), id: "42" });
    expect(decodeCursor(cursor)).toEqual({ createdAt: new Date("2026-11-11T00:00:00Z"), id: "42" });
    const [payload, signature] = cursor.split(".");
    const forged = Buffer.from("2030-01-01T00:00:00.000Z|1").toString("base64url");
    for (const bad of [`${forged}.${signature}`, `${payload}.${signature!.slice(0, -2)}AA`, "garbage", "", `${payload}`, "a.b.c", "x".repeat(5000)]) {
      expect(() => decodeCursor(bad), bad.slice(0, 30)).toThrow("This page link is not valid any more");
    }
  });
});

describe("who may read", () => {
  it("shows an owner, admin and auditor the log, and a plain member nothing (RLS)", async () => {
    const member = await createUser();
    await addMember(tenant.id, member.id, "member");
    for (const user of [alice, bob, auditor]) {
      const page = await listAs(actorFor(tenant, user), filters(""), {}, 5);
      expect(page.events).toHaveLength(5);
    }
    const page = await listAs(actorFor(tenant, member), filters(""), {}, 5);
    expect(page.events).toEqual([]);
  });

  it("never shows another tenant's events: the database refuses to enter a tenant for a non-member", async () => {
    await expect(listAs({ ...actorFor(tenant, auditor), tenantId: other.id }, filters(""), {}, 50)).rejects.toMatchObject({
      code: "not_member",
    });
    const ids = await walk(filters("action=member.invite"), 50);
    expect(ids.every((id) => seeded.some((r) => r.id === id))).toBe(true);
  });
});

describe("a search's page in one statement (the plan \"rarest\")", () => {
  /** A page the way it was read before: the rarest word asked for first, then the page by auditPlan's choice (two statements). */
  async function twoStatements(f: AuditFilters, position: { after?: AuditCursor } = {}) {
    return withTenant(scope(), async (tx) => {
      for (const [name, value] of Object.entries(AUDIT_PAGE_SETTINGS)) await tx.one(sql`SELECT set_config(${name}, ${value}, true)`);
      const plan = auditPlan(f, await rarestSearchWord(tx, tenant.id, f));
      const rows = await tx.query<{ id: string; created_at: Date }>(auditPageQuery(tenant.id, f, position.after ?? null, "older", 8, plan));
      return { plan, ids: rows.slice(0, 7).map((r) => String(r.id)), last: rows[6] };
    });
  }

  it.each([
    ["a rare word", "q=person3"],
    ["two words", "q=row 12"],
    ["a common word and two actions (the action indexes)", "action=member.invite&action=tenant.switch&q=example"],
    ["a rare word and an action (the word)", "action=member.invite&q=example person2"],
    ["a word and an actor", `q=person4&actor=${encodeURIComponent("x")}`],
    ["a word and a target (the target's index)", "q=example&target=target-3"],
    ["a word that is nowhere", "q=nowhere"],
  ])("reads what the two statements read, page after page: %s", async (_name, query) => {
    const f = filters(query.replace("actor=x", `actor=${encodeURIComponent(bob.email)}`));
    let position: { after?: AuditCursor } = {};
    for (let pages = 0; pages < 20; pages++) {
      const before = await twoStatements(f, position);
      const now = await listAs(scope(), f, position, 7);
      expect({ query, ids: now.events.map((e) => e.id) }).toEqual({ query, ids: before.ids });
      if (!now.older) break;
      position = { after: now.older };
    }
  });

  it("runs only the walk auditPlan's rule chooses: the rarest word's entries, or the other indexes", async () => {
    const plan = async (query: string) =>
      withTenant(scope(), async (tx) => {
        const statement = auditPageQuery(tenant.id, filters(query), null, "older", 8, { searchWord: "rarest" });
        const rows = await tx.query<{ "QUERY PLAN": string }>(sql`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${statement}`);
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
    // Each walk sits under a Result whose one-time condition reads the rarest word's CTE (an
    // InitPlan over "CTE Scan on rarest", between the condition and the walk), the word's walk
    // first: the node under it ran, or is "never executed".
    const walked = (text: string) => {
      const lines = text.split("\n");
      const indent = (line: string) => line.search(/\S/);
      const walks = lines.flatMap((line, at) => {
        if (!/One-Time Filter: /.test(line)) return [];
        const child = lines.findIndex((l, i) => i > at && indent(l) === indent(line) && l.trim().startsWith("->"));
        const gate = lines.slice(at + 1, child);
        return child > at && gate.some((l) => /CTE Scan on rarest/.test(l)) ? [!/never executed/.test(lines[child]!)] : [];
      });
      expect(walks).toHaveLength(2);
      return { word: walks[0], indexes: walks[1] };
    };
    // A word alone: its entries. A rare word beside an action: its entries. A common one (more
    // than RARE_WORD_EVENTS events) beside two actions: the actions' indexes.
    expect(walked(await plan("q=person2"))).toEqual({ word: true, indexes: false });
    expect(walked(await plan("action=member.invite&q=example person2"))).toEqual({ word: true, indexes: false });
    // "example" is in every event here (120, fewer than RARE_WORD_EVENTS): beside an action it is still walked.
    expect(walked(await plan("action=member.invite&q=example"))).toEqual({ word: true, indexes: false });
    // A workspace where it is common: the action's index instead.
    const busy = await createTenantRow();
    const reader = await createUser();
    await addMember(busy.id, reader.id, "auditor");
    await owner().query(
      `INSERT INTO audit_log (tenant_id, actor_email, action, metadata, created_at)
       SELECT $1, 'someone@example.test', 'member.invite', jsonb_build_object('note', 'common ' || g), now() - g * interval '1 minute'
         FROM generate_series(1, ${RARE_WORD_EVENTS + 20}) g`,
      [busy.id],
    );
    const inBusy = await withTenant(actorFor(busy, reader), async (tx) => {
      const statement = auditPageQuery(busy.id, filters("action=member.invite&q=common"), null, "older", 8, { searchWord: "rarest" });
      const rows = await tx.query<{ "QUERY PLAN": string }>(sql`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${statement}`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(walked(inBusy)).toEqual({ word: false, indexes: true });
  });
});

describe("the audit page's read sent with its entry (auditPageRead)", () => {
  const request = { ip: null, userAgent: null };
  const sentWithEntry = async (user: TestUser, f: AuditFilters, position: { after?: AuditCursor; before?: AuditCursor } = {}) => {
    const { resolution, data } = await resolveWithData(credentialOf(user), tenant.id, request, auditPageRead(f, position), { settings: AUDIT_PAGE_SETTINGS });
    expect(resolution).toMatchObject({ kind: "tenant", tenantId: tenant.id });
    return data!;
  };
  const ids = (page: { events: { id: string }[] }) => page.events.map((e) => e.id);

  it("is the page listAuditEvents reads, under each filter and cursor", async () => {
    for (const query of ["", "action=member.invite", `actor=${encodeURIComponent(alice.email)}`, "target=target-3", "from=2026-11-12&to=2026-11-14&tz=UTC"]) {
      const f = filters(query);
      const newest = await listAs(scope(), f);
      const sent = await sentWithEntry(auditor, f);
      expect([query, ids(sent), sent.newer, sent.older]).toEqual([query, ids(newest), newest.newer, newest.older]);
      if (!newest.older) continue;
      const older = await sentWithEntry(auditor, f, { after: newest.older });
      expect(ids(older)).toEqual(ids(await listAs(scope(), f, { after: newest.older })));
      expect(ids(await sentWithEntry(auditor, f, { before: older.newer! }))).toEqual(ids(newest));
    }
  });

  it("reads nothing of the log for a role without audit.read", async () => {
    const member = await createUser();
    await addMember(tenant.id, member.id, "member");
    expect(await sentWithEntry(member, filters(""))).toEqual({ events: [], newer: null, older: null });
  });

  it("sends a search with the entry too: its page in the same round trip", async () => {
    for (const query of ["q=person2", "q=row 12", "action=member.invite&q=example"]) {
      const f = filters(query);
      expect([query, ids(await sentWithEntry(auditor, f))]).toEqual([query, ids(await listAs(scope(), f))]);
    }
  });
});

describe("the events no person did (the audit page's \"system\")", () => {
  it("finds the ownership transfer's timed steps with the actor filter's word 'system', and only them", async () => {
    const t = await createTenantRow();
    const [ownerUser, newOwner, reader] = await Promise.all([createUser(), createUser(), createUser()]);
    await addMember(t.id, ownerUser.id, "owner");
    await addMember(t.id, newOwner.id, "member");
    await addMember(t.id, reader.id, "auditor");
    const { rows } = await owner().query<{ id: string }>(
      `INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, status, due_at) VALUES ($1, $2, $3, 'pending_confirmation', now() - interval '1 minute') RETURNING id`,
      [t.id, ownerUser.id, newOwner.id],
    );
    await owner().query("INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id) VALUES ($1, $2, $3, 'ownership.transfer.start', 'ownership_transfer', $4)", [
      t.id,
      ownerUser.id,
      ownerUser.email,
      rows[0]!.id,
    ]);
    // The schedule expires it: its audit row has no actor, shown as "system".
    expect(await advanceTransfer(owner(), rows[0]!.id, new Date())).toBe("expired");
    const read = (query: string) => listAs(actorFor(t, reader), filters(query), {}, 10).then((p) => p.events.map((e) => [e.action, e.actorEmail]));
    expect(await read("actor=system")).toEqual([["ownership.transfer.expire", null]]);
    expect(await read("actor=System&action=ownership.transfer.expire")).toEqual([["ownership.transfer.expire", null]]);
    expect(await read("actor=system&action=ownership.transfer.start")).toEqual([]);
    expect(await read(`actor=${encodeURIComponent(ownerUser.email)}`)).toEqual([["ownership.transfer.start", ownerUser.email]]);
  });
});
