// Projects against the real database (written by npm run new:resource, then
// finished by hand): create, list, edit, archive and delete with their audit
// rows and sentences; the list's search and archive filter; each role gets what
// the matrix gives it, from the lib and, in raw SQL as the app role, from the
// policies; another workspace sees and touches none of it; the workspace's
// deletion takes the rows into the trash and its restore brings them back.
import { describe, expect, it } from "vitest";
import { deleteTenant, restoreTenant } from "@/lib/lifecycle";
import { describeAuditEvent } from "@/lib/audit";
import { ROLES, can, withTenant, type Role } from "@/lib/tenancy";
import {
  archiveProjectSchema,
  createProject,
  createProjectSchema,
  deleteProject,
  listProjects,
  listProjectsRead,
  listQuerySchema,
  updateProject,
  setProjectArchived,
  updateProjectSchema,
  type ProjectStatus,
} from "@/lib/projects";
import { resolveWithData } from "@/lib/tenancy/resolve";
import { actorFor, asApp, auditRows, createUser, createWorkspace, credentialOf, domainCode, owner, pgErrorCode, setTenantStatus, TEST_REQUEST } from "@/test/fixtures";

type Workspace = Awaited<ReturnType<typeof createWorkspace>>;

const listAs = (ws: Workspace, role: Role, q = "", status: ProjectStatus = "active") =>
  withTenant(actorFor(ws.tenant, ws[role]), (tx) => listProjects(tx, { tenantId: ws.tenant.id }, listQuerySchema.parse({ q, status })));

/** A role that may manage projects (the matrix has one, or nothing below could create a row). */
const manager = ROLES.find((r) => can(r, "projects.manage"))!;

async function stored(id: string) {
  const { rows } = await owner().query<{
    name: string;
    description: string | null;
    archived_at: Date | null;
    tenant_id: string;
    created_by: string | null;
    deleted_at: Date | null;
  }>(
    "SELECT name, description, archived_at, tenant_id, created_by, deleted_at FROM projects WHERE id = $1",
    [id],
  );
  return rows[0] ?? null;
}

describe("projects: create, list, rename, delete", () => {
  it("does each for a manager, with one audit row each", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws[manager]);
    const created = await createProject(actor, createProjectSchema.parse({ name: "  First one " }));
    expect(created.name).toBe("First one");
    expect(await stored(created.id)).toMatchObject({ name: "First one", tenant_id: ws.tenant.id, created_by: ws[manager].id, deleted_at: null });

    await createProject(actor, { name: "Second 100%" });
    expect((await listAs(ws, manager)).rows.map((r) => r.name).sort()).toEqual(["First one", "Second 100%"]);
    expect((await listAs(ws, manager, "100%")).rows.map((r) => r.name)).toEqual(["Second 100%"]);
    expect((await listAs(ws, manager, "_")).total).toBe(0);
    // The count travels with the page's rows (one statement): a page past the last still has it.
    const past = await withTenant(actorFor(ws.tenant, ws[manager]), (tx) =>
      listProjects(tx, { tenantId: ws.tenant.id }, listQuerySchema.parse({ page: "3" })),
    );
    expect(past).toMatchObject({ rows: [], total: 2, page: 3 });

    await updateProject(actor, updateProjectSchema.parse({ id: created.id, name: "Renamed" }));
    expect((await stored(created.id))!.name).toBe("Renamed");
    await updateProject(actor, { id: created.id, name: "Renamed" });

    expect(await deleteProject(actor, { id: created.id })).toEqual({ name: "Renamed" });
    expect(await stored(created.id)).toBeNull();

    const rows = await auditRows(ws.tenant.id);
    expect(rows.filter((r) => r.action.startsWith("project.")).map((r) => [r.action, r.metadata])).toEqual([
      ["project.create", { name: "First one", description_length: 0 }],
      ["project.create", { name: "Second 100%", description_length: 0 }],
      ["project.update", { name: "Renamed", from: "First one", to: "Renamed", description_changed: false }],
      ["project.delete", { name: "Renamed" }],
    ]);
    expect(rows.find((r) => r.action === "project.delete")).toMatchObject({ actor_user_id: ws[manager].id, target_type: "project", target_id: created.id });
  });

  it("refuses a name that is empty or too long, and an id that is not one", () => {
    expect(createProjectSchema.safeParse({ name: "   " }).success).toBe(false);
    expect(createProjectSchema.safeParse({ name: "x".repeat(201) }).success).toBe(false);
    expect(updateProjectSchema.safeParse({ id: "nope", name: "x" }).success).toBe(false);
  });

  it("keeps a description (CRLF as one line break, blank as none, at most 2,000 characters) and audits its length, not its text", async () => {
    expect(createProjectSchema.parse({ name: "x", description: "  one\r\ntwo  " }).description).toBe("one\ntwo");
    expect(createProjectSchema.parse({ name: "x", description: "   " }).description).toBeNull();
    expect(createProjectSchema.parse({ name: "x" }).description).toBeNull();
    expect(createProjectSchema.safeParse({ name: "x", description: "d".repeat(2001) }).success).toBe(false);

    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws[manager]);
    const created = await createProject(actor, createProjectSchema.parse({ name: "Described", description: "Secret plans" }));
    expect(await stored(created.id)).toMatchObject({ description: "Secret plans" });
    await updateProject(actor, updateProjectSchema.parse({ id: created.id, name: "Described", description: "Other plans" }));
    // Not given: unchanged. Given blank: cleared.
    await updateProject(actor, { id: created.id, name: "Described again" });
    expect(await stored(created.id)).toMatchObject({ name: "Described again", description: "Other plans" });
    expect((await listAs(ws, "auditor", "other PLANS")).rows.map((r) => r.id)).toEqual([created.id]);
    await updateProject(actor, updateProjectSchema.parse({ id: created.id, name: "Described again", description: "" }));
    expect(await stored(created.id)).toMatchObject({ description: null });

    const rows = (await auditRows(ws.tenant.id)).filter((r) => r.action.startsWith("project."));
    expect(JSON.stringify(rows.map((r) => r.metadata))).not.toContain("plans");
    expect(rows.map((r) => describeAuditEvent(r.action, r.metadata))).toEqual([
      "Created the project “Described”",
      "Changed the description of the project “Described”",
      "Renamed the project “Described” to “Described again”",
      "Changed the description of the project “Described again”",
    ]);
  });

  it("archives and unarchives, audited, and lists active, archived or all", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws[manager]);
    const kept = await createProject(actor, { name: "Kept active" });
    const shelved = await createProject(actor, { name: "Shelved" });
    const archived = await setProjectArchived(actor, archiveProjectSchema.parse({ id: shelved.id, archived: "true" }));
    expect(archived.archivedAt).toBeInstanceOf(Date);
    // Archiving what is archived records nothing.
    await setProjectArchived(actor, { id: shelved.id, archived: true });

    const names = async (status: ProjectStatus) => (await listAs(ws, "auditor", "", status)).rows.map((r) => r.name);
    expect(await names("active")).toEqual(["Kept active"]);
    expect(await names("archived")).toEqual(["Shelved"]);
    // Active first.
    expect(await names("all")).toEqual(["Kept active", "Shelved"]);
    expect(listQuerySchema.parse({ status: "nonsense" }).status).toBe("active");
    // A NUL byte is no text Postgres can hold: the search is dropped rather than the page failing.
    expect(listQuerySchema.parse({ q: "a\u0000b" }).q).toBe("");
    expect(await names("all")).toEqual((await listAs(ws, "auditor", "a\u0000b", "all")).rows.map((r) => r.name));

    await setProjectArchived(actor, { id: shelved.id, archived: false });
    expect(await stored(shelved.id)).toMatchObject({ archived_at: null });
    expect((await names("active")).sort()).toEqual(["Kept active", "Shelved"]);
    expect(await domainCode(setProjectArchived(actorFor(ws.tenant, ws.auditor), { id: kept.id, archived: true }))).toBe(
      can("auditor", "projects.manage") ? "ok" : "forbidden",
    );

    const rows = (await auditRows(ws.tenant.id)).filter((r) => r.action === "project.archive" || r.action === "project.unarchive");
    expect(rows.map((r) => [r.action, r.metadata, r.target_id])).toEqual([
      ["project.archive", { name: "Shelved" }, shelved.id],
      ["project.unarchive", { name: "Shelved" }, shelved.id],
    ]);
    expect(rows.map((r) => describeAuditEvent(r.action, r.metadata))).toEqual([
      "Archived the project “Shelved”",
      "Brought the project “Shelved” back from the archive",
    ]);
  });

  it("says a deleted project is gone when it is renamed or deleted again", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws[manager]);
    const created = await createProject(actor, { name: "Short-lived" });
    await deleteProject(actor, { id: created.id });
    expect(await domainCode(updateProject(actor, { id: created.id, name: "Back?" }))).toBe("not_found");
    expect(await domainCode(deleteProject(actor, { id: created.id }))).toBe("not_found");
  });
});

describe("projects and the roles matrix", () => {
  it("grants projects.read and projects.manage to the roles chosen for them", () => {
    expect(ROLES.filter((r) => can(r, "projects.read"))).toEqual(["owner", "admin", "auditor", "member"]);
    expect(ROLES.filter((r) => can(r, "projects.manage"))).toEqual(["owner", "admin", "member"]);
  });

  it.each(ROLES)("gives the %s what the matrix gives it, in the lib and in the database", async (role) => {
    const ws = await createWorkspace();
    const existing = await createProject(actorFor(ws.tenant, ws[manager]), { name: "Existing" });
    const actor = actorFor(ws.tenant, ws[role]);

    expect((await listAs(ws, role)).total).toBe(can(role, "projects.read") ? 1 : 0);

    const mayManage = can(role, "projects.manage");
    expect(await domainCode(createProject(actor, { name: `By the ${role}` }))).toBe(mayManage ? "ok" : "forbidden");
    expect(await domainCode(updateProject(actor, { id: existing.id, name: `Renamed by the ${role}` }))).toBe(mayManage ? "ok" : "forbidden");

    // The policies, without the lib: an insert and a delete as the app role, rolled back.
    await asApp({ tenantId: ws.tenant.id, user: ws[role] }, async (client) => {
      await client.query("SAVEPOINT probe");
      const insert = client.query("INSERT INTO projects (tenant_id, name, created_by) VALUES ($1, 'raw', $2)", [ws.tenant.id, ws[role].id]);
      expect(await pgErrorCode(insert)).toBe(mayManage ? "ok" : "42501");
      await client.query("ROLLBACK TO SAVEPOINT probe");
      const deleted = await client.query("DELETE FROM projects WHERE id = $1", [existing.id]);
      expect(deleted.rowCount).toBe(mayManage ? 1 : 0);
    });
  });
});

describe("the projects page's read (listProjectsRead, sent with the entry)", () => {
  const pageAs = (ws: Workspace, user: Parameters<typeof credentialOf>[0], query: Record<string, string>) =>
    resolveWithData(credentialOf(user), ws.tenant.id, TEST_REQUEST, listProjectsRead(listQuerySchema.parse(query)));

  it.each(ROLES)("shows the %s what the workspace's list gives them, under every filter and page", async (role) => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws[manager]);
    for (let i = 0; i < 27; i++) await createProject(actor, { name: `Project ${i}`, description: i % 3 === 0 ? "with a needle" : null });
    const archived = await createProject(actor, { name: "Old needle" });
    await setProjectArchived(actor, archiveProjectSchema.parse({ id: archived.id, archived: "true" }));
    const queries: Array<Record<string, string>> = [{}, { page: "2" }, { q: "needle" }, { status: "archived" }, { status: "all", page: "2" }, { status: "all", q: "needle" }, { page: "9" }];
    for (const query of queries) {
      const { resolution, data } = await pageAs(ws, ws[role], query);
      expect(resolution).toMatchObject({ kind: "tenant", tenantId: ws.tenant.id, role });
      const listed = await withTenant(actorFor(ws.tenant, ws[role]), (tx) => listProjects(tx, { tenantId: ws.tenant.id }, listQuerySchema.parse(query)));
      expect(data).toEqual(listed);
      if (can(role, "projects.read") && !query.page) expect(data!.total).toBeGreaterThan(0);
    }
  });

  it("reads nothing and fails nothing when the entry entered no workspace", async () => {
    const ws = await createWorkspace();
    await createProject(actorFor(ws.tenant, ws[manager]), { name: "Hidden" });
    expect(await pageAs(ws, await createUser(), {})).toMatchObject({ resolution: { kind: "no-tenant" }, data: null });
    await setTenantStatus(ws.tenant.id, "blocked");
    expect(await pageAs(ws, ws.owner, {})).toMatchObject({ resolution: { kind: "suspended" }, data: null });
  });
});

describe("projects between two workspaces", () => {
  it("shows another workspace none of them and lets it change none", async () => {
    const [a, b] = await Promise.all([createWorkspace(), createWorkspace()]);
    const mine = await createProject(actorFor(a.tenant, a[manager]), { name: "A's own" });
    const theirs = actorFor(b.tenant, b[manager]);
    expect((await listAs(b, manager)).total).toBe(0);
    expect(await domainCode(updateProject(theirs, { id: mine.id, name: "Hijacked" }))).toBe("not_found");
    expect(await domainCode(deleteProject(theirs, { id: mine.id }))).toBe("not_found");
    expect((await stored(mine.id))!.name).toBe("A's own");
    // Even without the lib's WHERE: B's unqualified writes reach nothing of A's.
    await asApp({ tenantId: b.tenant.id, user: b.owner }, async (client) => {
      expect((await client.query("SELECT id FROM projects WHERE id = $1", [mine.id])).rowCount).toBe(0);
      expect((await client.query("UPDATE projects SET name = 'Hijacked'")).rowCount).toBe(0);
      expect((await client.query("DELETE FROM projects")).rowCount).toBe(0);
    });
    expect((await auditRows(b.tenant.id)).filter((r) => r.action.startsWith("project."))).toEqual([]);
  });
});

describe("projects in the workspace's lifecycle", () => {
  it("go into the trash with their workspace and come back with it", async () => {
    const ws = await createWorkspace();
    const created = await createProject(actorFor(ws.tenant, ws[manager]), { name: "Kept" });
    const { batchId } = await deleteTenant(actorFor(ws.tenant, ws.owner), { confirmName: ws.tenant.name });
    const { rows } = await owner().query("SELECT deletion_batch_id FROM projects WHERE id = $1", [created.id]);
    expect(rows[0]).toEqual({ deletion_batch_id: batchId });
    await restoreTenant(actorFor(ws.tenant, ws.owner), ws.tenant.id);
    expect(await stored(created.id)).toMatchObject({ name: "Kept", deleted_at: null });
    expect((await listAs(ws, manager)).rows.map((r) => r.id)).toEqual([created.id]);
  });

  it.each(ROLES)("go into the trash and out of it only with their workspace, not one by one in raw SQL as the %s", async (role) => {
    const ws = await createWorkspace();
    const created = await createProject(actorFor(ws.tenant, ws[manager]), { name: "Visible" });
    await asApp({ tenantId: ws.tenant.id, user: ws[role] }, async (client) => {
      await client.query("SAVEPOINT probe");
      // Hidden from the list and the API, not deletable through the lib, unaudited: a deletion in all but name.
      const trashed = client.query("UPDATE projects SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1", [created.id]);
      expect(await pgErrorCode(trashed)).toBe(can(role, "tenant.delete") ? "ok" : can(role, "projects.manage") ? "42501" : "ok");
      await client.query("ROLLBACK TO SAVEPOINT probe");
      const born = client.query(
        "INSERT INTO projects (tenant_id, name, created_by, deleted_at, deletion_batch_id) VALUES ($1, 'born hidden', $2, now(), gen_random_uuid())",
        [ws.tenant.id, ws[role].id],
      );
      expect(await pgErrorCode(born)).toBe("42501");
    });
    if (!can(role, "tenant.delete")) expect(await stored(created.id)).toMatchObject({ deleted_at: null });
  });
});
