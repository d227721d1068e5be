import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { empty, enteredTenant, runRead, sql, type Read, type Sql, type Tx } from "@/lib/db";
import { DomainError, RELOAD_THE_PAGE } from "@/lib/errors";
import { can, withTenant, type Role, type TenantActor } from "@/lib/tenancy";
import { searchQuerySchema, uuidSchema } from "@/lib/validation";

// Projects (written by npm run new:resource, then given a description and an
// archive by hand): list, get, create, edit, archive, unarchive and delete,
// the writes each inside withTenant (one transaction, the request's identity
// proven to the database) with its audit row in the same transaction.
// The roles matrix decides who may do what (projects.read, projects.manage,
// lib/projects/definition.ts); the policies refuse the same in the database.

export const PAGE_SIZE = 25;
export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 2000;

const NOT_FOUND = "That project does not exist (any more).";
const FORBIDDEN = "Your role in this workspace does not allow changing projects.";

export const nameSchema = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(NAME_MAX, `Keep the name to ${NAME_MAX} characters or fewer.`);
/** Empty (or only spaces) is none (null). A textarea posts CRLF line breaks; they are kept as one character. */
export const descriptionTextSchema = z
  .string({ error: "The description is text." })
  .transform((text) => text.replace(/\r\n?/g, "\n").trim())
  .pipe(z.string().max(DESCRIPTION_MAX, `Keep the description to ${DESCRIPTION_MAX.toLocaleString("en")} characters or fewer.`))
  .transform((text) => text || null);
/** Optional: not given is none. */
const descriptionSchema = descriptionTextSchema.optional().transform((text) => text ?? null);
const idSchema = uuidSchema(NOT_FOUND);

export const createProjectSchema = z.object({ name: nameSchema, description: descriptionSchema });
export const updateProjectSchema = z.object({ id: idSchema, name: nameSchema, description: descriptionSchema });
export const deleteProjectSchema = z.object({ id: idSchema });
export const archiveProjectSchema = z.object({ id: idSchema, archived: z.enum(["true", "false"]).transform((v) => v === "true") });

export const PROJECT_STATUSES = ["active", "archived", "all"] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** The list's URL: a search in the names, active or archived ones, a page number (past 100,000 the largest the list reads, so the page shows its last); anything else reads as the first page of the active ones. */
export const listQuerySchema = z.object({
  q: searchQuerySchema(NAME_MAX),
  status: z.enum(PROJECT_STATUSES).catch("active"),
  page: z.coerce.number().int().min(1).max(100_000).catch(({ input }) => (Number(input) > 100_000 ? 100_000 : 1)),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export interface Project {
  id: string;
  name: string;
  description: string | null;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProjectPage {
  rows: Project[];
  total: number;
  page: number;
  pageSize: number;
  /** The sort key of the page's last row when more follow it (the API's next cursor); null on the last page. */
  next: ProjectPosition | null;
}

/**
 * A place in the list's order — active first, then newest first, ties broken
 * by id (LIST_ORDER) — as the sort key of the row a page ends with: the API's
 * keyset cursor. `createdAt` is the instant to the microsecond, as Postgres
 * keeps it (a Date would round it to the millisecond).
 */
export interface ProjectPosition {
  archived: boolean;
  createdAt: string;
  id: string;
}
/** The name of the list's order, which a cursor carries: change it with the ORDER BY below, so older cursors are refused. */
export const LIST_ORDER = "archived_at IS NOT NULL, created_at DESC, id DESC";

interface Row {
  id: string;
  name: string;
  description: string | null;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
}
/** A listed row: with its created_at as exact text, for its position. */
type ListedRow = Row & { created_key: string };
const COLUMNS = sql`id, name, description, archived_at, created_at, updated_at`;
const from = (r: Row): Project => ({
  id: r.id,
  name: r.name,
  description: r.description,
  archivedAt: r.archived_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** `q` as a LIKE pattern that matches it literally, anywhere in the text. */
const containing = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const STATUS_CONDITION = {
  active: sql`archived_at IS NULL`,
  archived: sql`archived_at IS NOT NULL`,
  all: sql`TRUE`,
} satisfies Record<ProjectStatus, unknown>;

/**
 * A page of the workspace's projects — the active ones, the archived ones or
 * all (active first) — newest first, those whose name or description contains
 * `q` when it is given: the page's Read, of the workspace the request entered
 * (`enteredTenant`, the default), sent with the entry. The SELECT policy
 * admits rows only to projects.read. One statement: the count beside the
 * page's rows (one row of nulls when the page is empty). The page is the
 * query's page number, or — given `after`, as the API does — the rows that
 * follow that position in the order (a keyset: rows added or deleted since
 * move no row from one page to another).
 */
export function listProjectsRead(
  query: ListQuery,
  tenant: Sql = enteredTenant,
  after: ProjectPosition | null = null,
): Read<ProjectPage, { total: number } & ({ [K in keyof ListedRow]: null } | ListedRow)> {
  const pattern = query.q ? containing(query.q) : null;
  const where = sql`tenant_id = ${tenant} AND deleted_at IS NULL AND ${STATUS_CONDITION[query.status]}
    AND (${pattern}::text IS NULL OR name ILIKE ${pattern} OR description ILIKE ${pattern})`;
  // After `after` in LIST_ORDER: archived ones after active ones, then older, then (same instant) a lower id.
  const following = after
    ? sql`AND ((archived_at IS NOT NULL) > ${after.archived}::boolean
            OR ((archived_at IS NOT NULL) = ${after.archived}::boolean AND (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)))`
    : empty;
  const offset = after ? 0 : (query.page - 1) * PAGE_SIZE;
  return {
    // One row more than the page, to know whether another follows it.
    statement: sql`
      SELECT (SELECT count(*)::int FROM projects WHERE ${where}) AS total, page.*
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (
          SELECT ${COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key FROM projects
           WHERE ${where} ${following}
           ORDER BY archived_at IS NOT NULL, created_at DESC, id DESC
           LIMIT ${PAGE_SIZE + 1} OFFSET ${offset}) AS page ON true`,
    result(rows) {
      const found = rows.filter((r): r is { total: number } & ListedRow => r.id !== null);
      const last = found.length > PAGE_SIZE ? found[PAGE_SIZE - 1]! : null;
      return {
        rows: found.slice(0, PAGE_SIZE).map(from),
        total: rows[0]?.total ?? 0,
        page: query.page,
        pageSize: PAGE_SIZE,
        next: last && { archived: last.archived_at !== null, createdAt: last.created_key, id: last.id },
      };
    },
  };
}

/** The same page of a workspace named by id, in the caller's transaction (the API's list, by position). */
export function listProjects(tx: Tx, actor: { tenantId: string }, query: ListQuery, after: ProjectPosition | null = null): Promise<ProjectPage> {
  return runRead(tx, listProjectsRead(query, sql`${actor.tenantId}::uuid`, after));
}

/** One project of the workspace, or null (none, deleted, another workspace's). Runs in the caller's transaction. */
export async function getProject(tx: Tx, actor: { tenantId: string }, id: string): Promise<Project | null> {
  const row = await tx.one<Row>(sql`
    SELECT ${COLUMNS} FROM projects WHERE id = ${id}::uuid AND tenant_id = ${actor.tenantId}::uuid AND deleted_at IS NULL`);
  return row ? from(row) : null;
}

/** Enters the tenant as the actor, refusing unless their live role may manage projects. */
function managing<T>(actor: TenantActor, fn: (tx: Tx, role: Role) => Promise<T>): Promise<T> {
  return withTenant(actor, async (tx, role) => {
    if (!can(role, "projects.manage")) throw new DomainError("forbidden", FORBIDDEN);
    return fn(tx, role);
  });
}

type ProjectAction = "project.create" | "project.update" | "project.archive" | "project.unarchive" | "project.delete";
const audit = (tx: Tx, actor: TenantActor, action: ProjectAction, id: string, metadata: Record<string, unknown>) =>
  recordAudit(tx, { tenantId: actor.tenantId, actor: actor.user, action, target: { type: "project", id }, metadata, request: actor.request });

/** The project, locked: concurrent changes queue, so each audit row's "from" is what it replaced. */
async function locked(tx: Tx, actor: TenantActor, id: string): Promise<Row> {
  const row = await tx.one<Row>(sql`
    SELECT ${COLUMNS} FROM projects WHERE id = ${id}::uuid AND tenant_id = ${actor.tenantId}::uuid AND deleted_at IS NULL FOR UPDATE`);
  if (!row) throw new DomainError("not_found", NOT_FOUND, undefined, RELOAD_THE_PAGE);
  return row;
}

/** What the forms give (createProjectSchema, updateProjectSchema); a description not given is none, or unchanged. */
type ProjectInput = { name: string; description?: string | null };

export async function createProject(actor: TenantActor, input: ProjectInput): Promise<Project> {
  return managing(actor, async (tx) => {
    const row = await tx.one<Row>(sql`
      INSERT INTO projects (tenant_id, name, description, created_by)
      VALUES (${actor.tenantId}::uuid, ${input.name}, ${input.description ?? null}, ${actor.user.id}::uuid)
      RETURNING ${COLUMNS}`);
    // The description's length, not its text: auditors read the log.
    await audit(tx, actor, "project.create", row!.id, { name: input.name, description_length: input.description?.length ?? 0 });
    return from(row!);
  });
}

/**
 * Renames a project and/or changes its description; the audit row says from
 * what name to what, and whether the description changed. Nothing changed
 * changes (and records) nothing. Archived projects can be edited too.
 */
export async function updateProject(actor: TenantActor, input: ProjectInput & { id: string }): Promise<Project> {
  return managing(actor, async (tx) => from(await edit(tx, actor, await locked(tx, actor, input.id), input)));
}

async function edit(tx: Tx, actor: TenantActor, current: Row, input: ProjectInput): Promise<Row> {
  const description = input.description === undefined ? current.description : input.description;
  const renamed = current.name !== input.name;
  const described = current.description !== description;
  if (!renamed && !described) return current;
  const row = await tx.one<Row>(sql`
    UPDATE projects SET name = ${input.name}, description = ${description}, updated_at = now() WHERE id = ${current.id}::uuid
    RETURNING ${COLUMNS}`);
  await audit(tx, actor, "project.update", current.id, {
    name: input.name,
    ...(renamed ? { from: current.name, to: input.name } : {}),
    description_changed: described,
  });
  return row!;
}

/** Archives a project or brings it back; doing what is already done records nothing. */
export async function setProjectArchived(actor: TenantActor, input: z.output<typeof archiveProjectSchema>): Promise<Project> {
  return managing(actor, async (tx) => from(await archive(tx, actor, await locked(tx, actor, input.id), input.archived)));
}

async function archive(tx: Tx, actor: TenantActor, current: Row, archived: boolean): Promise<Row> {
  if ((current.archived_at !== null) === archived) return current;
  const row = await tx.one<Row>(sql`
    UPDATE projects SET archived_at = CASE WHEN ${archived}::boolean THEN now() END, updated_at = now() WHERE id = ${current.id}::uuid
    RETURNING ${COLUMNS}`);
  await audit(tx, actor, archived ? "project.archive" : "project.unarchive", current.id, { name: current.name });
  return row!;
}

/** The API's PATCH: any of the name, the description (null clears it) and archived; what is not given stays. */
export type ProjectEdit = { id: string; name?: string; description?: string | null; archived?: boolean };

/**
 * Edits and archives (or brings back) in one transaction, with the same
 * audit rows as the page's edit and archive, in that order.
 */
export async function editProject(actor: TenantActor, input: ProjectEdit): Promise<Project> {
  return managing(actor, async (tx) => {
    let current = await locked(tx, actor, input.id);
    if (input.name !== undefined || input.description !== undefined) {
      current = await edit(tx, actor, current, { name: input.name ?? current.name, description: input.description });
    }
    if (input.archived !== undefined) current = await archive(tx, actor, current, input.archived);
    return from(current);
  });
}

export async function deleteProject(actor: TenantActor, input: z.output<typeof deleteProjectSchema>): Promise<{ name: string }> {
  return managing(actor, async (tx) => {
    const row = await tx.one<{ name: string }>(sql`
      DELETE FROM projects WHERE id = ${input.id}::uuid AND tenant_id = ${actor.tenantId}::uuid AND deleted_at IS NULL RETURNING name`);
    if (!row) throw new DomainError("not_found", NOT_FOUND, undefined, RELOAD_THE_PAGE);
    await audit(tx, actor, "project.delete", input.id, { name: row.name });
    return row;
  });
}
