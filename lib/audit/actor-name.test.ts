// An audit row keeps its actor's display name as it was when the row was
// written: a member who renames themselves afterwards ("Olivia Owner", an
// address in the name) does not rename the actor of what they did, on the
// audit page's read, in the export, or in the API.
import { beforeAll, describe, expect, it } from "vitest";
import { AUDIT_PAGE_SETTINGS, exportAuditEvents, listAuditEvents, parseAuditFilters, recordAudit, type AuditFilters } from "@/lib/audit";
import { sql } from "@/lib/db";
import { updateDisplayName } from "@/lib/profile";
import { withTenant, type TenantActor } from "@/lib/tenancy";
import { apiCaller, apiKeyFor, contractViolations } from "@/test/api";
import { actorFor, asApp, createWorkspace, credentialOf, owner } from "@/test/fixtures";

let ws: Awaited<ReturnType<typeof createWorkspace>>;
const { call, recorded } = apiCaller();

function filters(query = ""): AuditFilters {
  const parsed = parseAuditFilters(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.filters;
}

/** The page as the audit page reads it, in the reader's tenant transaction with the page's planner settings. */
const pageAs = (reader: TenantActor, f: AuditFilters) =>
  withTenant(reader, async (tx) => {
    for (const [name, value] of Object.entries(AUDIT_PAGE_SETTINGS)) await tx.one(sql`SELECT set_config(${name}, ${value}, true)`);
    return listAuditEvents(tx, reader, f, {}, 100);
  });

const namesByAction = (rows: Array<{ action: string; name: string | null }>) => Object.fromEntries(rows.map((r) => [r.action, r.name]));

beforeAll(async () => {
  ws = await createWorkspace();
  // Written as each path writes it: the member's and the admin's through the
  // app (the app role, under FORCE RLS); a row written on the owner's
  // connection (as the worker writes), which gives a name of its own.
  const request = { ip: "198.51.100.7", userAgent: "vitest" };
  await withTenant(actorFor(ws.tenant, ws.member), (tx) => recordAudit(tx, { tenantId: ws.tenant.id, actor: ws.member, action: "tenant.switch", request }));
  await withTenant(actorFor(ws.tenant, ws.admin), (tx) =>
    recordAudit(tx, { tenantId: ws.tenant.id, actor: ws.admin, action: "member.invite", metadata: { email: "new@example.test", role: "member" }, request }),
  );
  await owner().query(
    "INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, actor_name, action) VALUES ($1, $2, $3, 'Olivia Owner', 'tenant.rename')",
    [ws.tenant.id, ws.member.id, ws.member.email],
  );
  // Then they rename themselves: the member through the profile form's path, the admin as a name may come from elsewhere.
  await updateDisplayName({ credential: credentialOf(ws.member) }, "Olivia Owner");
  await owner().query("UPDATE users SET name = 'Mallory <mallory@evil.com>' WHERE id = $1", [ws.admin.id]);
});

const expected = { "tenant.switch": "Mel Member", "member.invite": "Adam Admin", "tenant.rename": "Mel Member" };

describe("the actor's name at the time", () => {
  it("is what the audit page's read shows after the actor renamed themselves", async () => {
    const page = await pageAs(actorFor(ws.tenant, ws.auditor), filters());
    expect(namesByAction(page.events.map((e) => ({ action: e.action, name: e.actorName })))).toEqual(expected);
  });

  it("is the export's actor_name, in JSON Lines and CSV", async () => {
    const actor = { ...actorFor(ws.tenant, ws.auditor), request: { ip: "198.51.100.9", userAgent: "vitest" } };
    const jsonl = await new Response(await exportAuditEvents(actor, filters(), "jsonl")).text();
    const lines = jsonl.trim().split("\n").map((l) => JSON.parse(l) as { action: string; actor_name: string | null });
    expect(namesByAction(lines.filter((l) => l.action in expected).map((l) => ({ action: l.action, name: l.actor_name })))).toEqual(expected);
    const csv = await new Response(await exportAuditEvents(actor, filters("action=member.invite"), "csv")).text();
    expect(csv).toContain('"Adam Admin"');
    expect(csv).not.toContain("Mallory");
  });

  it("is what the API's page and export answer", async () => {
    const key = await apiKeyFor(ws, "auditor");
    const page = await call("listAuditEvents", { key, params: { tenantId: ws.tenant.id } });
    expect(page.status, page.text).toBe(200);
    const events = page.body.data as Array<{ action: string; actorName: string | null }>;
    expect(namesByAction(events.filter((e) => e.action in expected).map((e) => ({ action: e.action, name: e.actorName })))).toEqual(expected);
    const jsonl = await call("exportAuditEvents", { key, params: { tenantId: ws.tenant.id }, query: "format=jsonl&action=tenant.switch" });
    expect(jsonl.status, jsonl.text).toBe(200);
    expect(jsonl.text.trim().split("\n").map((l) => JSON.parse(l).actor_name)).toEqual(["Mel Member"]);
    // The page's answer as the OpenAPI document describes it (a one-line JSON Lines body would read as JSON).
    expect(contractViolations(recorded.filter((r) => r.operationId === "listAuditEvents"))).toEqual([]);
  });

  it("records the new name on the rows written after the change", async () => {
    await withTenant(actorFor(ws.tenant, ws.member), (tx) => recordAudit(tx, { tenantId: ws.tenant.id, actor: ws.member, action: "member.leave" }));
    const page = await pageAs(actorFor(ws.tenant, ws.auditor), filters("action=member.leave"));
    expect(page.events.map((e) => e.actorName)).toEqual(["Olivia Owner"]);
  });

  it("cannot be given by the app role: the database writes the actor's own name", async () => {
    const name = await asApp({ tenantId: ws.tenant.id, user: ws.auditor }, async (client) => {
      const { rows } = await client.query(
        "INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, actor_name, action) VALUES ($1, $2, $3, 'Olivia Owner', 'tenant.switch') RETURNING actor_name",
        [ws.tenant.id, ws.auditor.id, ws.auditor.email],
      );
      return rows[0]!.actor_name as string | null;
    });
    expect(name).toBe("Audrey Auditor");
  });
});
