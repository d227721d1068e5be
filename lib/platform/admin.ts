import "server-only";
import { createElement } from "react";
import { z } from "zod";
import WorkspaceCreatedEmail from "@/emails/workspace-created";
import { single, sql, type Read, type TransactionSettings, type Tx } from "@/lib/db";
import type { PlanLimits } from "@/lib/billing/limits";
import { sendEmail } from "@/lib/email";
import { DomainError, findPgError, isUniqueViolation } from "@/lib/errors";
import { PURGE_AFTER_DAYS } from "@/lib/retention";
import { lifecycleRefusal } from "@/lib/tenant-status";
import { withCrossView, withPlatformAdmin, type Credential, type CrossViewVisit, type RequestInfo, type SignedInUser } from "@/lib/tenancy";
import { appBaseUrl } from "@/lib/urls";
import { emailSchema, slugify, slugSchema, tenantNameSchema, uuidSchema } from "@/lib/validation";
import {
  AUDIT_PAGE_SETTINGS,
  auditPageRead,
  describeAuditEvent,
  type AuditCursor,
  type AuditFilters,
  type AuditPage,
} from "@/lib/audit";
import { membersPage, type MemberListQuery, type MembersPage } from "@/lib/members";
import type { CrossViewArea } from "./definition";
import { plansColumn } from "./plans";
import { usageColumn, usageFrom, type Usage } from "./usage";

// The platform administrators' console (seeds 001, 002): the directory of
// every workspace, one workspace's page (a cross-view visit, recorded in its
// own log), and the lifecycle through their hands. Every function enters
// through withPlatformAdmin or withCrossView, whose entry functions check the
// flag in the database; a non-administrator gets DomainError "not_found".

export type TenantStatus = "active" | "blocked" | "deleted";
export const TENANT_STATUSES = ["active", "blocked", "deleted"] as const satisfies readonly TenantStatus[];
export const DIRECTORY_PAGE_SIZE = 50;

export interface PlanRow extends PlanLimits {
  isDefault: boolean;
}

export interface DirectoryRow {
  id: string;
  name: string;
  slug: string;
  status: TenantStatus;
  planId: string;
  createdAt: Date;
  memberCount: number;
  lastActivityAt: Date | null;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f-]{36})$/;

export const directoryFiltersSchema = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .refine((v) => !v.includes("\u0000"))
    .optional()
    .catch(undefined),
  status: z.enum(TENANT_STATUSES).optional().catch(undefined),
  plan: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,31}$/)
    .optional()
    .catch(undefined),
  after: z.string().regex(CURSOR).optional().catch(undefined),
});
export type DirectoryFilters = z.output<typeof directoryFiltersSchema>;

export async function isPlatformAdmin(credential: Credential | null): Promise<boolean> {
  if (!credential) return false;
  const rows = await single<{ admin: boolean }>(sql`SELECT app_is_platform_admin(${credential.token}) AS admin`);
  return rows[0]?.admin === true;
}

/** A time read out of JSON (json_build_object writes it as text), back to the Date pg gives. */
const dateOrNull = (v: string | null) => (v === null ? null : new Date(v));

/** A row as JSON carries it (json_build_object): its times as text. */
type AsJson<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

type DirectoryJson = AsJson<DirectoryRow>;

export interface Directory {
  rows: DirectoryRow[];
  /** The cursor of the next page (null at the end). */
  next: string | null;
  plans: PlanRow[];
}

/**
 * The directory page's one statement: a page of workspaces under the filters
 * (app_platform_tenants, which checks the administrator again) and every
 * plan, each a JSON array.
 */
export function directoryRead(filters: DirectoryFilters, pageSize = DIRECTORY_PAGE_SIZE): Read<Directory, { rows: DirectoryJson[]; plans: PlanRow[] }> {
  const after = filters.after ? CURSOR.exec(filters.after) : null;
  return {
    statement: sql`
      SELECT
        (SELECT coalesce(json_agg(json_build_object(
                  'id', t.id, 'name', t.name, 'slug', t.slug, 'status', t.status, 'planId', t.plan_id, 'createdAt', t.created_at,
                  'memberCount', t.member_count, 'lastActivityAt', t.last_activity_at) ORDER BY t.n), '[]')
           FROM app_platform_tenants(${filters.q ?? null}, ${filters.status ?? null}::tenant_status, ${filters.plan ?? null},
                                     ${after?.[1] ?? null}::timestamptz, ${after?.[2] ?? null}::uuid, ${pageSize + 1})
                WITH ORDINALITY AS t(id, name, slug, status, plan_id, created_at, member_count, last_activity_at, n)) AS rows,
        ${plansColumn} AS plans`,
    result([row]) {
      const rows = (row?.rows ?? []).map(
        (r): DirectoryRow => ({ ...r, createdAt: new Date(r.createdAt), lastActivityAt: dateOrNull(r.lastActivityAt) }),
      );
      const page = rows.slice(0, pageSize);
      const last = page.at(-1);
      const next = rows.length > pageSize && last ? `${last.createdAt.toISOString()}_${last.id}` : null;
      return { rows: page, next, plans: row?.plans ?? [] };
    },
  };
}

/**
 * One page of the directory, newest first, the cursor of the next page (null
 * at the end) and every plan: one transaction in one round trip (BEGIN, the
 * entry, directoryRead's statement, COMMIT).
 */
export async function listWorkspaces(
  credential: Credential | null,
  filters: DirectoryFilters,
  pageSize = DIRECTORY_PAGE_SIZE,
): Promise<{ admin: SignedInUser } & Directory> {
  const { admin, data } = await withPlatformAdmin(credential, directoryRead(filters, pageSize));
  return { admin, ...data };
}

export interface WorkspaceOverview {
  visit: CrossViewVisit;
  tenant: {
    id: string;
    name: string;
    slug: string;
    status: TenantStatus;
    planId: string;
    createdAt: Date;
    blockedAt: Date | null;
    deletedAt: Date | null;
    purgeRequestedAt: Date | null;
    /** Set once a purge began, asked for or the 30 days' sweep's: from then on it can no longer be restored. */
    purgeStartedAt: Date | null;
  };
  plan: PlanRow | null;
  plans: PlanRow[];
  usage: Usage;
  members: Array<{ userId: string; email: string; name: string | null; role: string; joinedAt: Date }>;
  audit: Array<{ id: string; createdAt: Date; actorEmail: string | null; action: string; sentence: string }>;
}

export const MEMBERS_SHOWN = 100;
export const AUDIT_SHOWN = 50;

type OverviewData = Omit<WorkspaceOverview, "visit">;

interface OverviewJson {
  tenant: AsJson<WorkspaceOverview["tenant"]> | null;
  plans: PlanRow[];
  members: AsJson<WorkspaceOverview["members"][number]>[];
  audit: Array<{ id: string; createdAt: string; actorEmail: string | null; action: string; metadata: unknown }>;
  usage: Array<string | null>;
}

/**
 * The workspace page's one statement, read in the cross-view of `tenantId`:
 * its row, every plan, its usage, its first members and its latest audit
 * events (the visit's own among them), each a column of one row.
 */
export function workspaceOverviewRead(tenantId: string): Read<OverviewData, OverviewJson> {
  const tenant = sql`${tenantId}::uuid`;
  return {
    statement: sql`
      SELECT
        (SELECT json_build_object(
                  'id', t.id, 'name', t.name, 'slug', t.slug, 'status', t.status, 'planId', t.plan_id, 'createdAt', t.created_at,
                  'blockedAt', t.blocked_at, 'deletedAt', t.deleted_at, 'purgeRequestedAt', t.purge_requested_at,
                  'purgeStartedAt', t.purge_started_at)
           FROM tenants t WHERE t.id = ${tenant}) AS tenant,
        ${plansColumn} AS plans,
        ${usageColumn(tenant)} AS usage,
        (SELECT coalesce(json_agg(json_build_object('userId', m.user_id, 'email', m.email, 'name', m.name, 'role', m.role, 'joinedAt', m.created_at)
                                  ORDER BY m.created_at, m.user_id), '[]')
           FROM (SELECT u.id AS user_id, u.email, u.name, tm.role, tm.created_at
                   FROM tenant_members tm JOIN users u ON u.id = tm.user_id
                  WHERE tm.tenant_id = ${tenant}
                  ORDER BY tm.created_at, u.id LIMIT ${MEMBERS_SHOWN}) m) AS members,
        (SELECT coalesce(json_agg(json_build_object('id', l.id::text, 'createdAt', l.created_at, 'actorEmail', l.actor_email, 'action', l.action,
                                                    'metadata', l.metadata)
                                  ORDER BY l.created_at DESC, l.id DESC), '[]')
           FROM (SELECT id, created_at, actor_email, action, metadata FROM audit_log WHERE tenant_id = ${tenant}
                  ORDER BY created_at DESC, id DESC LIMIT ${AUDIT_SHOWN}) l) AS audit`,
    result([row]) {
      if (!row?.tenant) throw new DomainError("not_found", "Not found.");
      const t = row.tenant;
      const plans = row.plans;
      return {
        tenant: {
          ...t,
          createdAt: new Date(t.createdAt),
          blockedAt: dateOrNull(t.blockedAt),
          deletedAt: dateOrNull(t.deletedAt),
          purgeRequestedAt: dateOrNull(t.purgeRequestedAt),
          purgeStartedAt: dateOrNull(t.purgeStartedAt),
        },
        plan: plans.find((p) => p.id === t.planId) ?? null,
        plans,
        usage: usageFrom(row.usage),
        members: row.members.map((m) => ({ ...m, joinedAt: new Date(m.joinedAt) })),
        audit: row.audit.map((e) => ({
          id: e.id,
          createdAt: new Date(e.createdAt),
          actorEmail: e.actorEmail,
          action: e.action,
          sentence: describeAuditEvent(e.action, e.metadata),
        })),
      };
    },
  };
}

/**
 * A workspace's page for the platform: a cross-view visit ("overview"),
 * written into its audit log, reading its row, usage, first members and
 * latest audit events under row-level security, read-only — one transaction
 * in one round trip (BEGIN, the entry, workspaceOverviewRead's statement,
 * COMMIT).
 */
export async function workspaceOverview(credential: Credential | null, tenantId: string, request: RequestInfo): Promise<WorkspaceOverview> {
  const { visit, data } = await crossView(credential, tenantId, "overview", request, workspaceOverviewRead(tenantId));
  return { visit, ...data };
}

/**
 * A cross-view visit of one area of a workspace (see withCrossView): `fn`
 * reads, read-only; or, for a page that reads with one statement, a Read
 * sent with the entry (one round trip), answered with the visit and its data.
 */
export function crossView<T>(
  credential: Credential | null,
  tenantId: string,
  area: CrossViewArea,
  request: RequestInfo,
  read: Read<T>,
  settings?: TransactionSettings,
): Promise<{ visit: CrossViewVisit; data: T }>;
export function crossView<T>(
  credential: Credential | null,
  tenantId: string,
  area: CrossViewArea,
  request: RequestInfo,
  fn: (tx: Tx, visit: CrossViewVisit) => Promise<T>,
  settings?: TransactionSettings,
): Promise<T>;
export function crossView<T>(
  credential: Credential | null,
  tenantId: string,
  area: CrossViewArea,
  request: RequestInfo,
  load: ((tx: Tx, visit: CrossViewVisit) => Promise<T>) | Read<T>,
  settings: TransactionSettings = {},
): Promise<T | { visit: CrossViewVisit; data: T }> {
  if (!uuidSchema("").safeParse(tenantId).success) return Promise.reject(new DomainError("not_found", "Not found."));
  return typeof load === "function"
    ? withCrossView(credential, tenantId, area, request, load, settings)
    : withCrossView(credential, tenantId, area, request, load, settings);
}

/**
 * Every member of a workspace, a page at a time (the members page's own
 * statement, membersPage), as a cross-view visit ("members"): one
 * transaction in one round trip.
 */
export async function workspaceMembers(
  credential: Credential | null,
  tenantId: string,
  query: MemberListQuery,
  request: RequestInfo,
): Promise<{ visit: CrossViewVisit; page: MembersPage }> {
  const { visit, data } = await crossView(credential, tenantId, "members", request, membersPage(query, sql`${tenantId}::uuid`));
  return { visit, page: data };
}

/**
 * A page of a workspace's audit log under the audit page's filters and keyset
 * cursors, as a cross-view visit ("audit"): the page shows its own visit.
 * The page is one statement, a search's too, sent with the entry (one
 * round trip: BEGIN, the entry, the page, COMMIT).
 */
export async function workspaceAudit(
  credential: Credential | null,
  tenantId: string,
  filters: AuditFilters,
  position: { after?: AuditCursor; before?: AuditCursor },
  request: RequestInfo,
): Promise<{ visit: CrossViewVisit; page: AuditPage }> {
  const { visit, data } = await crossView(credential, tenantId, "audit", request, auditPageRead(filters, position), AUDIT_PAGE_SETTINGS);
  return { visit, page: data };
}

// ---------------------------------------------------------------------------
// Changes: each one definer function, which checks the flag again.
// ---------------------------------------------------------------------------

async function platformChange<T>(credential: Credential | null, fn: (tx: Tx, admin: SignedInUser) => Promise<T>): Promise<T> {
  try {
    return await withPlatformAdmin(credential, fn);
  } catch (error) {
    throw lifecycleRefusal(error);
  }
}

export const tenantIdSchema = z.object({ tenantId: uuidSchema("That workspace does not exist.") });

export const createWorkspaceSchema = z
  .object({
    name: tenantNameSchema,
    slug: z.string().trim().toLowerCase().optional(),
    ownerEmail: emailSchema,
    plan: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,31}$/, "Choose a plan.")
      .optional()
      .or(z.literal("").transform(() => undefined)),
  })
  .transform((v) => ({ ...v, slug: v.slug || slugify(v.name) }))
  .pipe(z.object({ name: z.string(), slug: slugSchema, ownerEmail: z.string(), plan: z.string().optional() }));

/** Where the first owner of a workspace the platform created signs in: the sign-in page for their address, then the app. */
export function ownerSignInUrl(email: string): string {
  return `${appBaseUrl()}/sign-in?${new URLSearchParams({ email, next: "/app/dashboard" })}`;
}

/**
 * Creates a workspace for a named first owner (an account is made for an
 * address that has none) and emails them that it is theirs, with the link to
 * sign in and open it. The email goes out in the creating transaction, and
 * the workspace's log records whether it did (tenant.owner_email), as an
 * invitation's does; the workspace stands either way.
 */
export async function createWorkspaceFor(
  credential: Credential | null,
  input: z.output<typeof createWorkspaceSchema>,
): Promise<{ id: string; emailDispatched: boolean }> {
  try {
    return await platformChange(credential, async (tx) => {
      if (input.plan && !(await tx.one(sql`SELECT 1 AS x FROM plans WHERE id = ${input.plan}`))) {
        throw new DomainError("unknown_plan", "Choose one of the plans.", "plan");
      }
      const row = await tx.one<{ id: string }>(
        sql`SELECT app_platform_create_tenant(${input.name}, ${input.slug}, ${input.ownerEmail}, ${input.plan ?? null}) AS id`,
      );
      const id = row!.id;
      const sent = await sendEmail({
        to: input.ownerEmail,
        subject: `Your workspace ${input.name} is ready on Tenantry`,
        react: createElement(WorkspaceCreatedEmail, { url: ownerSignInUrl(input.ownerEmail), workspaceName: input.name, email: input.ownerEmail }),
      });
      if (!sent.delivered) console.warn(`[platform] email to ${input.ownerEmail} about their new workspace not sent: ${sent.error}`);
      await tx.query(sql`SELECT app_platform_record_owner_email(${id}::uuid, ${sent.delivered})`);
      return { id, emailDispatched: sent.delivered };
    });
  } catch (error) {
    if (isUniqueViolation(error, "tenants_slug_key")) {
      throw new DomainError("slug_taken", `The slug “${input.slug}” is already taken. Choose another.`, "slug");
    }
    const pg = findPgError(error);
    if (pg?.hint === "owner_inactive") throw new DomainError("owner_inactive", `${input.ownerEmail} is deactivated: reactivate them first or name someone else.`, "ownerEmail");
    throw error;
  }
}

export const renameWorkspaceSchema = tenantIdSchema.extend({ name: tenantNameSchema });

export async function renameWorkspace(credential: Credential | null, input: z.output<typeof renameWorkspaceSchema>): Promise<void> {
  await platformChange(credential, (tx) => tx.query(sql`SELECT app_platform_rename_tenant(${input.tenantId}::uuid, ${input.name})`));
}

export const blockWorkspaceSchema = tenantIdSchema.extend({
  blocked: z.enum(["true", "false"]).transform((v) => v === "true"),
  reason: z.string().trim().max(500, "Keep the reason to 500 characters or fewer.").optional(),
});

/** Suspends a workspace or lifts its suspension: every member loses (or regains) access at their next request. */
export async function setWorkspaceBlocked(credential: Credential | null, input: z.output<typeof blockWorkspaceSchema>): Promise<{ name: string }> {
  return platformChange(credential, async (tx) => {
    const row = await tx.one<{ name: string }>(
      sql`SELECT app_platform_set_blocked(${input.tenantId}::uuid, ${input.blocked}, ${input.reason || null}) AS name`,
    );
    return { name: row!.name };
  });
}

export const confirmedWorkspaceSchema = tenantIdSchema.extend({ confirmName: z.string().max(200) });

async function confirmName(tx: Tx, tenantId: string, typed: string): Promise<void> {
  // The administrator sees every workspace's name only through the directory function.
  const row = await tx.one<{ name: string | null }>(sql`SELECT app_platform_tenant_name(${tenantId}::uuid) AS name`);
  if (!row?.name) throw new DomainError("not_found", "That workspace does not exist any more.");
  if (typed.trim() !== row.name) throw new DomainError("confirm_name", `Type the workspace's name, “${row.name}”, exactly to confirm.`, "confirmName");
}

/** Deletes a workspace into its owners' trash (after its name was typed), as an owner would. */
export async function deleteWorkspace(credential: Credential | null, input: z.output<typeof confirmedWorkspaceSchema>): Promise<void> {
  await platformChange(credential, async (tx) => {
    await confirmName(tx, input.tenantId, input.confirmName);
    await tx.query(sql`SELECT app_platform_delete_tenant(${input.tenantId}::uuid, ${PURGE_AFTER_DAYS})`);
  });
}

export async function restoreWorkspace(credential: Credential | null, input: z.output<typeof tenantIdSchema>): Promise<{ name: string }> {
  return platformChange(credential, async (tx) => {
    const row = await tx.one<{ name: string }>(sql`SELECT app_platform_restore_tenant(${input.tenantId}::uuid) AS name`);
    return { name: row!.name };
  });
}

/** Has a deleted workspace purged now (after its name was typed again); the worker does it. */
export async function purgeWorkspace(credential: Credential | null, input: z.output<typeof confirmedWorkspaceSchema>): Promise<void> {
  await platformChange(credential, async (tx) => {
    await confirmName(tx, input.tenantId, input.confirmName);
    await tx.query(sql`SELECT app_platform_request_purge(${input.tenantId}::uuid)`);
  });
}
