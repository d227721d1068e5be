import "server-only";
import {
  AUDIT_PAGE_SIZE,
  decodeCursor,
  describeAuditEvent,
  encodeCursor,
  exportAuditEvents,
  ExportBusyError,
  exportFileName,
  listAuditEvents,
  readAuditFilters,
  type FilterProblem,
} from "@/lib/audit";
import { sql, type Tx } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { limitAuditExport } from "@/lib/rate-limit";
import { acceptInvitationByToken, inviteMember, revokeInvitation } from "@/lib/invitations";
import { changeMemberRole, DECLINED_LISTED_DAYS, getMembersPage, memberListQuerySchema, MEMBERS_PAGE_SIZE, INVITATIONS_PAGE_SIZE, removeMember } from "@/lib/members";
import { resolveTenantContext, SIGNED_OUT, withApiKey, type Role } from "@/lib/tenancy";
import { renameWorkspace } from "@/lib/workspace-settings";
import { ApiProblem } from "./problem";
import { endpoint, iso, pageCursor, pageOf, requireKey, type Endpoint, type EndpointContext } from "./route";
import * as S from "./schemas";

// Every endpoint of /api/v1, on the lib/ functions the UI's pages and actions
// use: the same guardrails, the same audit rows, the same RLS entry. The
// route files under app/api/v1 export these; lib/api/openapi.ts documents them.

const keyOf = requireKey;

async function readTenant(tx: Tx, role: Role, tenantId: string) {
  const t = await tx.one<{ id: string; name: string; slug: string; created_at: Date }>(sql`
    SELECT id, name, slug, created_at FROM tenants WHERE id = ${tenantId}::uuid`);
  if (!t) throw new ApiProblem("not-found", "There is no such workspace.");
  return { id: t.id, name: t.name, slug: t.slug, status: "active" as const, role, createdAt: iso(t.created_at) };
}

async function tenantOf(ctx: EndpointContext<unknown, unknown, unknown>, tenantId: string) {
  return withApiKey(keyOf(ctx).credential, tenantId, (tx, entry) => readTenant(tx, entry.role, tenantId));
}

export const getMe = endpoint({
  operationId: "getMe",
  method: "get",
  path: "/me",
  summary: "Who the caller is, and every workspace they belong to",
  description: "With an API key, or with a browser session (the only endpoint that takes one). Lists active and suspended workspaces with the user's role in each.",
  write: false,
  session: true,
  success: { status: 200, description: "The user and their workspaces.", schema: S.Me },
  problems: [],
  async handle(ctx) {
    if (ctx.session) {
      const resolved = await resolveTenantContext(ctx.session, null, ctx.requestInfo);
      if (resolved.kind === "signed-out" || resolved.kind === "inactive") throw new ApiProblem("unauthorized", SIGNED_OUT);
      const memberships = resolved.kind === "no-tenant" || resolved.kind === "tenant" || resolved.kind === "suspended" ? resolved.memberships : [];
      return {
        status: 200,
        body: {
          user: resolved.user,
          // Memberships only, as by key: the switcher's list also offers descendants entered as a delegate, which the user does not belong to.
          tenants: memberships
            .filter((m) => !m.delegatedVia)
            .map((m) => ({ id: m.tenantId, name: m.tenantName, slug: m.tenantSlug, role: m.role, status: m.status ?? "active" })),
          authenticatedBy: "session",
          key: null,
        },
      };
    }
    throw new ApiProblem("unauthorized", "Send an API key: Authorization: Bearer tnty_…");
  },
  async load(tx, ctx) {
    const key = keyOf(ctx);
    const tenants = await tx.query<{ id: string; name: string; slug: string; role: Role; status: "active" | "blocked" }>(sql`
      SELECT t.id, t.name, t.slug, m.role, t.status FROM tenant_members m JOIN tenants t ON t.id = m.tenant_id
       WHERE m.user_id = ${key.entry.user_id}::uuid AND t.status IN ('active', 'blocked')
       ORDER BY lower(t.name), t.id`);
    return {
      status: 200,
      body: {
        user: key.actor.user,
        tenants,
        authenticatedBy: "api_key",
        key: { id: key.entry.key_id, tenantId: key.entry.tenant_id, scope: key.entry.scope, expiresAt: iso(key.entry.expires_at) },
      },
    };
  },
});

export const getTenant = endpoint({
  operationId: "getTenant",
  method: "get",
  path: "/tenants/{tenantId}",
  summary: "The workspace",
  params: S.TenantPath,
  permission: "dashboard.read",
  write: false,
  success: { status: 200, description: "The workspace and the caller's role in it.", schema: S.Tenant },
  problems: [],
  async load(tx, ctx) {
    return { status: 200, body: await readTenant(tx, keyOf(ctx).entry.role, ctx.params.tenantId) };
  },
});

export const patchTenant = endpoint({
  operationId: "updateTenant",
  method: "patch",
  path: "/tenants/{tenantId}",
  summary: "Rename the workspace or change its slug (owners)",
  description: "The same rules as the app's General page: a name of at most 80 characters, a slug of 3 to 48 lowercase letters, digits and hyphens that no other workspace holds (409 conflict if one does). Each change is audited.",
  params: S.TenantPath,
  body: S.TenantPatch,
  permission: "tenant.rename",
  write: true,
  success: { status: 200, description: "The workspace as it is now.", schema: S.Tenant },
  problems: ["validation-error", "conflict"],
  async handle(ctx) {
    const key = keyOf(ctx);
    // Only what was sent: the rest stays as it is when the row is locked.
    await renameWorkspace(key.actor, { name: ctx.body.name, slug: ctx.body.slug });
    return { status: 200, body: await tenantOf(ctx, ctx.params.tenantId) };
  },
});

export const listMembers = endpoint({
  operationId: "listMembers",
  method: "get",
  path: "/tenants/{tenantId}/members",
  summary: `The workspace's members, ${MEMBERS_PAGE_SIZE} a page, oldest first`,
  params: S.TenantPath,
  query: S.MembersQuery,
  permission: "members.read",
  write: false,
  success: { status: 200, description: "A page of members; nextCursor is null on the last.", schema: S.MemberPage },
  problems: ["validation-error"],
  async load(tx, ctx) {
    const page = pageOf(ctx.query.cursor);
    const query = memberListQuerySchema.parse({ q: ctx.query.q ?? "", sort: "joined", dir: "asc", page, ipage: 1 });
    const data = await getMembersPage(tx, { tenantId: ctx.params.tenantId }, query);
    return {
      status: 200,
      body: {
        data: data.members.map((m) => ({ userId: m.userId, name: m.name, email: m.email, role: m.role, joinedAt: iso(m.joinedAt) })),
        total: data.total,
        nextCursor: page * MEMBERS_PAGE_SIZE < data.total ? pageCursor(page + 1) : null,
      },
    };
  },
});

export const patchMember = endpoint({
  operationId: "changeMemberRole",
  method: "patch",
  path: "/tenants/{tenantId}/members/{userId}",
  summary: "Change a member's role (owners and admins)",
  description: "As on the members page: only an owner changes an owner's role; no role change makes an owner (`role` is admin, auditor or member: an ownership transfer makes one); the last owner keeps their role (409 conflict); the same role again is a conflict too.",
  params: S.MemberPath,
  body: S.MemberPatch,
  permission: "members.manage",
  write: true,
  success: { status: 200, description: "The role it had and the role it has now.", schema: S.MemberRoleChanged },
  problems: ["validation-error", "conflict", "not-found"],
  async handle(ctx) {
    const changed = await changeMemberRole(keyOf(ctx).actor, ctx.params.userId, ctx.body.role);
    return { status: 200, body: { userId: ctx.params.userId, ...changed } };
  },
});

export const deleteMember = endpoint({
  operationId: "removeMember",
  method: "delete",
  path: "/tenants/{tenantId}/members/{userId}",
  summary: "Remove a member (owners and admins)",
  description: "As on the members page: admins cannot remove owners; the last owner cannot be removed; nobody removes themselves (409 conflict). Their keys stop working at once.",
  params: S.MemberPath,
  permission: "members.manage",
  write: true,
  success: { status: 204, description: "Removed." },
  problems: ["conflict", "not-found"],
  async handle(ctx) {
    await removeMember(keyOf(ctx).actor, ctx.params.userId);
    return { status: 204 };
  },
});

export const listInvitations = endpoint({
  operationId: "listInvitations",
  method: "get",
  path: "/tenants/{tenantId}/invitations",
  summary: `Pending invitations, or those declined in the last ${DECLINED_LISTED_DAYS} days (status=declined), ${INVITATIONS_PAGE_SIZE} a page, newest first`,
  params: S.TenantPath,
  query: S.InvitationsQuery,
  permission: "members.read",
  write: false,
  success: { status: 200, description: "A page of invitations of the status asked for (pending by default).", schema: S.InvitationPage },
  problems: ["validation-error"],
  async load(tx, ctx) {
    const page = pageOf(ctx.query.cursor);
    const declined = ctx.query.status === "declined";
    const query = memberListQuerySchema.parse({ q: "", sort: "joined", dir: "asc", page: 1, ipage: declined ? 1 : page });
    const data = await getMembersPage(tx, { tenantId: ctx.params.tenantId }, { ...query, dpage: declined ? page : 1 });
    const rows = declined ? data.declined : data.invitations;
    const total = declined ? data.declinedTotal : data.invitationTotal;
    return {
      status: 200,
      body: {
        data: rows.map((i) => ({ ...i, createdAt: iso(i.createdAt), expiresAt: iso(i.expiresAt), declinedAt: i.declinedAt ? iso(i.declinedAt) : null })),
        total,
        nextCursor: page * INVITATIONS_PAGE_SIZE < total ? pageCursor(page + 1) : null,
      },
    };
  },
});

export const createInvitation = endpoint({
  operationId: "createInvitation",
  method: "post",
  path: "/tenants/{tenantId}/invitations",
  summary: "Invite someone (owners and admins)",
  description:
    "As on the members page: never as owner; not an existing member (409 conflict); not yourself; re-inviting an address replaces its pending invitation, and the answer's `replaced` names the one it replaced (its id, its role, whether it had expired; null when there was none). Honours Idempotency-Key. When the email could not be sent the answer carries the invitation link — a bearer secret, shown once: the Idempotency-Key keeps the answer without it, so a replay has `link: null`, `linkWithheld: true` and a `notice`. To get a new link, invite the address again with a new Idempotency-Key: that replaces the invitation, its link and its email.",
  params: S.TenantPath,
  body: S.InvitationCreate,
  permission: "members.manage",
  write: true,
  success: { status: 201, description: "The invitation; its link only when the email could not be sent.", schema: S.InvitationCreated },
  problems: ["validation-error", "conflict", "plan-limit", "idempotency-key-reused"],
  async handle(ctx) {
    const result = await inviteMember(keyOf(ctx).actor, ctx.body);
    return {
      status: 201,
      body: {
        id: result.invitationId,
        email: result.email,
        role: result.role,
        emailDispatched: result.emailDispatched,
        link: result.link,
        linkWithheld: false,
        replaced: result.replaced && { id: result.replaced.id, role: result.replaced.role, expired: result.replaced.expired },
      },
    };
  },
  // The link is a bearer token (the database keeps only its SHA-256): never stored verbatim for a replay.
  replayBody: (body) => {
    const created = body as { link: string | null };
    if (!created.link) return body;
    return {
      ...created,
      link: null,
      linkWithheld: true,
      notice:
        "This repeats the first answer without its invitation link: the link is shown once and not stored, so it is not repeated. To get a new link, invite the address again with a new Idempotency-Key; that replaces this invitation and its link.",
    };
  },
});

export const deleteInvitation = endpoint({
  operationId: "revokeInvitation",
  method: "delete",
  path: "/tenants/{tenantId}/invitations/{invitationId}",
  summary: "Revoke a pending invitation (owners and admins)",
  params: S.InvitationPath,
  permission: "members.manage",
  write: true,
  success: { status: 204, description: "Revoked: its link no longer works." },
  problems: ["conflict", "not-found"],
  async handle(ctx) {
    await revokeInvitation(keyOf(ctx).actor, ctx.params.invitationId);
    return { status: 204 };
  },
});

export const acceptInvitation = endpoint({
  operationId: "acceptInvitation",
  method: "post",
  path: "/invitations/accept",
  summary: "Accept an invitation with its token, as the key's user",
  description:
    "The token from the invitation link. The invitation must be addressed to the key's user's email (403 forbidden otherwise), pending (409 conflict when used, revoked, declined by its addressee, replaced by a newer invitation or expired) and its workspace active (404 when deleted, 402 tenant-suspended while suspended). Accepting again is harmless. Tokens that match no invitation are limited per client address, as on the invitation page (429 with Retry-After). Honours Idempotency-Key.",
  body: S.InvitationAccept,
  write: true,
  success: { status: 200, description: "The workspace joined.", schema: S.InvitationAccepted },
  problems: ["validation-error", "conflict", "not-found", "plan-limit", "tenant-suspended", "idempotency-key-reused"],
  async handle(ctx) {
    const key = keyOf(ctx);
    const outcome = await acceptInvitationByToken({ user: key.actor.user, credential: key.credential, request: ctx.requestInfo }, ctx.body.token);
    if (outcome.ok) return { status: 200, body: { tenantId: outcome.tenantId, alreadyMember: outcome.alreadyMember } };
    switch (outcome.reason) {
      case "invalid":
        throw new ApiProblem("validation-error", "That is not an invitation token.", [{ field: "token", message: "That is not an invitation token." }]);
      case "not_found":
        throw new ApiProblem("not-found", "There is no such invitation.");
      case "email_mismatch":
        throw new ApiProblem("forbidden", "This invitation is addressed to another email address.");
      case "already_used":
        throw new ApiProblem("conflict", "This invitation was already used.");
      case "no_longer_member":
        throw new ApiProblem("conflict", "This invitation was already used by you, and you are no longer a member of its workspace: ask for a new invitation.");
      case "workspace_deleted":
        throw new ApiProblem("not-found", "The workspace of this invitation was deleted.");
      case "workspace_suspended":
        throw new ApiProblem("tenant-suspended", "The workspace of this invitation is suspended: it cannot be joined until the suspension is lifted.");
      case "replaced":
        throw new ApiProblem("conflict", "This invitation was replaced by a newer one: use the latest invitation's link.");
      case "revoked":
        throw new ApiProblem("conflict", "This invitation was revoked.");
      case "declined":
        throw new ApiProblem("conflict", "This invitation was declined. Ask for a new one.");
      case "expired":
        throw new ApiProblem("conflict", "This invitation has expired. Ask for a new one.");
    }
  },
});

/** Refused audit filters, each named by its query parameter. */
const filtersRefused = (problems: FilterProblem[]) =>
  new ApiProblem("validation-error", problems.map((p) => p.message).join(" "), problems.map((p) => ({ field: `query.${p.param}`, message: p.message })));

/** An audit page's cursor from the query, refused by its parameter's name. */
function cursorParam(name: "after" | "before", value: string | undefined) {
  if (!value) return undefined;
  try {
    return decodeCursor(value);
  } catch (error) {
    if (error instanceof DomainError && error.code === "bad_cursor") throw new ApiProblem("validation-error", error.message, [{ field: `query.${name}`, message: error.message }]);
    throw error;
  }
}

export const listAudit = endpoint({
  operationId: "listAuditEvents",
  method: "get",
  path: "/tenants/{tenantId}/audit-events",
  summary: `The audit log, newest first, ${AUDIT_PAGE_SIZE} a page, with the audit page's filters (owners, admins, auditors)`,
  params: S.TenantPath,
  query: S.AuditQuery,
  permission: "audit.read",
  write: false,
  success: { status: 200, description: "A page of events; nextCursor pages to older ones, prevCursor to newer.", schema: S.AuditPage },
  problems: ["validation-error"],
  async load(tx, ctx) {
    const { after, before, ...filterParams } = ctx.query;
    const parsed = await readAuditFilters(Object.fromEntries(Object.entries(filterParams).filter(([, v]) => v !== undefined)) as Record<string, string>);
    if (!parsed.ok) throw filtersRefused(parsed.problems);
    const position = { after: cursorParam("after", after), before: cursorParam("before", before) };
    const page = await listAuditEvents(tx, { tenantId: ctx.params.tenantId }, parsed.filters, position);
    return {
      status: 200,
      body: {
        data: page.events.map((e) => ({ ...e, id: String(e.id), createdAt: iso(e.createdAt), description: describeAuditEvent(e.action, e.metadata) })),
        nextCursor: page.older ? encodeCursor(page.older) : null,
        prevCursor: page.newer ? encodeCursor(page.newer) : null,
      },
    };
  },
});

export const exportAudit = endpoint({
  operationId: "exportAuditEvents",
  method: "get",
  path: "/tenants/{tenantId}/audit-events/export",
  summary: "Every event the filters select, streamed as CSV or JSON Lines (owners, admins, auditors)",
  description:
    "Exactly what the audit page's download gives: the same columns, CSV formula escaping and limits (exports at once per user, per workspace and per server: 429 with Retry-After). The export is itself recorded in the audit log, so it takes a read-and-write key.",
  params: S.TenantPath,
  query: S.ExportQuery,
  permission: "audit.export",
  write: true,
  success: { status: 200, description: "The events, streamed; every refusal comes before the first byte.", contentTypes: ["text/csv", "application/x-ndjson"] },
  problems: ["validation-error"],
  async handle(ctx) {
    const key = keyOf(ctx);
    const { format = "csv", ...filterParams } = ctx.query;
    const parsed = await readAuditFilters(Object.fromEntries(Object.entries(filterParams).filter(([, v]) => v !== undefined)) as Record<string, string>);
    if (!parsed.ok) throw filtersRefused(parsed.problems);
    await limitAuditExport(key.entry.user_id);
    let body: ReadableStream<Uint8Array>;
    try {
      body = await exportAuditEvents(key.actor, parsed.filters, format);
    } catch (error) {
      if (error instanceof ExportBusyError) throw new ApiProblem("rate-limited", error.message, [], { "Retry-After": String(error.retryAfterSeconds) });
      throw error;
    }
    return new Response(body, {
      headers: {
        "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="${exportFileName(key.actor.tenant.slug, parsed.filters, format)}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  },
});

/** The foundation's endpoints, in the document's order; modules add theirs (lib/api/catalog.ts). */
export const ENDPOINTS: Endpoint[] = [
  getMe,
  getTenant,
  patchTenant,
  listMembers,
  patchMember,
  deleteMember,
  listInvitations,
  createInvitation,
  deleteInvitation,
  acceptInvitation,
  listAudit,
  exportAudit,
] as unknown as Endpoint[];

