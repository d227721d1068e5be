// The resource generator, run into a scratch copy of the files it reads and
// edits (the schema, the registry, the API's schema names, the migrations'
// names): what it writes, with and without the versioned API, that it
// registers the module with one line, that it refuses to overwrite anything
// (exit 1 from the command line), that it checks names — and that the
// migration it writes applies to the test database and isolates tenants there
// (in a transaction that is rolled back). Last, generated into a scratch copy
// of the whole project, the resource passes typecheck, lint and its own tests
// (lib, API, and the RLS, roles-matrix, drift and client-bundle suites)
// untouched. (`next build` itself is the browser suite's, minutes long.)
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, owner } from "@/test/fixtures";
import { API_REGISTRY_MARKER, REGISTRY_MARKER, ResourceError, articleFor, generate, namesFor, type GenerateResult } from "./new-resource";

const REPO = path.join(import.meta.dirname, "..");

/** A scratch project: the schema, the registry, the API's schemas (app/api/v1 unless `api` is false), and the migrations' directories (names only). */
function scratchRoot({ api = true } = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), "new-resource-"));
  mkdirSync(path.join(root, "prisma/migrations"), { recursive: true });
  mkdirSync(path.join(root, "lib/registry"), { recursive: true });
  cpSync(path.join(REPO, "prisma/schema.prisma"), path.join(root, "prisma/schema.prisma"));
  cpSync(path.join(REPO, "lib/registry/index.ts"), path.join(root, "lib/registry/index.ts"));
  if (api) {
    mkdirSync(path.join(root, "app/api/v1"), { recursive: true });
    cpSync(path.join(REPO, "lib/api/schemas.ts"), path.join(root, "lib/api/schemas.ts"));
    cpSync(path.join(REPO, "lib/api/modules.ts"), path.join(root, "lib/api/modules.ts"));
  }
  for (const dir of readdirSync(path.join(REPO, "prisma/migrations"))) {
    if (/^\d{14}_/.test(dir)) mkdirSync(path.join(root, "prisma/migrations", dir));
  }
  return root;
}

/** Every file under `dir` with its contents. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("names", () => {
  it("derives every form of a plural name, snake or kebab", () => {
    expect(namesFor("time-entries")).toEqual({
      table: "time_entries",
      kebab: "time-entries",
      singular: "time_entry",
      camel: "timeEntries",
      Model: "TimeEntry",
      camelSingular: "timeEntry",
      Plurals: "TimeEntries",
      Plural: "Time entries",
      Singular: "Time entry",
      lower: "time entries",
      lowerSingular: "time entry",
    });
    expect(namesFor("time_entries").kebab).toBe("time-entries");
    expect(namesFor("projects")).toMatchObject({ singular: "project", Model: "Project" });
    expect(namesFor("statuses").singular).toBe("status");
    expect(namesFor("boxes").singular).toBe("box");
    expect(namesFor("quizzes").singular).toBe("quiz");
    expect(namesFor("analyses").singular).toBe("analysis");
  });

  it("asks for the singular where no rule finds it, and takes it from --singular", () => {
    for (const name of ["series", "news", "people", "data"]) expect(() => namesFor(name)).toThrow(/--singular/);
    expect(namesFor("people", "person")).toMatchObject({ table: "people", singular: "person", Model: "Person", Plurals: "People", lowerSingular: "person" });
    expect(namesFor("tv-series", "show")).toMatchObject({ table: "tv_series", singular: "tv_show", Model: "TvShow" });
    expect(() => namesFor("people", "people")).toThrow(/differ from the plural/);
    expect(() => namesFor("people", "Person")).toThrow(ResourceError);
  });

  it.each(["Projects", "project", "address", "1projects", "pro jects", "projects-", "a--bs", "x".repeat(40) + "s", "members", "users", "'; DROP TABLE x; --"])(
    "refuses %j",
    (name) => {
      expect(() => namesFor(name)).toThrow(ResourceError);
    },
  );

  it.each([
    ["records", "Record"],
    ["dates", "Date"],
    ["timestamps", "Timestamp"],
    ["rows", "Row"],
  ])("refuses %j, whose model would shadow %s, a name the generated code uses", (name, model) => {
    expect(() => namesFor(name)).toThrow(new RegExp(`model would be ${model}\\b`));
  });

  it.each(["documents", "pages", "alerts", "events"])("accepts %j (its model's name is used by no generated module beside it)", (name) => {
    expect(() => namesFor(name)).not.toThrow();
  });
});

describe("generating into a scratch copy", () => {
  let root: string;
  let result: GenerateResult;
  let sql: string;

  beforeAll(() => {
    root = scratchRoot();
    // A clock earlier than the newest migration: the new one must still come after it.
    result = generate({ root, name: "time-entries", now: new Date("2026-01-01T00:00:00Z") });
    sql = readFileSync(path.join(root, result.created[0]!), "utf8");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("writes the resource's files, and its migration after every other", () => {
    const newest = readdirSync(path.join(REPO, "prisma/migrations")).filter((d) => /^\d{14}_/.test(d)).sort().at(-1)!;
    const migration = result.created[0]!;
    expect(migration).toMatch(/^prisma\/migrations\/\d{14}_time_entries\/migration\.sql$/);
    expect(migration.split("/")[2]! > newest).toBe(true);
    expect(result.created.slice(1)).toEqual([
      "lib/time-entries/definition.ts",
      "lib/time-entries/index.ts",
      "lib/time-entries/time-entries.test.ts",
      "lib/time-entries/row-factory.ts",
      "app/app/(workspace)/time-entries/page.tsx",
      "app/app/(workspace)/time-entries/actions.ts",
      "components/time-entries/time-entries-forms.tsx",
      "lib/time-entries/api.ts",
      "lib/time-entries/api.test.ts",
      "app/api/v1/tenants/[tenantId]/time-entries/route.ts",
      "app/api/v1/tenants/[tenantId]/time-entries/[timeEntryId]/route.ts",
    ]);
    for (const file of result.created) {
      const text = readFileSync(path.join(root, file), "utf8");
      expect(text, file).not.toMatch(/\{\{[A-Za-z]+\}\}/);
    }
    expect(result.edited).toEqual(["prisma/schema.prisma", "lib/registry/index.ts", "lib/api/modules.ts"]);
    expect(result.notes).toEqual([]);
  });

  it("writes the API's endpoints and route files, and registers them with one line above the API's marker (and its import)", () => {
    const before = readFileSync(path.join(REPO, "lib/api/modules.ts"), "utf8").split("\n");
    const after = readFileSync(path.join(root, "lib/api/modules.ts"), "utf8").split("\n");
    expect(after.filter((line) => !before.includes(line))).toEqual([
      'import { endpoints as timeEntriesApi } from "@/lib/time-entries/api";',
      '  { module: "time_entries", endpoints: timeEntriesApi },',
    ]);
    expect(after[after.indexOf('  { module: "time_entries", endpoints: timeEntriesApi },') + 1]).toContain(API_REGISTRY_MARKER);
    const api = readFileSync(path.join(root, "lib/time-entries/api.ts"), "utf8");
    for (const op of ["listTimeEntries", "createTimeEntry", "getTimeEntry", "updateTimeEntry", "deleteTimeEntry"]) expect(api).toContain(`operationId: "${op}"`);
    expect(api).toContain('path: "/tenants/{tenantId}/time-entries/{timeEntryId}"');
    expect(api).toContain('permission: "time_entries.read"');
    expect(api).toContain('permission: "time_entries.manage"');
    // PATCH is a partial update: any of the fields create takes, at least one (patchBody), the lib's edit keeping what is not given.
    expect(api).toContain('const TimeEntryPatch = patchBody(createTimeEntrySchema).meta({ id: "TimeEntryPatch" });');
    const lib = readFileSync(path.join(root, "lib/time-entries/index.ts"), "utf8");
    expect(lib).toContain("export const updateTimeEntrySchema = createTimeEntrySchema.partial().extend({ id: idSchema });");
    expect(lib).toContain("const name = input.name ?? current.name;");
    const item = readFileSync(path.join(root, "app/api/v1/tenants/[tenantId]/time-entries/[timeEntryId]/route.ts"), "utf8");
    expect(item).toContain("export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiRoute(getTimeEntryEndpoint, updateTimeEntryEndpoint, deleteTimeEntryEndpoint);");
    expect(readFileSync(path.join(root, "app/api/v1/tenants/[tenantId]/time-entries/route.ts"), "utf8")).toContain(
      "export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiRoute(listTimeEntriesEndpoint, createTimeEntryEndpoint);",
    );
  });

  it("writes the page's forms as projects has them: the edit opened again after a refusal starts clean, and “Created …” goes once a later action changes the list", () => {
    const forms = readFileSync(path.join(root, "components/time-entries/time-entries-forms.tsx"), "utf8");
    // The outcome as it was when the edit last opened is not shown again.
    expect(forms).toContain("const state = latest === openedWith ? null : latest;");
    expect(forms).toMatch(/onClick=\{\(\) => \{[^}]*setOpenedWith\(latest\);[^}]*setEditing\(true\);/);
    // The create form holds its notice through useListNotice, for the list the page names, settled once the new row is in it.
    expect(forms).toContain('import { useListNotice } from "@/components/members/use-list-notice";');
    expect(forms).toContain("export function CreateTimeEntryForm({ list }: { list: { key: string; ids: string[] } })");
    expect(forms).toContain("useListNotice(state?.ok ? state : null, list.key, (s) => list.ids.includes(s.data.id))");
    expect(forms).not.toContain("{state?.ok ? <Alert");
    const page = readFileSync(path.join(root, "app/app/(workspace)/time-entries/page.tsx"), "utf8");
    expect(page).toContain("<CreateTimeEntryForm list={list} />");
    expect(page).toContain("ids: data.rows.map((row) => row.id),");
    const actions = readFileSync(path.join(root, "app/app/(workspace)/time-entries/actions.ts"), "utf8");
    expect(actions).toContain("data: { id: created.id }, message: `Created “${created.name}”.`");
  });

  it("writes forms that show their refusals as the app's forms do: a session that ended offers “Sign in again” (FormError)", () => {
    const forms = readFileSync(path.join(root, "components/time-entries/time-entries-forms.tsx"), "utf8");
    expect(forms).toContain('import { FormError, RefusalText } from "@/components/form-error";');
    // The create form's refusal that names no field, and the rename's beside its field.
    expect(forms).toContain("<FormError refusal={state && !state.ok && !errors.name ? state : null} />");
    expect(forms).toMatch(/<p className="mt-1 text-sm text-red-600">\s*<RefusalText refusal=\{state\} \/>\s*<\/p>/);
    // No refusal's message shown by itself, without the link it may need.
    expect(forms).not.toMatch(/\.error\}/);
    expect(forms).not.toContain('<Alert variant="error"');
  });

  it("writes the page as projects has it: past the last page the last one there is, each row action's message as the list's notice taking the focus, names and notices that wrap", () => {
    const page = readFileSync(path.join(root, "app/app/(workspace)/time-entries/page.tsx"), "utf8");
    // A page past the end (its rows deleted, a number typed) reads the last page there is; the links and "Page n of m" follow it.
    expect(page).toContain("if (query.page <= last || asked.data.total === 0) return asked;");
    expect(page).toContain("return requireTenantWith(listTimeEntriesRead({ ...query, page: last }));");
    expect(page).toContain("const current = Math.min(data.page, pages);");
    expect(page).toContain("Page {current} of {pages}");
    expect(page).not.toContain("query.page - 1");
    expect(page).not.toContain("Page {query.page}");
    // A number past the largest page the list reads is past the last too: it reads as that page, not the first.
    expect(readFileSync(path.join(root, "lib/time-entries/index.ts"), "utf8")).toContain(
      "page: z.coerce.number().int().min(1).max(100_000).catch(({ input }) => (Number(input) > 100_000 ? 100_000 : 1)),",
    );
    // The rows' versions for the notice; the list inside it; the name cell wraps, with room for words.
    expect(page).toContain("versions: data.rows.map((row) => row.updatedAt.getTime()),");
    expect(page).toMatch(/<TimeEntriesNotice list=\{list\}>[\s\S]*<TimeEntryRowActions [\s\S]*<\/TimeEntriesNotice>/);
    expect(page).toContain('<td className="td max-w-md min-w-40 font-medium wrap-anywhere">{row.name}</td>');
    const forms = readFileSync(path.join(root, "components/time-entries/time-entries-forms.tsx"), "utf8");
    // The notice is focusable and takes the focus; a rename and a delete tell it their message.
    expect(forms).toContain('<Alert variant="success" ref={ref} tabIndex={-1} className="wrap-anywhere outline-none" data-testid="time-entries-notice">');
    expect(forms).toContain("const ref = useFocusOn<HTMLDivElement>(latest);");
    expect(forms).toContain('notify({ text: result.message ?? "Saved.", id, version: result.data.version });');
    expect(forms).toContain('onDone={(result) => result.ok && notify({ text: result.message ?? "Deleted.", id, version: null })}');
    // "Created …" with a long name wraps instead of widening the page.
    expect(forms).toMatch(/<Alert variant="success" className="wrap-anywhere">\s*\{created\.message\}/);
    const actions = readFileSync(path.join(root, "app/app/(workspace)/time-entries/actions.ts"), "utf8");
    expect(actions).toContain("data: { version: updated.updatedAt.getTime() }, message: `Saved “${updated.name}”.`");
  });

  it("writes “a” or “an” as the name reads: a time entry, an invoice", () => {
    const api = readFileSync(path.join(root, "lib/time-entries/api.ts"), "utf8");
    expect(api).toContain('summary: "Create a time entry"');
    const other = scratchRoot();
    try {
      const made = generate({ root: other, name: "invoices" });
      const text = (file: string) => readFileSync(path.join(other, file), "utf8");
      for (const summary of ["Create an invoice", "An invoice", "Rename an invoice", "Delete an invoice"]) expect(text("lib/invoices/api.ts")).toContain(`summary: "${summary}"`);
      expect(text("lib/invoices/index.ts")).toContain("/** Renames an invoice;");
      expect(text(made.created[0]!)).toContain("An invoice deleted on its own");
      for (const file of made.created) expect(text(file), file).not.toMatch(/\b[Aa] invoice\b/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    expect(["invoice", "order", "item", "estimate", "upload", "time entry", "user", "unit", "project"].map((w) => `${articleFor(w)} ${w}`)).toEqual([
      "an invoice",
      "an order",
      "an item",
      "an estimate",
      "an upload",
      "a time entry",
      "a user",
      "a unit",
      "a project",
    ]);
  });

  it("registers the module with its line above the marker (and its import)", () => {
    const before = readFileSync(path.join(REPO, "lib/registry/index.ts"), "utf8").split("\n");
    const after = readFileSync(path.join(root, "lib/registry/index.ts"), "utf8").split("\n");
    const added = after.filter((line) => !before.includes(line));
    expect(added).toEqual(['import { timeEntriesModule } from "@/lib/time-entries/definition";', "  timeEntriesModule,"]);
    expect(after[after.indexOf("  timeEntriesModule,") + 1]).toContain(REGISTRY_MARKER);
  });

  it("appends a model Prisma accepts, with its tenant key stated for the drift test", () => {
    const schema = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
    expect(schema.startsWith(readFileSync(path.join(REPO, "prisma/schema.prisma"), "utf8").trimEnd())).toBe(true);
    const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] })));
    const model = dmmf.datamodel.models.find((m: { name: string }) => m.name === "TimeEntry");
    expect(model.dbName).toBe("time_entries");
    expect(model.documentation).toContain("@fk tenant_id -> tenants(id) on delete cascade");
  });

  it("writes policies that ask the matrix and rows for the matrix's roles", () => {
    expect(sql).toContain('ALTER TABLE "time_entries" FORCE ROW LEVEL SECURITY;');
    expect(sql).toContain("app_can('time_entries.read')");
    expect(sql).toContain("app_can('time_entries.manage')");
    expect(sql).not.toMatch(/app_role_in|'owner'\)?\s*(=|IN)/);
    const definition = readFileSync(path.join(root, "lib/time-entries/definition.ts"), "utf8");
    expect(definition).toContain('"time_entries.read": { roles: ["owner", "admin", "auditor", "member"]');
    expect(definition).toContain('"time_entries.manage": { roles: ["owner", "admin", "member"]');
    expect(sql).toContain("('time_entries.manage', 'member')");
    expect(sql).not.toContain("('time_entries.manage', 'auditor')");
  });

  it("refuses to run again: exit 1, a message naming what is in the way, nothing changed", () => {
    const before = snapshot(root);
    expect(() => generate({ root, name: "time_entries" })).toThrow(/exists already; nothing was written/);
    const cli = spawnSync(process.execPath, [path.join(REPO, "node_modules/tsx/dist/cli.mjs"), path.join(REPO, "scripts/new-resource.ts"), "time-entries", "--root", root], {
      encoding: "utf8",
    });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain("“time_entries” exists already; nothing was written");
    expect(cli.stderr).toContain("lib/time-entries/index.ts");
    expect(snapshot(root)).toEqual(before);
  });

  it("refuses a name whose files exist even when the registry does not know it — its API routes too", () => {
    const other = scratchRoot();
    try {
      mkdirSync(path.join(other, "components/invoices"), { recursive: true });
      expect(() => generate({ root: other, name: "invoices" })).toThrow(/components\/invoices/);
      rmSync(path.join(other, "components/invoices"), { recursive: true });
      mkdirSync(path.join(other, "app/api/v1/tenants/[tenantId]/invoices/[invoiceId]"), { recursive: true });
      const before = snapshot(other);
      expect(() => generate({ root: other, name: "invoices" })).toThrow(/app\/api\/v1\/tenants\/\[tenantId\]\/invoices/);
      expect(snapshot(other)).toEqual(before);
      expect(existsSync(path.join(other, "lib/invoices"))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("refuses a name whose API schemas the document holds already (a resource “mes” would be Me)", () => {
    const other = scratchRoot();
    try {
      expect(() => generate({ root: other, name: "mes" })).toThrow(/the API's document: schema Me\b/);
      expect(existsSync(path.join(other, "lib/mes"))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("refuses a name whose permissions or audit actions another module holds (apikeys.manage, apikey.create)", () => {
    const other = scratchRoot();
    try {
      mkdirSync(path.join(other, "lib/api-keys"), { recursive: true });
      cpSync(path.join(REPO, "lib/api-keys/definition.ts"), path.join(other, "lib/api-keys/definition.ts"));
      cpSync(path.join(REPO, "lib/registry/core.ts"), path.join(other, "lib/registry/core.ts"));
      const before = snapshot(other);
      expect(() => generate({ root: other, name: "apikeys" })).toThrow(/lib\/registry\/core\.ts: apikeys\.manage[\s\S]*lib\/api-keys\/definition\.ts: apikey\.create/);
      expect(snapshot(other)).toEqual(before);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("prints the README's next steps on success, the tests to run among them", () => {
    const other = scratchRoot();
    try {
      const cli = spawnSync(process.execPath, [path.join(REPO, "node_modules/tsx/dist/cli.mjs"), path.join(REPO, "scripts/new-resource.ts"), "invoices", "--root", other], {
        encoding: "utf8",
      });
      expect(cli.status).toBe(0);
      const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
      const step = /^ {4}(npx vitest run lib\/<name> .*)$/m.exec(readme)![1]!;
      expect(cli.stdout).toContain(step.replaceAll("<name>", "invoices"));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("takes a name that only ends another migration's name (api_keys, audit_search_terms)", () => {
    const other = scratchRoot();
    try {
      for (const name of ["keys", "terms"]) {
        expect(generate({ root: other, name }).created[0]).toMatch(new RegExp(`^prisma/migrations/\\d{14}_${name}/migration\\.sql$`));
      }
      expect(() => generate({ root: other, name: "keys" })).toThrow(/exists already/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("writes no API where there is none: no files, no registration, a note saying so", () => {
    const other = scratchRoot({ api: false });
    try {
      const plain = generate({ root: other, name: "invoices" });
      expect(plain.created.filter((f) => f.includes("api"))).toEqual([]);
      expect(plain.notes).toEqual(["There is no app/api/v1: no REST API was written for the resource."]);
      expect(plain.edited).toEqual(["prisma/schema.prisma", "lib/registry/index.ts"]);
      expect(existsSync(path.join(other, "lib/api/modules.ts"))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("applies to the migrated database and keeps each workspace to its rows (rolled back)", async () => {
    const [a, b] = await Promise.all([createWorkspace(), createWorkspace()]);
    const client = await owner().connect();
    try {
      await client.query("BEGIN");
      await client.query(sql);
      const { rows: security } = await client.query(
        "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'public.time_entries'::regclass",
      );
      expect(security).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
      const { rows: granted } = await client.query("SELECT permission, role::text FROM role_permissions WHERE permission LIKE 'time_entries.%' ORDER BY 1, 2");
      expect(granted.map((r) => `${r.permission}:${r.role}`)).toEqual([
        "time_entries.manage:admin",
        "time_entries.manage:member",
        "time_entries.manage:owner",
        "time_entries.read:admin",
        "time_entries.read:auditor",
        "time_entries.read:member",
        "time_entries.read:owner",
      ]);
      await client.query("INSERT INTO time_entries (tenant_id, name) VALUES ($1, 'a'), ($2, 'b')", [a.tenant.id, b.tenant.id]);

      // As the app, entered as A's auditor (reads, may not manage), then A's member (manages).
      await client.query("SET LOCAL ROLE tenantry_app");
      await client.query("SELECT app_enter($1, $2, true)", [a.auditor.sessionToken, a.tenant.id]);
      expect((await client.query("SELECT name FROM time_entries")).rows).toEqual([{ name: "a" }]);
      expect((await client.query("DELETE FROM time_entries")).rowCount).toBe(0);
      await client.query("SELECT app_enter($1, $2, true)", [a.member.sessionToken, a.tenant.id]);
      expect((await client.query("UPDATE time_entries SET name = 'changed'")).rowCount).toBe(1);
      expect((await client.query("DELETE FROM time_entries")).rowCount).toBe(1);
      await client.query("RESET ROLE");
      expect((await client.query("SELECT name FROM time_entries ORDER BY name")).rows).toEqual([{ name: "b" }]);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  it("lets only the workspace's deletion move rows into the trash, and only the managers edit them, even an owner kept from managing (rolled back)", async () => {
    const other = scratchRoot();
    const ws = await createWorkspace();
    const client = await owner().connect();
    try {
      const made = generate({ root: other, name: "field-tasks", manageRoles: ["admin", "member"] });
      await client.query("BEGIN");
      await client.query(readFileSync(path.join(other, made.created[0]!), "utf8"));
      const { rows } = await client.query<{ id: string }>("INSERT INTO field_tasks (tenant_id, name) VALUES ($1, 'a') RETURNING id", [ws.tenant.id]);
      const id = rows[0]!.id;
      const attempt = async (user: { sessionToken: string }, text: string, values: unknown[] = [id]) => {
        await client.query("SAVEPOINT probe");
        await client.query("SELECT app_enter($1, $2, true)", [user.sessionToken, ws.tenant.id]);
        const code = await client
          .query(text, values)
          .then((r) => (r.rowCount ? "ok" : "none"))
          .catch((e: { code?: string }) => e.code ?? "error");
        await client.query("ROLLBACK TO SAVEPOINT probe");
        return code;
      };
      const rename = "UPDATE field_tasks SET name = 'changed' WHERE id = $1";
      const trash = "UPDATE field_tasks SET deleted_at = now(), deletion_batch_id = gen_random_uuid() WHERE id = $1";
      const hidden = "INSERT INTO field_tasks (tenant_id, name, created_by, deleted_at, deletion_batch_id) VALUES ($1, 'x', $2, now(), gen_random_uuid())";
      await client.query("SET LOCAL ROLE tenantry_app");
      // The owner deletes the workspace (tenant.delete) but does not manage field tasks.
      expect(await attempt(ws.owner, rename)).toBe("42501");
      expect(await attempt(ws.owner, trash)).toBe("ok");
      // A member manages them but deletes no workspace: no row goes into the trash on its own.
      expect(await attempt(ws.member, rename)).toBe("ok");
      expect(await attempt(ws.member, trash)).toBe("42501");
      expect(await attempt(ws.member, hidden, [ws.tenant.id, ws.member.id])).toBe("42501");
    } finally {
      await client.query("ROLLBACK");
      client.release();
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe("a generated resource in a scratch copy of the whole project", () => {
  let root: string;
  let result: GenerateResult;
  // The project's own files (no dependencies, builds, databases or history); node_modules is linked.
  const SKIP = new Set(["node_modules", ".git", ".data", "test-results", "playwright-report", ".scratch"]);
  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    spawnSync(process.execPath, args, {
      cwd: root,
      encoding: "utf8",
      timeout: 150_000,
      env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "new-resource-project-"));
    cpSync(REPO, root, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(REPO, src);
        const top = rel.split(path.sep)[0]!;
        return !SKIP.has(top) && !top.startsWith(".next") && !rel.endsWith(".tsbuildinfo");
      },
    });
    symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"), "dir");
    result = generate({ root, name: "field-notes" });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("passes typecheck (tsc --noEmit) and lint (eslint, no warnings) untouched", () => {
    const tsc = run([path.join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "--incremental", "false", "-p", root]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
    const eslint = run([path.join(root, "node_modules/eslint/bin/eslint.js"), "--max-warnings", "0", ...[...result.created, ...result.edited].filter((f) => /\.tsx?$/.test(f))]);
    expect(eslint.stdout + eslint.stderr).toBe("");
    expect(eslint.status).toBe(0);
    // Two processes of up to 150 s each: on a busy machine tsc over the whole copy alone has taken over two minutes.
  }, 300_000);

  it("passes its own tests — the lib's and the API's — the RLS, roles-matrix and drift suites on a database migrated with its migration, and keeps server code out of client bundles", () => {
    expect(result.created).toContain("lib/field-notes/api.test.ts");
    // Its own run: its own database (migrated by the copy's global setup) and mail catcher.
    const vitest = run(
      [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "lib/field-notes", "prisma/rls.test.ts", "prisma/roles-matrix.test.ts", "prisma/schema-drift.test.ts", "lib/tenancy/client-graph.test.ts"],
      { DATABASE_URL: process.env.DATABASE_URL, NO_COLOR: "1" },
    );
    const output = vitest.stdout + vitest.stderr;
    expect(vitest.status, output.slice(-3000)).toBe(0);
    expect(output).toMatch(/lib\/field-notes\/api\.test\.ts/);
    expect(output).toMatch(/lib\/field-notes\/field-notes\.test\.ts/);
    expect(output).toMatch(/Test Files +6 passed/);
  }, 300_000);
});
