import { parse as parseCsv } from "csv-parse/sync";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AUDIT_PAGE_SETTINGS,
  EXPORT_COLUMNS,
  EXPORT_IDLE_TIMEOUT_MS,
  EXPORT_LIMITS,
  ExportBusyError,
  exportAuditEvents,
  exportFileName,
  listAuditEvents,
  parseAuditFilters,
  type AuditCursor,
  type AuditFilters,
} from "@/lib/audit";
import { sql } from "@/lib/db";
import { withTenant, type TenantActor } from "@/lib/tenancy";
import { leaveTenant, removeMember } from "@/lib/members";
import {
  actorFor,
  addMember,
  asApp,
  auditRows,
  createTenantRow,
  createUser,
  createWorkspace,
  insertAuditRow,
  owner,
  pgErrorCode,
  type TestTenant,
  type TestUser,
} from "@/test/fixtures";
import { auditExportQuery, exportPlannerSettings } from "@/lib/audit/export";
import { exportSlotName } from "@/lib/audit/export-audit";
import { inlineParameters } from "@/lib/audit/copy-text";

// Values that break naive CSV and JSON writers.
const HOSTILE = [
  'comma, inside',
  'a "quoted" word',
  "line one\nline two\r\nline three",
  "non-ASCII: Zoë, 東京, Ωmega, 🚀",
  '"starts with a quote',
  "trailing backslash \\",
  "  spaces around  ",
  "=cmd|' /C calc'!A0",
  "tab\tand controls \b\f\v\u0001",
  "backslash-N \\N and \\",
  '=HYPERLINK("http://evil.test","x")',
  "@SUM(1+1)",
  "-2+3",
  "'quoted by a spreadsheet",
];

/** A CSV value with the export's formula escape undone (a ' in front of values beginning with =, +, -, @, tab, CR or '). */
const unescapeCsv = (value: string) => (value.startsWith("'") ? value.slice(1) : value);

let tenant: TestTenant;
let auditor: TestUser;
let member: TestUser;
let admin: TestUser;

/** The tenant's rows as they are now (each export adds its own audit row). */
async function currentRows(): Promise<Array<Record<string, unknown>>> {
  const { rows } = await owner().query(
    `SELECT l.id::text AS id, l.created_at, l.actor_user_id::text AS actor_user_id, l.actor_email, l.actor_name,
            l.action, l.target_type, l.target_id, l.metadata, l.ip, l.user_agent
       FROM audit_log l
      WHERE l.tenant_id = $1 ORDER BY l.created_at DESC, l.id DESC`,
    [tenant.id],
  );
  return rows;
}

beforeAll(async () => {
  tenant = await createTenantRow({ slug: `export-${Date.now().toString(36)}` });
  auditor = await createUser({ name: "Åsa Auditor, \"QA\"" });
  member = await createUser();
  admin = await createUser({ name: "Adam Admin" });
  await addMember(tenant.id, auditor.id, "auditor");
  await addMember(tenant.id, member.id, "member");
  await addMember(tenant.id, admin.id, "admin");
  // Enough rows (about 4 MB) to span several batches.
  await owner().query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent, created_at)
     SELECT $1, $2, $3, CASE WHEN g % 5 = 0 THEN 'member.remove' ELSE 'tenant.switch' END, 'user', 'plain-' || g,
            jsonb_build_object('email', 'p' || g || '@example.test', 'role', 'member'), '203.0.113.1', 'bench agent',
            timestamptz '2026-10-01 00:00:00+00' + g * interval '1 minute'
       FROM generate_series(1, 12000) g`,
    [tenant.id, auditor.id, auditor.email],
  );
  for (const [i, value] of HOSTILE.entries()) {
    await owner().query(
      `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent, created_at)
       VALUES ($1, $2, $3, 'member.invite', 'invitation', $4, $5, '2001:db8::1', $4, timestamptz '2026-11-01 12:00:00+00' + $6 * interval '1 second')`,
      [tenant.id, auditor.id, auditor.email, value, JSON.stringify({ email: `x${i}@example.test`, role: "member", note: value, email_dispatched: i % 2 === 0 }), i],
    );
  }
});

const actor = (user: TestUser, workspace: TestTenant = tenant) => ({
  ...actorFor(workspace, user),
  request: { ip: "198.51.100.9", userAgent: "vitest" },
});

/** A page as the audit page reads it: in the reader's tenant transaction, with the page's planner settings. */
const pageAs = (reader: TenantActor, f: AuditFilters, after?: AuditCursor) =>
  withTenant(reader, async (tx) => {
    for (const [name, value] of Object.entries(AUDIT_PAGE_SETTINGS)) await tx.one(sql`SELECT set_config(${name}, ${value}, true)`);
    return listAuditEvents(tx, reader, f, { after }, 100);
  });

function filters(query = ""): AuditFilters {
  const parsed = parseAuditFilters(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.filters;
}

async function read(stream: ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>): Promise<string> {
  return new Response(await stream).text();
}

/** The reason an export was refused (it rejects before any stream exists). */
async function refusal(exporting: Promise<unknown>): Promise<Error> {
  const outcome = await exporting.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error("The export was not refused.");
  return outcome;
}

/** The newest audit.export row of `user` in the workspace, and the audit.export.finish rows that name it. */
async function lastExport(user: TestUser, workspace: TestTenant = tenant) {
  const { rows: starts } = await owner().query(
    "SELECT * FROM audit_log WHERE tenant_id = $1 AND actor_user_id = $2 AND action = 'audit.export' ORDER BY id DESC LIMIT 1",
    [workspace.id, user.id],
  );
  const start = starts[0];
  if (!start) return { start: null, ends: [] };
  const { rows: ends } = await owner().query("SELECT * FROM audit_log WHERE action = 'audit.export.finish' AND target_id = $1 ORDER BY id", [start.id]);
  return { start, ends };
}

const auditRowCount = async (workspace: TestTenant = tenant) => (await auditRows(workspace.id)).length;
const headerOnly = [[...EXPORT_COLUMNS]];

describe("CSV export", () => {
  it("round-trips every value exactly (written by papaparse, read back by csv-parse), newest first", async () => {
    const expectedRows = await currentRows();
    const csv = await read(exportAuditEvents(actor(auditor), filters(), "csv"));
    const [header, ...written] = parseCsv(csv, { relax_column_count: false }) as string[][];
    expect(header).toEqual([...EXPORT_COLUMNS]);
    const records = written.map((r) => r.map(unescapeCsv));
    expect(records).toHaveLength(expectedRows.length);
    records.forEach((record, i) => {
      const row = expectedRows[i]!;
      const byName = Object.fromEntries(EXPORT_COLUMNS.map((c, j) => [c, record[j]]));
      expect(byName).toEqual({
        id: row.id,
        time: (row.created_at as Date).toISOString(),
        actor_user_id: row.actor_user_id,
        actor_email: row.actor_email,
        actor_name: row.actor_name,
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        metadata: expect.any(String),
        ip: row.ip,
        user_agent: row.user_agent,
      });
      expect(JSON.parse(byName.metadata!)).toEqual(row.metadata);
    });
    const hostile = records.filter((r) => r[5] === "member.invite").map((r) => r[7]);
    expect(hostile.sort()).toEqual([...HOSTILE].sort());
    // As written, no value a spreadsheet would run is left as it was.
    const userAgents = written.filter((r) => r[5] === "member.invite").map((r) => r[EXPORT_COLUMNS.indexOf("user_agent")]);
    expect(userAgents).toContain(`'=HYPERLINK("http://evil.test","x")`);
    expect(userAgents.filter((ua) => /^[=+\-@\t\r]/.test(ua!))).toEqual([]);
  });

  it.each([
    ["actions and a date range", "action=member.remove&from=2026-10-02&to=2026-10-03", 100],
    ["a search and a date range", "q=example&from=2026-10-02&to=2026-10-03", 100],
    ["a search alone, two words", "q=member+p77%40example.test", 0],
    ["a search for an address", "q=x3%40example.test", 0],
  ])("exports exactly the filtered set, the same rows the page shows: %s", async (_, query, atLeast) => {
    const f = filters(query);
    // The page first, then the export: it records itself (audit.export, with
    // the search in its metadata) but never exports its own record.
    const shown: string[] = [];
    let page = await pageAs(actor(auditor), f);
    shown.push(...page.events.map((e) => e.id));
    while (page.older) {
      page = await pageAs(actor(auditor), f, page.older);
      shown.push(...page.events.map((e) => e.id));
    }
    const csv = await read(exportAuditEvents(actor(auditor), f, "csv"));
    const ids = (parseCsv(csv) as string[][]).slice(1).map((r) => r[0]);
    expect(ids.length).toBeGreaterThan(atLeast);
    expect(ids).toEqual(shown);
  });

  it("writes only the header when nothing matches", async () => {
    const csv = await read(exportAuditEvents(actor(auditor), filters("target=nothing-here"), "csv"));
    expect(parseCsv(csv)).toEqual([[...EXPORT_COLUMNS]]);
  });
});

describe("JSON Lines export", () => {
  it("round-trips every value exactly, one object per line", async () => {
    const expectedRows = await currentRows();
    const text = await read(exportAuditEvents(actor(auditor), filters(), "jsonl"));
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines).toHaveLength(expectedRows.length);
    lines.forEach((line, i) => {
      const row = expectedRows[i]!;
      expect(line).toEqual({
        id: row.id,
        time: (row.created_at as Date).toISOString(),
        actor_user_id: row.actor_user_id,
        actor_email: row.actor_email,
        actor_name: row.actor_name,
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        metadata: row.metadata,
        ip: row.ip,
        user_agent: row.user_agent,
      });
    });
  });
});

describe("the export is audited", () => {
  it("commits audit.export, with its format and filters, before the first byte, and audit.export.finish when read to the end", async () => {
    const before = await lastExport(auditor);
    const stream = await exportAuditEvents(actor(auditor), filters("action=member.invite&q=example"), "jsonl");
    // Nothing read yet (the route has not even sent its headers): the start is committed, its end is not.
    const { start, ends } = await lastExport(auditor);
    expect(start.id).not.toBe(before.start?.id);
    expect(start).toMatchObject({
      actor_email: auditor.email,
      ip: "198.51.100.9",
      user_agent: "vitest",
      target_type: "audit_log",
      target_id: tenant.id,
      metadata: { format: "jsonl", filters: { actions: ["member.invite"], q: "example" } },
    });
    expect(ends).toEqual([]);

    expect((await read(stream)).trimEnd().split("\n")).toHaveLength(HOSTILE.length);
    const after = await lastExport(auditor);
    expect(after.start.id).toBe(start.id);
    expect(after.ends).toHaveLength(1);
    expect(after.ends[0]).toMatchObject({
      actor_user_id: auditor.id,
      actor_email: auditor.email,
      ip: "198.51.100.9",
      target_type: "audit_event",
      target_id: start.id,
      metadata: { format: "jsonl", rows: HOSTILE.length, complete: true, reason: "finished" },
    });
  });

  it("records a cancelled download as incomplete, with the rows handed to it", async () => {
    const reader = (await exportAuditEvents(actor(auditor), filters(), "csv")).getReader();
    const first = await reader.read();
    await reader.cancel();
    const received = (parseCsv(Buffer.from(first.value!).toString("utf8")) as string[][]).length - 1;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(12_000);
    const { ends } = await lastExport(auditor);
    expect(ends).toHaveLength(1);
    expect(ends[0].metadata).toEqual({ format: "csv", rows: received, complete: false, reason: "cancelled" });
  });

  it("exports the events committed before it started: not its own audit.export row, nor events written while it runs", async () => {
    const committed = (await currentRows()).map((r) => r.id);
    const stream = await exportAuditEvents(actor(auditor), filters(), "jsonl");
    const { start } = await lastExport(auditor);
    await insertAuditRow(tenant.id, null, "member.remove");
    const exported = (await read(stream))
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(exported).toEqual(committed);
    expect(exported).not.toContain(start.id);
  });

  it.each([
    ["leaves the workspace, then reads to the end", "leave", "finished"],
    ["is removed from the workspace, then cancels", "removed", "cancelled"],
  ] as const)("still records the start and the end of an export whose auditor %s", async (_, how, reason) => {
    const leaver = await createUser({ name: "Lee Leaver" });
    await addMember(tenant.id, leaver.id, "auditor");
    const total = (await currentRows()).length;
    const reader = (await exportAuditEvents(actor(leaver), filters(), "csv")).getReader();
    try {
      const chunks = [Buffer.from((await reader.read()).value!)];

      if (how === "leave") await leaveTenant(actor(leaver));
      else await removeMember(actor(admin), leaver.id);
      // They are gone: no transaction enters the workspace as them any more.
      await expect(pageAs(actor(leaver), filters())).rejects.toMatchObject({ code: "not_member" });

      if (reason === "finished") {
        for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(Buffer.from(next.value));
        // The download is the snapshot it began with, to the end.
        expect((parseCsv(Buffer.concat(chunks).toString("utf8")) as string[][]).length - 1).toBe(total);
      }
    } finally {
      await reader.cancel();
    }

    const { start, ends } = await lastExport(leaver);
    expect(start).toMatchObject({ actor_user_id: leaver.id, metadata: { format: "csv", filters: {} } });
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({
      actor_user_id: leaver.id,
      actor_email: leaver.email,
      target_id: start.id,
      metadata: { format: "csv", complete: reason === "finished", reason },
    });
    if (reason === "finished") expect(ends[0].metadata.rows).toBe(total);
    // The leave or removal itself is in the log too, after the export's start.
    const membership = await auditRows(tenant.id, how === "leave" ? "member.leave" : "member.remove");
    expect(membership.filter((r) => r.target_id === leaver.id && BigInt(r.id) > BigInt(start.id))).toHaveLength(1);
  });

  it("lets an export's end be recorded once, and only in its writer's own name", async () => {
    await read(exportAuditEvents(actor(auditor), filters("target=nothing-here"), "csv"));
    const { start, ends } = await lastExport(auditor);
    expect(ends).toHaveLength(1);
    const insertEnd = (client: pg.ClientBase | pg.Pool, actorId: string) =>
      client.query(
        `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
         VALUES ($1, $2, 'someone@example.test', 'audit.export.finish', 'audit_event', $3, '{"rows": 0, "complete": true}')`,
        [tenant.id, actorId, start.id],
      );
    // A second end, by its own auditor through the app role, or by the table owner: refused.
    expect(await pgErrorCode(asApp({ tenantId: tenant.id, user: auditor }, (c) => insertEnd(c, auditor.id)))).toBe("23505");
    expect(await pgErrorCode(insertEnd(owner(), auditor.id))).toBe("23505");
    // An end in the auditor's name written by anyone else: refused by row-level security.
    expect(await pgErrorCode(asApp({ tenantId: tenant.id, user: admin }, (c) => insertEnd(c, auditor.id)))).toBe("42501");
    expect((await lastExport(auditor)).ends).toHaveLength(1);
  });
});

describe("refused before the first byte, with nothing recorded", () => {
  // The URL's filters are refused before this (readAuditFilters); the export
  // checks in the database itself too, for any caller that hands it filters.
  it.each([
    ["a time zone the database does not know", { from: "2026-01-01", tz: "US/Pacific-New" }, "Unknown time zone."],
    ["a start date the database cannot hold", { from: "0000-01-01" }, "The start date is out of range."],
    ["an end date the database cannot hold", { to: "0000-01-01" }, "The end date is out of range."],
  ])("filters the database cannot apply: %s", async (_, unchecked, message) => {
    const before = await auditRowCount();
    const error = await refusal(exportAuditEvents(actor(auditor), { ...filters(), ...unchecked }, "csv"));
    expect(error).toMatchObject({ code: "invalid_filters", message });
    expect(await auditRowCount()).toBe(before);
  });

  it("someone who is not a member of the workspace", async () => {
    const stranger = await createUser();
    const before = await auditRowCount();
    expect(await refusal(exportAuditEvents(actor(stranger), filters(), "csv"))).toMatchObject({ code: "not_member" });
    expect(await auditRowCount()).toBe(before);
  });
});

describe("exports at once", () => {
  it("allows one export per user, in any workspace, and frees the slot when it is cancelled or finished", async () => {
    const elsewhere = await createTenantRow();
    await addMember(elsewhere.id, auditor.id, "auditor");
    const running = await exportAuditEvents(actor(auditor), filters(), "jsonl");
    try {
      const before = await auditRowCount(elsewhere);
      const refused = await refusal(exportAuditEvents(actor(auditor, elsewhere), filters(), "jsonl"));
      expect(refused).toBeInstanceOf(ExportBusyError);
      expect(refused).toMatchObject({ code: "busy", limit: "user", retryAfterSeconds: EXPORT_IDLE_TIMEOUT_MS / 1000 });
      expect(refused.message).toContain("You already have an export running");
      expect(await auditRowCount(elsewhere)).toBe(before);
    } finally {
      await running.cancel();
    }
    // Cancelled: the slot is free. Finished: free again.
    expect(parseCsv(await read(exportAuditEvents(actor(auditor, elsewhere), filters("target=nothing-here"), "csv")))).toEqual(headerOnly);
    expect(parseCsv(await read(exportAuditEvents(actor(auditor), filters("target=nothing-here"), "csv")))).toEqual(headerOnly);
  });

  it("counts a slot held by another server process: its connection holds the lock until it closes", async () => {
    const otherServer = new pg.Client({ connectionString: process.env.APP_DATABASE_URL });
    await otherServer.connect();
    try {
      await otherServer.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [exportSlotName("user", auditor.id, 0)]);
      expect(await refusal(exportAuditEvents(actor(auditor), filters(), "csv"))).toMatchObject({ limit: "user" });
    } finally {
      await otherServer.end();
    }
    expect(parseCsv(await read(exportAuditEvents(actor(auditor), filters("target=nothing-here"), "csv")))).toEqual(headerOnly);
  });

  it(`allows ${EXPORT_LIMITS.perWorkspace} exports of one workspace, whoever runs them, and frees a slot when one is cancelled`, async () => {
    const holders = [auditor, admin];
    expect(holders).toHaveLength(EXPORT_LIMITS.perWorkspace);
    const running = [];
    for (const holder of holders) running.push(await exportAuditEvents(actor(holder), filters(), "jsonl"));
    const third = await createUser();
    await addMember(tenant.id, third.id, "owner");
    // This process would run one more: only the workspace's limit refuses it.
    const roomInProcess = { limits: { perProcess: EXPORT_LIMITS.perWorkspace + 1 } };
    try {
      const before = await auditRowCount();
      const refused = await refusal(exportAuditEvents(actor(third), filters(), "jsonl", roomInProcess));
      expect(refused).toMatchObject({ code: "busy", limit: "workspace" });
      expect(refused.message).toContain("exports of this workspace's audit log are already running");
      expect(await auditRowCount()).toBe(before);
      await running.shift()!.cancel();
      expect(parseCsv(await read(exportAuditEvents(actor(third), filters("target=nothing-here"), "csv", roomInProcess)))).toEqual(headerOnly);
    } finally {
      for (const stream of running) await stream.cancel();
    }
  });

  it(`runs ${EXPORT_LIMITS.perProcess} exports at once in this process, in any workspaces, and frees a slot when one finishes`, async () => {
    const workspaces = await Promise.all(Array.from({ length: EXPORT_LIMITS.perProcess + 1 }, () => createWorkspace()));
    const [extra, ...busy] = workspaces.map((w) => actor(w.auditor, w.tenant));
    const running = [];
    // Their workspaces have no events: each CSV export waits with its header row for a reader.
    for (const a of busy) running.push(await exportAuditEvents(a, filters(), "csv"));
    try {
      const before = await auditRowCount(workspaces[0]!.tenant);
      const refused = await refusal(exportAuditEvents(extra!, filters(), "jsonl"));
      expect(refused).toMatchObject({ code: "busy", limit: "process" });
      expect(refused.message).toContain("This server is already running");
      expect(await auditRowCount(workspaces[0]!.tenant)).toBe(before);
      // Read to the end, one export frees its slot.
      await read(running.shift()!);
      expect(parseCsv(await read(exportAuditEvents(extra!, filters(), "csv")))).toEqual(headerOnly);
    } finally {
      for (const stream of running) await stream.cancel();
    }
  });
});

describe("a download that takes nothing", () => {
  it("is ended after the idle timeout, recorded as incomplete, and its slots are freed", async () => {
    const reader = (await exportAuditEvents(actor(auditor), filters(), "csv", { idleTimeoutMs: 50 })).getReader();
    const first = await reader.read();
    const received = (parseCsv(Buffer.from(first.value!).toString("utf8")) as string[][]).length - 1;
    // Nothing more is read: the stream fails (the response is cut short) instead of waiting for ever.
    await expect(reader.closed).rejects.toThrow("took nothing");
    const { ends } = await lastExport(auditor);
    expect(ends).toHaveLength(1);
    expect(ends[0].metadata).toMatchObject({ format: "csv", complete: false, reason: "idle_timeout" });
    // The batch that was ready for the download counts as handed to it.
    expect(ends[0].metadata.rows).toBeGreaterThanOrEqual(received);
    expect(ends[0].metadata.rows).toBeLessThan(12_000);
    expect(parseCsv(await read(exportAuditEvents(actor(auditor), filters("target=nothing-here"), "csv")))).toEqual(headerOnly);
  });

  it("cannot starve the exports: downloads opened and never read give their slots back", async () => {
    const workspaces = await Promise.all(Array.from({ length: EXPORT_LIMITS.perProcess + 1 }, () => createWorkspace()));
    const [next, ...stalled] = workspaces.map((w) => actor(w.auditor, w.tenant));
    const readers = [];
    for (const a of stalled) readers.push((await exportAuditEvents(a, filters(), "csv", { idleTimeoutMs: 50 })).getReader());
    for (const reader of readers) await expect(reader.closed).rejects.toThrow("took nothing");
    for (const w of workspaces.slice(1)) {
      const { ends } = await lastExport(w.auditor, w.tenant);
      expect(ends.map((e) => e.metadata)).toEqual([{ format: "csv", rows: expect.any(Number), complete: false, reason: "idle_timeout" }]);
    }
    expect(parseCsv(await read(exportAuditEvents(next!, filters("target=nothing-here"), "csv")))).toEqual(headerOnly);
  });
});

describe("who may export", () => {
  it("gives a plain member nothing, even calling the export directly (RLS)", async () => {
    const csv = await read(exportAuditEvents(actor(member), filters(), "csv"));
    expect(parseCsv(csv)).toEqual(headerOnly);
  });
});

describe("how the export is planned", () => {
  const plan = (query: string) =>
    asApp({ tenantId: tenant.id, user: auditor }, async (client) => {
      for (const setting of exportPlannerSettings(filters(query))) await client.query(setting);
      const sql = auditExportQuery(tenant.id, filters(query));
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${inlineParameters(sql.text, sql.values)}`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });

  it("walks the (tenant, time) index in order, without a sort, when only a date range narrows the export", async () => {
    for (const query of ["", "from=2026-10-01&to=2026-10-31"]) {
      const shown = await plan(query);
      expect(shown).toContain("audit_log_tenant_id_created_at_id_idx");
      expect(shown).not.toMatch(/\bSort\b/);
    }
  });

  it("leaves any other filter to the planner, which may sort the rows a selective index finds", () => {
    for (const query of ["action=member.invite", "actor=a%40example.test", "target=x", "q=example"]) {
      expect(exportPlannerSettings(filters(query))).toEqual(["SET LOCAL jit = off"]);
    }
  });
});

describe("exportFileName", () => {
  it("names the workspace and the date range", () => {
    const today = new Date("2026-11-23T10:00:00Z");
    expect(exportFileName("acme", filters("from=2026-11-01&to=2026-11-20"), "csv", today)).toBe("audit-acme-2026-11-01_to_2026-11-20.csv");
    expect(exportFileName("acme", filters("from=2026-11-01"), "jsonl", today)).toBe("audit-acme-from-2026-11-01.jsonl");
    expect(exportFileName("acme", filters("to=2026-11-01"), "csv", today)).toBe("audit-acme-to-2026-11-01.csv");
    expect(exportFileName("acme", filters(), "csv", today)).toBe("audit-acme-all-to-2026-11-23.csv");
  });
});
