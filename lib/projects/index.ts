import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { sql, type Tx } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { can, withTenant, type Role, type TenantActor } from "@/lib/tenancy";
import { uuidSchema } from "@/lib/validation";

// Projects (written by npm run new:resource): list, create, rename and
// delete, each inside withTenant (one transaction, the request's identity
// proven to the database) with its audit row in the same transaction.
// The roles matrix decides who may do what (projects.read, projects.manage,
// lib/projects/definition.ts); the policies refuse the same in the database.

export const PAGE_SIZE = 25;
export const NAME_MAX = 200;

const NOT_FOUND = "That project does not exist (any more). Reload the page.";
const FORBIDDEN = "Your role in this workspace does not allow changing projects.";

const nameSchema = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(NAME_MAX, `Keep the name to ${NAME_MAX} characters or fewer.`);
const idSchema = uuidSchema(NOT_FOUND);

export const createProjectSchema = z.object({ name: nameSchema });
export const updateProjectSchema = z.object({ id: idSchema, name: nameSchema });
export const deleteProjectSchema = z.object({ id: idSchema });

/** The list's URL: a search in the names and a page number; anything else reads as the first page of everything. */
export const listQuerySchema = z.object({
  q: z.string().trim().max(NAME_MAX).catch(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export interface Project {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProjectPage {
  rows: Project[];
  total: number;
  page: number;
  pageSize: number;
}

interface Row {
  id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}
const from = (r: Row): Project => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at });

/** `q` as a LIKE pattern that matches it literally, anywhere in the name. */
const containing = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A page of the workspace's projects, newest first, those whose name contains
 * `q` when it is given. Runs in the caller's transaction (a page's
 * requireTenantWith); the SELECT policy admits rows only to projects.read.
 */
export async function listProjects(tx: Tx, actor: { tenantId: string }, query: ListQuery): Promise<ProjectPage> {
  const pattern = query.q ? containing(query.q) : null;
  const where = sql`tenant_id = ${actor.tenantId}::uuid AND deleted_at IS NULL AND (${pattern}::text IS NULL OR name ILIKE ${pattern})`;
  const counted = await tx.one<{ total: number }>(sql`SELECT count(*)::int AS total FROM projects WHERE ${where}`);
  const rows = await tx.query<Row>(sql`
    SELECT id, name, created_at, updated_at FROM projects
     WHERE ${where}
     ORDER BY created_at DESC, id DESC
     LIMIT ${PAGE_SIZE} OFFSET ${(query.page - 1) * PAGE_SIZE}`);
  return { rows: rows.map(from), total: counted?.total ?? 0, page: query.page, pageSize: PAGE_SIZE };
}

/** Enters the tenant as the actor, refusing unless their live role may manage projects. */
function managing<T>(actor: TenantActor, fn: (tx: Tx, role: Role) => Promise<T>): Promise<T> {
  return withTenant(actor, async (tx, role) => {
    if (!can(role, "projects.manage")) throw new DomainError("forbidden", FORBIDDEN);
    return fn(tx, role);
  });
}

const audit = (tx: Tx, actor: TenantActor, action: "project.create" | "project.update" | "project.delete", id: string, metadata: Record<string, unknown>) =>
  recordAudit(tx, { tenantId: actor.tenantId, actor: actor.user, action, target: { type: "project", id }, metadata, request: actor.request });

export async function createProject(actor: TenantActor, input: z.output<typeof createProjectSchema>): Promise<Project> {
  return managing(actor, async (tx) => {
    const row = await tx.one<Row>(sql`
      INSERT INTO projects (tenant_id, name, created_by) VALUES (${actor.tenantId}::uuid, ${input.name}, ${actor.user.id}::uuid)
      RETURNING id, name, created_at, updated_at`);
    await audit(tx, actor, "project.create", row!.id, { name: input.name });
    return from(row!);
  });
}

/** Renames a project; the audit row says from what to what. The same name again changes (and records) nothing. */
export async function updateProject(actor: TenantActor, input: z.output<typeof updateProjectSchema>): Promise<Project> {
  return managing(actor, async (tx) => {
    // Locked: concurrent renames queue, so each audit row's "from" is what it replaced.
    const current = await tx.one<Row>(sql`
      SELECT id, name, created_at, updated_at FROM projects
       WHERE id = ${input.id}::uuid AND tenant_id = ${actor.tenantId}::uuid AND deleted_at IS NULL FOR UPDATE`);
    if (!current) throw new DomainError("not_found", NOT_FOUND);
    if (current.name === input.name) return from(current);
    const row = await tx.one<Row>(sql`
      UPDATE projects SET name = ${input.name}, updated_at = now() WHERE id = ${input.id}::uuid
      RETURNING id, name, created_at, updated_at`);
    await audit(tx, actor, "project.update", input.id, { from: current.name, to: input.name });
    return from(row!);
  });
}

export async function deleteProject(actor: TenantActor, input: z.output<typeof deleteProjectSchema>): Promise<{ name: string }> {
  return managing(actor, async (tx) => {
    const row = await tx.one<{ name: string }>(sql`
      DELETE FROM projects WHERE id = ${input.id}::uuid AND tenant_id = ${actor.tenantId}::uuid AND deleted_at IS NULL RETURNING name`);
    if (!row) throw new DomainError("not_found", NOT_FOUND);
    await audit(tx, actor, "project.delete", input.id, { name: row.name });
    return row;
  });
}
