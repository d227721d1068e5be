// The REST API's schemas: what each handler validates its input with and
// what it answers, in zod, named for the OpenAPI document (lib/api/openapi.ts
// renders it from these same objects). The input rules are the UI's own
// schemas (lib/members, lib/invitations, lib/workspace-settings).
import "zod-openapi";
import { z } from "zod";
import { INVITABLE_ROLES, ROLES } from "@/lib/tenancy";
import { SYSTEM_ACTOR } from "@/lib/audit/filters";
import { inviteSchema } from "@/lib/invitations";
import { changeRoleSchema, DECLINED_LISTED_DAYS } from "@/lib/members";
import { renameSchema } from "@/lib/workspace-settings";
import { PROBLEM_TYPES } from "./problem";

/** An id in a path: a malformed one answers 404 (lib/api/route.ts). */
export const uuid = (what: string) => z.guid({ error: `The ${what} is not a valid id.` });

export const Role = z.enum(ROLES).meta({ id: "Role", description: "A member's role in a workspace." });
export const Timestamp = z.string().meta({ description: "An instant, ISO 8601 in UTC.", example: "2026-12-03T10:15:00.000Z" });

export const Problem = z
  .object({
    type: z.string().meta({ description: "An absolute URI naming the problem; it answers with a page that explains it.", example: "https://tenantry.example/docs/errors/forbidden" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional().meta({ description: "validation-error: each field and its message." }),
  })
  .meta({ id: "Problem", description: `RFC 9457 problem details. Types: ${Object.keys(PROBLEM_TYPES).join(", ")}.` });

// ---- paths -----------------------------------------------------------------
export const TenantPath = z.object({ tenantId: uuid("workspace id").meta({ description: "The workspace's id (the key's own workspace)." }) });
export const MemberPath = TenantPath.extend({ userId: uuid("member's user id") });
export const InvitationPath = TenantPath.extend({ invitationId: uuid("invitation id") });

// ---- bodies (the UI's rules) ------------------------------------------------
/**
 * A PATCH body: the fields it may change, each optional — what is not sent
 * stays as it is — and at least one of them sent. An empty body (or one with
 * none of them) is refused with a message naming them, and a field it does
 * not take (a misspelt name) is refused by name rather than ignored
 * (lib/api/route.ts makes the message the problem's detail); the document
 * says no field is required, minProperties 1 and no other property. A
 * resource's PATCH is this of the fields its create takes (npm run
 * new:resource writes `patchBody(create<Model>Schema)`).
 */
export function patchBody<Shape extends z.ZodRawShape>(fields: z.ZodObject<Shape>) {
  const names = Object.keys(fields.shape);
  const known = new Set(names);
  const or = (list: string[]) => (list.length > 1 ? `${list.slice(0, -1).join(", ")} or ${list.at(-1)}` : (list[0] ?? ""));
  const and = (list: string[]) => (list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list.at(-1)}` : (list[0] ?? ""));
  // Loose, so that the rule below sees the fields sent that it does not take; it refuses them, so none reaches the handler.
  return z
    .looseObject(fields.partial().shape)
    .superRefine((body, ctx) => {
      const unknown = Object.keys(body).filter((name) => !known.has(name));
      if (unknown.length) {
        const quoted = unknown.map((name) => JSON.stringify(name));
        ctx.addIssue({
          code: "custom",
          message: `${and(quoted)} ${unknown.length > 1 ? "are not fields" : "is not a field"} this PATCH takes; it takes ${or(names)}.`,
        });
      } else if (!names.some((name) => body[name] !== undefined)) {
        ctx.addIssue({ code: "custom", message: `Send at least one field to change (${or(names)}); what is not sent stays as it is.` });
      }
    })
    .meta({ minProperties: 1, additionalProperties: false });
}

export const TenantPatch = z
  .object({ name: renameSchema.shape.name.optional(), slug: renameSchema.shape.slug.optional() })
  .refine((v) => v.name !== undefined || v.slug !== undefined, { error: "Send a name, a slug or both." })
  .meta({ id: "TenantPatch" });
export const MemberPatch = z.object({ role: changeRoleSchema.shape.role }).meta({ id: "MemberPatch" });
export const InvitationCreate = inviteSchema.meta({ id: "InvitationCreate", description: `Invites an email address with a role: ${INVITABLE_ROLES.join(", ")} (never owner).` });
export const InvitationAccept = z
  .object({ token: z.string({ error: "Send the invitation's token." }).min(1, { error: "Send the invitation's token." }).max(128, { error: "That is not an invitation token." }) })
  .meta({ id: "InvitationAccept", description: "The token from the invitation link (/invite/<token>)." });

// ---- queries ---------------------------------------------------------------
export const MembersQuery = z.object({
  q: z.string().max(200, { error: "Search text has at most 200 characters." }).optional().meta({ description: "Search names and email addresses." }),
  cursor: z.string().max(200).optional().meta({ description: "nextCursor from the previous page." }),
});
export const InvitationsQuery = z.object({
  status: z
    .enum(["pending", "declined"], { error: "status is pending or declined." })
    .optional()
    .meta({ description: `pending (the default), or declined: the invitations declined by their addressee in the last ${DECLINED_LISTED_DAYS} days whose address was not invited again since, most recently declined first.` }),
  cursor: z.string().max(200).optional().meta({ description: "nextCursor from the previous page." }),
});
export const AuditQuery = z.object({
  action: z.string().max(2000).optional().meta({ description: "Comma-separated actions (e.g. member.remove,member.invite)." }),
  actor: z.string().max(254).optional().meta({ description: `The actor's email address, or "${SYSTEM_ACTOR}" for the events no person did (the schedule's, such as an ownership transfer's timed steps).` }),
  target: z.string().max(254).optional().meta({ description: "A target id or email address." }),
  from: z.string().max(10).optional().meta({ description: "First day, YYYY-MM-DD, in tz." }),
  to: z.string().max(10).optional().meta({ description: "Last day, YYYY-MM-DD, in tz." }),
  tz: z.string().max(64).optional().meta({ description: "IANA time zone of from/to (default UTC)." }),
  q: z.string().max(200).optional().meta({ description: "Words to search for: the events that recorded every one (whole words of two or more letters or digits, at most 100 characters; a search with a word that has no two letters or digits together, or a longer run, is refused, naming it)." }),
  after: z.string().max(200).optional().meta({ description: "Older events: nextCursor from the previous page." }),
  before: z.string().max(200).optional().meta({ description: "Newer events: prevCursor from the previous page." }),
});
export const ExportQuery = AuditQuery.omit({ after: true, before: true }).extend({
  format: z.enum(["csv", "jsonl"]).optional().meta({ description: "csv (default) or jsonl." }),
});

// ---- responses -------------------------------------------------------------
export const Workspace = z
  .object({ id: z.guid(), name: z.string(), slug: z.string(), role: Role, status: z.enum(["active", "blocked"]) })
  .meta({ id: "Workspace" });
export const Me = z
  .object({
    user: z.object({ id: z.guid(), email: z.string(), name: z.string().nullable() }),
    tenants: z.array(Workspace),
    authenticatedBy: z.enum(["api_key", "session"]),
    key: z
      .object({ id: z.guid(), tenantId: z.guid(), scope: z.enum(["read", "read_write"]), expiresAt: Timestamp })
      .nullable()
      .meta({ description: "The API key the request used (null for a browser session)." }),
  })
  .meta({ id: "Me" });
export const Tenant = z
  .object({ id: z.guid(), name: z.string(), slug: z.string(), status: z.literal("active"), role: Role, createdAt: Timestamp })
  .meta({ id: "Tenant", description: "The workspace, and the caller's role in it." });
export const Member = z
  .object({ userId: z.guid(), name: z.string().nullable(), email: z.string(), role: Role, joinedAt: Timestamp })
  .meta({ id: "Member" });
export const MemberPage = z
  .object({ data: z.array(Member), total: z.number().int(), nextCursor: z.string().nullable() })
  .meta({ id: "MemberPage" });
export const MemberRoleChanged = z.object({ userId: z.guid(), from: Role, to: Role }).meta({ id: "MemberRoleChanged" });
export const Invitation = z
  .object({
    id: z.guid(),
    status: z.enum(["pending", "declined"]).meta({ description: "pending, or declined by its addressee (its link no longer works, and it takes no seat)." }),
    email: z.string(),
    role: Role,
    invitedBy: z.string().nullable(),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    expired: z.boolean(),
    emailDispatched: z.boolean().meta({ description: "False when its email could not be sent; Resend on the app's Members page sends it again." }),
    declinedAt: Timestamp.nullable().meta({ description: "When its addressee declined it; null while pending." }),
  })
  .meta({ id: "Invitation" });
export const InvitationPage = z
  .object({ data: z.array(Invitation), total: z.number().int(), nextCursor: z.string().nullable() })
  .meta({ id: "InvitationPage" });
export const InvitationCreated = z
  .object({
    id: z.guid(),
    email: z.string(),
    role: Role,
    emailDispatched: z.boolean(),
    link: z.string().nullable().meta({ description: "The invitation link, only when the email could not be sent — and only in the first answer: it is never stored, so a replay (Idempotent-Replayed) has null and linkWithheld." }),
    linkWithheld: z.boolean().meta({ description: "True on a replay of an answer that carried a link: the link is not repeated (see notice)." }),
    notice: z.string().optional().meta({ description: "On such a replay: that the link is not repeated and how to get a new one." }),
    replaced: z
      .object({
        id: z.guid(),
        role: Role.meta({ description: "The role it offered: the new invitation's role may differ." }),
        expired: z.boolean().meta({ description: "True when it had already lapsed (it is now marked expired); false when it was pending (it is now revoked)." }),
      })
      .nullable()
      .meta({
        description: "The invitation to this address that this one replaced: its link no longer works. Null when there was none. A replay repeats it.",
      }),
  })
  .meta({ id: "InvitationCreated" });
export const InvitationAccepted = z
  .object({ tenantId: z.guid(), alreadyMember: z.boolean() })
  .meta({ id: "InvitationAccepted" });
export const AuditEvent = z
  .object({
    id: z.string(),
    createdAt: Timestamp,
    actorUserId: z.string().nullable(),
    actorEmail: z.string().nullable(),
    actorName: z.string().nullable().meta({ description: "The actor's display name when the event was recorded (a later change of name leaves it); null when they had none, or for an event no person did." }),
    action: z.string(),
    description: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    targetEmail: z
      .string()
      .nullable()
      .meta({ description: "The address the event concerns (an invitation's, a member's, the one an ownership transfer goes to), in lower case: what the target filter matches." }),
    metadata: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .meta({ id: "AuditEvent" });
export const AuditPage = z
  .object({ data: z.array(AuditEvent), nextCursor: z.string().nullable(), prevCursor: z.string().nullable() })
  .meta({ id: "AuditPage" });
