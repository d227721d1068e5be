// Projects in the REST API, against the real database (written by npm run
// new:resource, then given the description, the archive and the status
// filter by hand): each endpoint × role as the matrix says; the audit rows the
// API writes are the page's (the lib as the actions call it); a read key
// changes nothing; a key of another workspace gets 404 and changes nothing;
// pages, search, validation, Idempotency-Key under 20 concurrent POSTs — and,
// last, every answer recorded here checked against the OpenAPI document.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";
import { ROLES, can, type Permission } from "@/lib/tenancy";
import {
  archiveProjectSchema,
  setProjectArchived,
  createProject, createProjectSchema, deleteProject, updateProject, updateProjectSchema } from "@/lib/projects";
import { apiCaller, apiKeyFor, contractViolations, expectProblem, type Answer, type Recorded } from "@/test/api";
import { actorFor, auditRows, createWorkspace, owner } from "@/test/fixtures";

type Workspace = Awaited<ReturnType<typeof createWorkspace>>;

const recorded: Recorded[] = [];
const { call, byId } = apiCaller(recorded);
const OPERATIONS = ["listProjects", "createProject", "getProject", "updateProject", "deleteProject"] as const;

/** A role that may manage projects (the matrix has one, or nothing below could create a row). */
const manager = ROLES.find((r) => can(r, "projects.manage"))!;

const stored = async (id: string) => (await owner().query("SELECT name, tenant_id FROM projects WHERE id = $1", [id])).rows[0] ?? null;
const projectAudit = async (tenantId: string) =>
  (await auditRows(tenantId)).filter((r) => r.action.startsWith("project.")).map((r) => ({ action: r.action, target_type: r.target_type, metadata: r.metadata }));

/** A fresh project of the workspace to act on. */
const fresh = async (ws: Workspace, name = `Fixture ${randomBytes(3).toString("hex")}`) => createProject(actorFor(ws.tenant, ws[manager]), { name });

/** What each operation does for a caller, on a fresh project of `ws` (or the id given). */
async function exercise(operationId: (typeof OPERATIONS)[number], ws: Workspace, key: string, tenantId = ws.tenant.id, id?: string) {
  const params = { tenantId, projectId: id ?? (await fresh(ws)).id };
  switch (operationId) {
    case "createProject":
      return call(operationId, { key, params, body: { name: "Created by key" } });
    case "updateProject":
      return call(operationId, { key, params, body: { name: `Renamed ${randomBytes(3).toString("hex")}` } });
    default:
      return call(operationId, { key, params });
  }
}

describe("projects by API key", () => {
  it("lists the five operations in the OpenAPI document", async () => {
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { operationId: string }>> };
    expect(Object.keys(doc.paths["/tenants/{tenantId}/projects"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/tenants/{tenantId}/projects/{projectId}"] ?? {}).sort()).toEqual(["delete", "get", "patch"]);
  });

  it.each(OPERATIONS)("%s: the roles the matrix allows succeed, the others get 403 and change nothing", async (operationId) => {
    const e = byId[operationId]!;
    const ws = await createWorkspace();
    for (const role of ROLES) {
      const before = await projectAudit(ws.tenant.id);
      const answer = await exercise(operationId, ws, await apiKeyFor(ws, role));
      if (can(role, e.permission as Permission)) {
        expect(answer.status, `${role}: ${answer.text}`).toBe(e.success.status);
      } else {
        expectProblem(answer, "forbidden");
        // Only the fixture's own row was written.
        expect((await projectAudit(ws.tenant.id)).length, role).toBe(before.length + 1);
      }
    }
  });

  it("writes the page's audit rows: create, rename and delete through the API as through the lib", async () => {
    const [viaLib, viaApi] = await Promise.all([createWorkspace(), createWorkspace()]);
    const actor = actorFor(viaLib.tenant, viaLib[manager]);
    const made = await createProject(actor, createProjectSchema.parse({ name: "  Audited " }));
    await updateProject(actor, updateProjectSchema.parse({ id: made.id, name: "Renamed" }));
    await updateProject(actor, updateProjectSchema.parse({ id: made.id, name: "Renamed" }));
    await deleteProject(actor, { id: made.id });

    const key = await apiKeyFor(viaApi, manager);
    const created = await call("createProject", { key, params: { tenantId: viaApi.tenant.id }, body: { name: "  Audited " } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: "Audited" });
    expect(created.headers.location).toBe(`/api/v1/tenants/${viaApi.tenant.id}/projects/${created.body.id}`);
    const params = { tenantId: viaApi.tenant.id, projectId: created.body.id };
    expect((await call("getProject", { key, params })).body).toEqual(created.body);
    expect((await call("updateProject", { key, params, body: { name: "Renamed" } })).body).toMatchObject({ name: "Renamed" });
    expect((await call("updateProject", { key, params, body: { name: "Renamed" } })).status).toBe(200);
    expect((await call("deleteProject", { key, params })).status).toBe(204);
    expectProblem(await call("getProject", { key, params }), "not-found");
    expectProblem(await call("deleteProject", { key, params }), "not-found");

    const expected = await projectAudit(viaLib.tenant.id);
    expect(expected.map((r) => r.action)).toEqual(["project.create", "project.update", "project.delete"]);
    expect(await projectAudit(viaApi.tenant.id)).toEqual(expected);
    expect((await auditRows(viaApi.tenant.id, "project.create"))[0]).toMatchObject({ actor_user_id: viaApi[manager].id, target_id: created.body.id });
  });

  it("refuses every write to a read key, even a manager's, and reads with it", async () => {
    const ws = await createWorkspace();
    const key = await apiKeyFor(ws, manager, "read");
    const existing = await fresh(ws, "Kept");
    for (const op of ["createProject", "updateProject", "deleteProject"] as const) expectProblem(await exercise(op, ws, key, ws.tenant.id, existing.id), "forbidden");
    expect(await stored(existing.id)).toMatchObject({ name: "Kept" });
    expect((await call("listProjects", { key, params: { tenantId: ws.tenant.id } })).body.total).toBe(1);
  });

  it("answers a key of A asking for B's projects with 404, saying nothing of them and changing nothing", async () => {
    const [a, b] = await Promise.all([createWorkspace(), createWorkspace()]);
    const key = await apiKeyFor(a, manager);
    const theirs = await fresh(b, "B's own");
    const before = (await owner().query("SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1", [b.tenant.id])).rows[0].n;
    for (const op of OPERATIONS) {
      // B's workspace in the path, and A's workspace with B's id.
      const viaB = await exercise(op, b, key, b.tenant.id, theirs.id);
      expectProblem(viaB, "not-found");
      expect(viaB.text).not.toContain("B's own");
      if (op !== "listProjects" && op !== "createProject") expectProblem(await exercise(op, a, key, a.tenant.id, theirs.id), "not-found");
    }
    expect(await stored(theirs.id)).toMatchObject({ name: "B's own", tenant_id: b.tenant.id });
    expect((await owner().query("SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1", [b.tenant.id])).rows[0].n).toBe(before);
  });

  it("pages with an opaque cursor and searches names", async () => {
    const ws = await createWorkspace();
    for (let i = 0; i < 27; i++) await fresh(ws, `Paged ${i}`);
    await fresh(ws, "The needle");
    const key = await apiKeyFor(ws, manager, "read");
    const params = { tenantId: ws.tenant.id };
    const first = await call("listProjects", { key, params });
    expect(first.body.total).toBe(28);
    const second = await call("listProjects", { key, params, query: `cursor=${first.body.nextCursor}` });
    expect(second.body.nextCursor).toBeNull();
    const names = [...first.body.data, ...second.body.data].map((r: { name: string }) => r.name);
    expect(new Set(names).size).toBe(28);
    expect((await call("listProjects", { key, params, query: "q=needle" })).body.data.map((r: { name: string }) => r.name)).toEqual(["The needle"]);
    expectProblem(await call("listProjects", { key, params, query: "cursor=bogus" }), "validation-error");
  });

  it("pages by keyset: projects created or deleted between pages neither repeat nor skip a row, and a cursor past the end is an empty last page", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws[manager]);
    for (let i = 0; i < 30; i++) await fresh(ws, `Seen ${i}`);
    const key = await apiKeyFor(ws, manager, "read");
    const params = { tenantId: ws.tenant.id };
    const first = await call("listProjects", { key, params });
    expect(first.body.data).toHaveLength(25);
    const seen = first.body.data.map((p: { name: string }) => p.name);
    // Three newer ones, and one of the first page deleted, before the next page is read.
    for (let i = 0; i < 3; i++) await fresh(ws, `Added ${i}`);
    await deleteProject(actor, { id: first.body.data[3].id });
    const second = await call("listProjects", { key, params, query: `cursor=${first.body.nextCursor}` });
    expect(second.status, second.text).toBe(200);
    expect(second.body.data.map((p: { name: string }) => p.name)).toEqual(["Seen 4", "Seen 3", "Seen 2", "Seen 1", "Seen 0"]);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.total).toBe(32);
    expect(new Set([...seen, ...second.body.data.map((p: { name: string }) => p.name)]).size).toBe(30);

    // Every row of the last page deleted: the cursor still answers, with an empty last page.
    for (const p of second.body.data) await deleteProject(actor, { id: p.id });
    const past = await call("listProjects", { key, params, query: `cursor=${first.body.nextCursor}` });
    expect(past.status, past.text).toBe(200);
    expect(past.body).toMatchObject({ data: [], nextCursor: null });
  });

  it("pages by keyset through ties (one instant, ordered by id) and from the active projects to the archived ones", async () => {
    const ws = await createWorkspace();
    // 40 projects made in one statement share their created_at; 20 of them archived.
    await owner().query(
      `INSERT INTO projects (tenant_id, name, created_by, archived_at)
       SELECT $1, 'Tied ' || i, $2, CASE WHEN i % 2 = 0 THEN now() END FROM generate_series(1, 40) AS i`,
      [ws.tenant.id, ws[manager].id],
    );
    const key = await apiKeyFor(ws, manager, "read");
    const all: Array<{ id: string; archived: boolean }> = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await call("listProjects", { key, params: { tenantId: ws.tenant.id }, query: `status=all${cursor ? `&cursor=${cursor}` : ""}` });
      expect(page.status, page.text).toBe(200);
      all.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(40);
    expect(new Set(all.map((p) => p.id)).size).toBe(40);
    expect(all.map((p) => p.archived)).toEqual([...Array(20).fill(false), ...Array(20).fill(true)]);
    const ids = (archived: boolean) => all.filter((p) => p.archived === archived).map((p) => p.id);
    expect(ids(false)).toEqual([...ids(false)].sort().reverse());
    expect(ids(true)).toEqual([...ids(true)].sort().reverse());
  });

  it("refuses a cursor sent with another search or status (400, saying so), and an edited or overlong one, in plain words", async () => {
    const ws = await createWorkspace();
    for (let i = 0; i < 26; i++) await fresh(ws, `Paged ${i}`);
    const key = await apiKeyFor(ws, manager, "read");
    const params = { tenantId: ws.tenant.id };
    const { nextCursor } = (await call("listProjects", { key, params, query: "q=paged" })).body;
    expect((await call("listProjects", { key, params, query: `q=paged&cursor=${nextCursor}` })).body.data).toHaveLength(1);
    for (const query of [`cursor=${nextCursor}`, `q=page&cursor=${nextCursor}`, `q=paged&status=all&cursor=${nextCursor}`]) {
      const refused = await call("listProjects", { key, params, query });
      expectProblem(refused, "validation-error");
      expect(refused.body.detail, query).toMatch(/^The cursor belongs to another query \(other filters or another order\)/);
      expect(refused.body.errors).toEqual([{ field: "query.cursor", message: refused.body.detail }]);
    }
    const edited = `${nextCursor.slice(0, 5)}${nextCursor[5] === "A" ? "B" : "A"}${nextCursor.slice(6)}`;
    for (const cursor of [edited, Buffer.from("page:2").toString("base64url")]) {
      const refused = await call("listProjects", { key, params, query: `q=paged&cursor=${cursor}` });
      expectProblem(refused, "validation-error");
      expect(refused.body.detail).toMatch(/^The cursor is not valid: send nextCursor from the previous page unchanged/);
    }
    const long = await call("listProjects", { key, params, query: `cursor=${"a".repeat(201)}` });
    expectProblem(long, "validation-error");
    expect(long.body.errors).toEqual([{ field: "query.cursor", message: "Send nextCursor from the previous page unchanged." }]);
  });

  it("refuses a body that breaks the page's rules (400, each field named) and changes nothing", async () => {
    const ws = await createWorkspace();
    const key = await apiKeyFor(ws, manager);
    const params = { tenantId: ws.tenant.id };
    const empty = await call("createProject", { key, params, body: { name: "   " } });
    expectProblem(empty, "validation-error");
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toEqual(["name"]);
    expectProblem(await call("createProject", { key, params, body: { name: "x".repeat(201) } }), "validation-error");
    expectProblem(await call("createProject", { key, params, rawBody: "{not json" }), "validation-error");
    const existing = await fresh(ws, "Unchanged");
    expectProblem(await call("updateProject", { key, params: { ...params, projectId: existing.id }, body: {} }), "validation-error");
    expectProblem(await call("getProject", { key, params: { ...params, projectId: "not-an-id" } }), "not-found");
    expect(await stored(existing.id)).toMatchObject({ name: "Unchanged" });
    expect((await projectAudit(ws.tenant.id)).length).toBe(1);
  });

  it("takes in a PATCH any of the fields create takes, at least one (400 saying so for none); the document requires none of them", async () => {
    const ws = await createWorkspace();
    const key = await apiKeyFor(ws, manager);
    const existing = await fresh(ws, "Patched");
    const params = { tenantId: ws.tenant.id, projectId: existing.id };
    const none = await call("updateProject", { key, params, body: {} });
    expectProblem(none, "validation-error");
    expect(none.body.detail).toMatch(/^Send at least one field to change \(name\b.*\); what is not sent stays as it is\.$/);
    expect(none.body.errors).toEqual([{ field: "body", message: none.body.detail }]);
    // A field it does not take is named, alone or beside one it takes, and nothing changes.
    for (const [body, named] of [
      [{ nme: "x" }, '"nme" is not a field'],
      [{ name: "Not kept", descripton: "y", colour: 1 }, '"descripton" and "colour" are not fields'],
    ] as const) {
      const refused = await call("updateProject", { key, params, body });
      expectProblem(refused, "validation-error");
      expect(refused.body.detail).toMatch(new RegExp(`^${named} this PATCH takes; it takes name\\b.*\\.$`));
      expect(refused.body.errors).toEqual([{ field: "body", message: refused.body.detail }]);
    }
    expect(await stored(existing.id)).toMatchObject({ name: "Patched" });
    expect((await call("updateProject", { key, params, body: { name: "Patched again" } })).body).toMatchObject({ name: "Patched again" });

    const doc = openApiDocument() as unknown as { components: { schemas: Record<string, { required?: string[]; minProperties?: number; properties: object }> } };
    const create = doc.components.schemas["ProjectCreate"]!;
    const patch = doc.components.schemas["ProjectPatch"]!;
    expect(Object.keys(patch.properties)).toEqual(expect.arrayContaining(Object.keys(create.properties)));
    expect(patch.required ?? []).toEqual([]);
    expect(patch.minProperties).toBe(1);
    expect((patch as { additionalProperties?: unknown }).additionalProperties).toBe(false);
  });

  it("creates once for 20 identical POSTs with one Idempotency-Key; a retry gets the first answer; another body gets 422", async () => {
    const ws = await createWorkspace();
    const key = await apiKeyFor(ws, manager);
    const headers = { "idempotency-key": `create-${randomBytes(6).toString("hex")}` };
    const send = (name: string) => call("createProject", { key, params: { tenantId: ws.tenant.id }, body: { name }, headers });
    const answers = await Promise.all(Array.from({ length: 20 }, () => send("Once")));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 409), statuses.join(",")).toBe(true);
    expect((await owner().query("SELECT count(*)::int AS n FROM projects WHERE tenant_id = $1", [ws.tenant.id])).rows[0].n).toBe(1);
    expect(await auditRows(ws.tenant.id, "project.create")).toHaveLength(1);
    const retry = await send("Once");
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.body).toEqual(answers.find((a) => a.status === 201)!.body);
    expect(retry.headers.location).toBe(`/api/v1/tenants/${ws.tenant.id}/projects/${retry.body.id}`);
    expectProblem(await send("Twice"), "idempotency-key-reused");
  });
});

describe("projects' description, archive and status by API key", () => {
  it("writes the page's audit rows for a description, an archive and its undoing, as the page's edit and archive do", async () => {
    const [viaLib, viaApi] = await Promise.all([createWorkspace(), createWorkspace()]);
    const actor = actorFor(viaLib.tenant, viaLib[manager]);
    const made = await createProject(actor, createProjectSchema.parse({ name: "Launch", description: "First\r\nplan" }));
    await updateProject(actor, updateProjectSchema.parse({ id: made.id, name: "Launch", description: "" }));
    await setProjectArchived(actor, archiveProjectSchema.parse({ id: made.id, archived: "true" }));
    await setProjectArchived(actor, archiveProjectSchema.parse({ id: made.id, archived: "true" }));
    await setProjectArchived(actor, archiveProjectSchema.parse({ id: made.id, archived: "false" }));

    const key = await apiKeyFor(viaApi, manager);
    const created = await call("createProject", { key, params: { tenantId: viaApi.tenant.id }, body: { name: "Launch", description: "First\r\nplan" } });
    expect(created.body).toMatchObject({ description: "First\nplan", archived: false, archivedAt: null });
    const params = { tenantId: viaApi.tenant.id, projectId: created.body.id };
    expect((await call("updateProject", { key, params, body: { description: null } })).body).toMatchObject({ name: "Launch", description: null });
    const archived = await call("updateProject", { key, params, body: { archived: true } });
    expect(archived.body).toMatchObject({ archived: true, archivedAt: expect.any(String) });
    expect((await call("updateProject", { key, params, body: { archived: true } })).body.archivedAt).toBe(archived.body.archivedAt);
    expect((await call("updateProject", { key, params, body: { archived: false } })).body).toMatchObject({ archived: false, archivedAt: null });

    const expected = await projectAudit(viaLib.tenant.id);
    expect(expected.map((r) => r.action)).toEqual(["project.create", "project.update", "project.archive", "project.unarchive"]);
    expect(await projectAudit(viaApi.tenant.id)).toEqual(expected);
  });

  it("renames, describes and archives in one PATCH: one transaction, the edit's row then the archive's; what is not sent stays", async () => {
    const ws = await createWorkspace();
    const key = await apiKeyFor(ws, manager);
    const made = await createProject(actorFor(ws.tenant, ws[manager]), { name: "Before", description: "Kept" });
    const params = { tenantId: ws.tenant.id, projectId: made.id };
    expect((await call("updateProject", { key, params, body: { name: "After" } })).body).toMatchObject({ name: "After", description: "Kept" });
    const both = await call("updateProject", { key, params, body: { name: "Last", description: "New", archived: true } });
    expect(both.body).toMatchObject({ name: "Last", description: "New", archived: true });
    expect((await projectAudit(ws.tenant.id)).slice(-2)).toEqual([
      { action: "project.update", target_type: "project", metadata: { name: "Last", from: "After", to: "Last", description_changed: true } },
      { action: "project.archive", target_type: "project", metadata: { name: "Last" } },
    ]);
    // A refused field refuses the whole request: nothing of it is applied.
    expectProblem(await call("updateProject", { key, params, body: { name: "Never", archived: "yes" } }), "validation-error");
    expectProblem(await call("updateProject", { key, params, body: { description: "x".repeat(2001) } }), "validation-error");
    expect((await stored(made.id))!.name).toBe("Last");
  });

  it("takes a description or archived alone in a PATCH, and names all three fields when none is sent", async () => {
    const ws = await createWorkspace();
    const key = await apiKeyFor(ws, manager);
    const made = await createProject(actorFor(ws.tenant, ws[manager]), { name: "Alone", description: "Kept" });
    const params = { tenantId: ws.tenant.id, projectId: made.id };
    expect((await call("updateProject", { key, params, body: { description: "Changed" } })).body).toMatchObject({ name: "Alone", description: "Changed", archived: false });
    expect((await call("updateProject", { key, params, body: { archived: true } })).body).toMatchObject({ name: "Alone", description: "Changed", archived: true });
    const refused = await call("updateProject", { key, params, body: {} });
    expectProblem(refused, "validation-error");
    expect(refused.body.detail).toBe("Send at least one field to change (name, description or archived); what is not sent stays as it is.");
    const doc = openApiDocument() as unknown as { components: { schemas: Record<string, { properties: object }> } };
    expect(Object.keys(doc.components.schemas.ProjectPatch!.properties).sort()).toEqual(["archived", "description", "name"]);
  });

  it("lists the active ones by default, the archived ones or all (active first), and searches descriptions", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws[manager]);
    const old = await createProject(actor, { name: "Old", description: "the haystack" });
    await setProjectArchived(actor, { id: old.id, archived: true });
    await createProject(actor, { name: "Current" });
    const key = await apiKeyFor(ws, "auditor", "read");
    const names = async (query?: string) =>
      (await call("listProjects", { key, params: { tenantId: ws.tenant.id }, query })).body.data.map((p: { name: string }) => p.name);
    expect(await names()).toEqual(["Current"]);
    expect(await names("status=archived")).toEqual(["Old"]);
    expect(await names("status=all")).toEqual(["Current", "Old"]);
    expect(await names("status=all&q=haystack")).toEqual(["Old"]);
    const status = await call("listProjects", { key, params: { tenantId: ws.tenant.id }, query: "status=deleted" });
    expectProblem(status, "validation-error");
    expect(status.body.errors).toEqual([{ field: "query.status", message: "status is active, archived or all." }]);
  });
});

describe("the OpenAPI contract for projects", () => {
  it("validates every response recorded above against the document (status documented, content type, body schema)", async () => {
    expect(new Set(recorded.map((r) => r.operationId))).toEqual(new Set(OPERATIONS));
    expect(contractViolations(recorded)).toEqual([]);
  });
});
