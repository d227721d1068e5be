import "server-only";
import { z } from "zod";
import { ApiProblem } from "@/lib/api/problem";
import { keysetAfter, keysetCursor, type KeysetQuery } from "@/lib/api/keyset";
import { endpoint, iso, requireKey } from "@/lib/api/route";
import { patchBody, Timestamp, TenantPath, uuid } from "@/lib/api/schemas";
import {
  createProject,
  createProjectSchema,
  deleteProject,
  descriptionTextSchema,
  editProject,
  getProject,
  listProjects,
  LIST_ORDER,
  listQuerySchema,
  nameSchema,
  NAME_MAX,
  PAGE_SIZE,
  PROJECT_STATUSES,
  type Project as ProjectRow,
} from "@/lib/projects";

// Projects in the REST API (/api/v1/tenants/{tenantId}/projects, written by
// npm run new:resource): the same lib/projects functions as the page and its
// actions (the same rules, the same audit rows), projects.read to read and
// projects.manage to change, as the roles matrix says. Registered by one line
// in lib/api/modules.ts (which the document reads); the route files under
// app/api/v1/tenants/[tenantId]/projects export these endpoints.

const ProjectPath = TenantPath.extend({ projectId: uuid("project id") });

const Project = z
  .object({
    id: z.guid(),
    name: z.string(),
    description: z.string().nullable(),
    archived: z.boolean(),
    archivedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "Project" });
const ProjectPage = z
  .object({ data: z.array(Project), total: z.number().int(), nextCursor: z.string().nullable() })
  .meta({ id: "ProjectPage" });

const ProjectsQuery = z.object({
  q: z.string().max(NAME_MAX, { error: `Search text has at most ${NAME_MAX} characters.` }).optional().meta({ description: "Search names and descriptions." }),
  status: z.enum(PROJECT_STATUSES, { error: "status is active, archived or all." }).optional().meta({ description: "active (default), archived or all (active first)." }),
  cursor: z
    .string()
    .max(200, { error: "Send nextCursor from the previous page unchanged." })
    .optional()
    .meta({ description: "nextCursor from the previous page, with the same q and status: the page after its last project, whatever was added or deleted since." }),
});

const ProjectCreate = createProjectSchema.meta({ id: "ProjectCreate" });
const ProjectPatch = patchBody(
  z.object({
    name: nameSchema,
    description: descriptionTextSchema.nullable().meta({ description: "null or an empty string clears it." }),
    archived: z.boolean({ error: "archived is true or false." }).meta({ description: "true archives the project, false brings it back." }),
  }),
).meta({ id: "ProjectPatch" });

const toApi = (row: ProjectRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  archived: row.archivedAt !== null,
  archivedAt: row.archivedAt ? iso(row.archivedAt) : null,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

export const listProjectsEndpoint = endpoint({
  operationId: "listProjects",
  method: "get",
  path: "/tenants/{tenantId}/projects",
  summary: `The workspace's projects, ${PAGE_SIZE} a page, newest first`,
  description: "As on the projects page: the active ones unless status says otherwise (all: active first), searched in names and descriptions.",
  params: TenantPath,
  query: ProjectsQuery,
  permission: "projects.read",
  write: false,
  success: { status: 200, description: "A page of projects; nextCursor is null on the last.", schema: ProjectPage },
  problems: ["validation-error"],
  async load(tx, ctx) {
    const query = listQuerySchema.parse({ q: ctx.query.q ?? "", status: ctx.query.status ?? "active" });
    // A keyset over the list's order: the cursor is the last row's sort key, for this search and status only.
    const keyset: KeysetQuery = { list: "projects", order: LIST_ORDER, filters: { q: query.q, status: query.status } };
    const key = keysetAfter(keyset, ctx.query.cursor, 3);
    const after = key && { archived: key[0] === "archived", createdAt: key[1]!, id: key[2]! };
    const data = await listProjects(tx, { tenantId: ctx.params.tenantId }, query, after);
    const next = data.next && keysetCursor(keyset, [data.next.archived ? "archived" : "active", data.next.createdAt, data.next.id]);
    return { status: 200, body: { data: data.rows.map(toApi), total: data.total, nextCursor: next } };
  },
});

export const createProjectEndpoint = endpoint({
  operationId: "createProject",
  method: "post",
  path: "/tenants/{tenantId}/projects",
  summary: "Create a project",
  description: "As on the projects page (projects.manage). Audited as project.create. Honours Idempotency-Key.",
  params: TenantPath,
  body: ProjectCreate,
  permission: "projects.manage",
  write: true,
  success: { status: 201, description: "The project; Location is its URL.", schema: Project },
  location: (created, params) => `/tenants/${params.tenantId}/projects/${created.id}`,
  problems: ["validation-error"],
  async handle(ctx) {
    return { status: 201, body: toApi(await createProject(requireKey(ctx).actor, ctx.body)) };
  },
});

export const getProjectEndpoint = endpoint({
  operationId: "getProject",
  method: "get",
  path: "/tenants/{tenantId}/projects/{projectId}",
  summary: "A project",
  params: ProjectPath,
  permission: "projects.read",
  write: false,
  success: { status: 200, description: "The project.", schema: Project },
  problems: [],
  async load(tx, ctx) {
    const row = await getProject(tx, { tenantId: ctx.params.tenantId }, ctx.params.projectId);
    if (!row) throw new ApiProblem("not-found", "There is no such project.");
    return { status: 200, body: toApi(row) };
  },
});

export const updateProjectEndpoint = endpoint({
  operationId: "updateProject",
  method: "patch",
  path: "/tenants/{tenantId}/projects/{projectId}",
  summary: "Rename a project, change its description, archive it or bring it back",
  description:
    "What is not sent stays as it is. In one transaction, audited as the page's edit (project.update) and archive (project.archive / project.unarchive); what is already so changes and records nothing.",
  params: ProjectPath,
  body: ProjectPatch,
  permission: "projects.manage",
  write: true,
  success: { status: 200, description: "The project as it is now.", schema: Project },
  problems: ["validation-error"],
  async handle(ctx) {
    return { status: 200, body: toApi(await editProject(requireKey(ctx).actor, { id: ctx.params.projectId, ...ctx.body })) };
  },
});

export const deleteProjectEndpoint = endpoint({
  operationId: "deleteProject",
  method: "delete",
  path: "/tenants/{tenantId}/projects/{projectId}",
  summary: "Delete a project",
  description: "For good (the page asks for a confirmation first). Audited as project.delete.",
  params: ProjectPath,
  permission: "projects.manage",
  write: true,
  success: { status: 204, description: "Deleted." },
  problems: [],
  async handle(ctx) {
    await deleteProject(requireKey(ctx).actor, { id: ctx.params.projectId });
    return { status: 204 };
  },
});

export const endpoints = [listProjectsEndpoint, createProjectEndpoint, getProjectEndpoint, updateProjectEndpoint, deleteProjectEndpoint];
