import { parse as parseCsv } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, MAX_CONCURRENT_EXPORTS, exportAuditEvents, exportFileName, listAuditEvents, parseAuditFilters, type AuditFilters } from "@/lib/audit";
import { addMember, asApp, auditRows, createTenantRow, createUser, owner, type TestTenant, type TestUser } from "@/test/fixtures";
import { auditExportQuery, exportPlannerSettings } from "@/lib/audit/export";
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

/** The tenant's rows as they are now (each export adds its own audit row). */
async function currentRows(): Promise<Array<Record<string, unknown>>> {
  const { rows } = await owner().query(
    `SELECT l.id::text AS id, l.created_at, l.actor_user_id::text AS actor_user_id, l.actor_email, u.name AS actor_name,
            l.action, l.target_type, l.target_id, l.metadata, l.ip, l.user_agent
       FROM audit_log l LEFT JOIN users u ON u.id = l.actor_user_id
      WHERE l.tenant_id = $1 ORDER BY l.created_at DESC, l.id DESC`,
    [tenant.id],
  );
  return rows;
}

beforeAll(async () => {
  tenant = await createTenantRow({ slug: `export-${Date.now().toString(36)}` });
  auditor = await createUser({ name: "Åsa Auditor, \"QA\"" });
  member = await createUser();
  await addMember(tenant.id, auditor.id, "auditor");
  await addMember(tenant.id, member.id, "member");
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

const actor = (user: TestUser) => ({
  tenantId: tenant.id,
  userId: user.id,
  user: { id: user.id, email: user.email, name: user.name },
  tenant: { slug: tenant.slug },
  request: { ip: "198.51.100.9", userAgent: "vitest" },
});

function filters(query = ""): AuditFilters {
  const parsed = parseAuditFilters(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.filters;
}

async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

const exportsRecorded = async () =>
  (await auditRows(tenant.id, "audit.export")).filter((r) => r.actor_user_id === auditor.id);

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
    // The page first: the export records itself as audit.export, with the
    // search in its metadata, once it ends.
    const shown: string[] = [];
    let page = await listAuditEvents({ tenantId: tenant.id, userId: auditor.id }, f, {}, 100);
    shown.push(...page.events.map((e) => e.id));
    while (page.older) {
      page = await listAuditEvents({ tenantId: tenant.id, userId: auditor.id }, f, { after: page.older }, 100);
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
  it("records audit.export with its format, filters and row count once it ends", async () => {
    const before = (await exportsRecorded()).length;
    await read(exportAuditEvents(actor(auditor), filters("action=member.invite&q=example"), "jsonl"));
    const after = await exportsRecorded();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({
      action: "audit.export",
      actor_email: auditor.email,
      ip: "198.51.100.9",
      metadata: { format: "jsonl", filters: { actions: ["member.invite"], q: "example" }, rows: HOSTILE.length, complete: true },
    });
  });

  it("records a cancelled download as incomplete, with the rows sent so far", async () => {
    const before = (await exportsRecorded()).length;
    const reader = exportAuditEvents(actor(auditor), filters(), "csv").getReader();
    const first = await reader.read();
    await reader.cancel();
    const received = (parseCsv(Buffer.from(first.value!).toString("utf8")) as string[][]).length - 1;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(12_000);
    const after = await exportsRecorded();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)!.metadata).toMatchObject({ format: "csv", complete: false, rows: received });
  });
});

describe("exports at once", () => {
  it("refuses one more than MAX_CONCURRENT_EXPORTS with a clear message, and frees the slot when one ends", async () => {
    const streams = Array.from({ length: MAX_CONCURRENT_EXPORTS }, () => exportAuditEvents(actor(auditor), filters(), "jsonl"));
    expect(() => exportAuditEvents(actor(auditor), filters(), "jsonl")).toThrow("Other exports are running on this server");
    await streams[0]!.cancel();
    const again = exportAuditEvents(actor(auditor), filters("target=nothing-here"), "csv");
    expect(parseCsv(await read(again))).toEqual([[...EXPORT_COLUMNS]]);
    for (const stream of streams.slice(1)) await stream.cancel();
  });
});

describe("who may export", () => {
  it("gives a plain member nothing, even calling the export directly (RLS)", async () => {
    const csv = await read(exportAuditEvents(actor(member), filters(), "csv"));
    expect(parseCsv(csv)).toEqual([[...EXPORT_COLUMNS]]);
  });
});

describe("how the export is planned", () => {
  const plan = (query: string) =>
    asApp({ tenantId: tenant.id, userId: auditor.id }, async (client) => {
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
