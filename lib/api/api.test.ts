// The REST API against the real database, by calling its route handlers with
// Request objects: every endpoint × role × a foreign workspace, read keys,
// each dead key refused at the next call, the UI's guardrails through the
// lib (as the actions call it) and through the API, the problem+json shape of
// every error type and its page, a fuzz over the OpenAPI document (never a
// 5xx), idempotency and rate limits under 20 concurrent requests — and, last,
// every response recorded here checked against the OpenAPI document.
import { randomBytes } from "node:crypto";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import ErrorTypePage from "@/app/docs/errors/[type]/page";
import { createApiKey } from "@/lib/api-keys";
import { mintApiKey } from "@/lib/api-keys/format";
import { ENDPOINTS } from "@/lib/api/endpoints";
import { openApiDocument } from "@/lib/api/openapi";
import { PROBLEM_TYPES, type ProblemType } from "@/lib/api/problem";
import { configureApiRateLimits } from "@/lib/api/rate-limit";
import { routeHandler } from "@/lib/api/route";
import { DomainError } from "@/lib/errors";
import { SOCKET_ADDRESS_HEADER } from "@/lib/http/client-address";
import { createChildWorkspace } from "@/lib/hierarchy/workspaces";
import { declineInvitation, inviteMember, inviteSchema } from "@/lib/invitations";
import { changeMemberRole, changeRoleSchema, removeMember } from "@/lib/members";
import { appBaseUrl } from "@/lib/urls";
import { renameWorkspace } from "@/lib/workspace-settings";
import { apiCaller, apiKeyFor, contractViolations, expectProblem, type Answer, type Recorded } from "@/test/api";
import {
  actorFor,
  addMember,
  auditRows,
  createUser,
  createWorkspace,
  credentialOf,
  domainCode,
  insertInvitation,
  memberRole,
  owner,
  setTenantStatus,
  uniqueEmail,
  uniqueIp,
  withBrokenSmtp,
} from "@/test/fixtures";

type Role = "owner" | "admin" | "auditor" | "member";
type Workspace = Awaited<ReturnType<typeof createWorkspace>>;
const ROLES: Role[] = ["owner", "admin", "auditor", "member"];
const recorded: Recorded[] = [];
// Every endpoint, the modules' too (lib/api/catalog.ts): the fuzz and the contract cover them.
const { call, byId } = apiCaller(recorded);
const keyOf = apiKeyFor;

/** A fresh target for each write, so every call acts on something that exists. */
async function targetsIn(ws: Workspace) {
  const extra = await createUser();
  await addMember(ws.tenant.id, extra.id, "member");
  const invitation = await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail("pending") });
  return { userId: extra.id, invitationId: (invitation as { id: string }).id };
}

/** What each endpoint does for a caller with a read-and-write key in its own workspace. */
async function exercise(operationId: string, ws: Workspace, key: string, tenantId = ws.tenant.id, targets?: { userId: string; invitationId: string }) {
  const t = targets ?? (await targetsIn(ws));
  const params = { tenantId, userId: t.userId, invitationId: t.invitationId };
  switch (operationId) {
    case "updateTenant":
      return call(operationId, { key, params, body: { name: `Renamed ${randomBytes(3).toString("hex")}` } });
    case "changeMemberRole":
      return call(operationId, { key, params, body: { role: "auditor" } });
    case "createInvitation":
      return call(operationId, { key, params, body: { email: uniqueEmail("invitee"), role: "member" } });
    case "acceptInvitation":
      return call(operationId, { key, body: { token: randomBytes(32).toString("base64url") } });
    default:
      return call(operationId, { key, params });
  }
}

const ALLOWED: Record<string, Role[]> = {
  getMe: ROLES,
  getTenant: ROLES,
  updateTenant: ["owner"],
  listMembers: ROLES,
  changeMemberRole: ["owner", "admin"],
  removeMember: ["owner", "admin"],
  listInvitations: ROLES,
  createInvitation: ["owner", "admin"],
  revokeInvitation: ["owner", "admin"],
  listAuditEvents: ["owner", "admin", "auditor"],
  exportAuditEvents: ["owner", "admin", "auditor"],
};
const SUCCESS = Object.fromEntries(ENDPOINTS.map((e) => [e.operationId, e.success.status]));

describe("every endpoint × role × a foreign workspace", () => {
  it.each(Object.keys(ALLOWED))("%s: the roles the matrix allows succeed, the others get 403 forbidden", async (operationId) => {
    const ws = await createWorkspace();
    for (const role of ROLES) {
      const answer = await exercise(operationId, ws, await keyOf(ws, role));
      if (ALLOWED[operationId]!.includes(role)) expect(answer.status, `${role}: ${answer.text}`).toBe(SUCCESS[operationId]);
      else expectProblem(answer, "forbidden");
    }
  });

  it("answers a key of A asking for B's workspace, members or invitations with 404 and no data, changing nothing in B", async () => {
    const a = await createWorkspace();
    const b = await createWorkspace();
    const key = await keyOf(a, "owner");
    const targetsB = await targetsIn(b);
    const before = (await owner().query("SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1", [b.tenant.id])).rows[0].n;
    for (const e of ENDPOINTS.filter((x) => x.path.includes("{tenantId}"))) {
      const viaB = await exercise(e.operationId, b, key, b.tenant.id, targetsB);
      expectProblem(viaB, "not-found");
      expect(viaB.text).not.toContain(b.tenant.name);
    }
    // A's own path with B's member and invitation ids: not found either.
    expectProblem(await call("changeMemberRole", { key, params: { tenantId: a.tenant.id, userId: b.member.id }, body: { role: "auditor" } }), "not-found");
    expectProblem(await call("removeMember", { key, params: { tenantId: a.tenant.id, userId: b.member.id } }), "not-found");
    expectProblem(await call("revokeInvitation", { key, params: { tenantId: a.tenant.id, invitationId: targetsB.invitationId } }), "not-found");
    expect(await memberRole(b.tenant.id, b.member.id)).toBe("member");
    expect(await memberRole(b.tenant.id, targetsB.userId)).toBe("member");
    expect((await owner().query("SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1", [b.tenant.id])).rows[0].n).toBe(before);
  });

  it("refuses every write to a read key, even an owner's, changing nothing", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "owner", "read");
    for (const e of ENDPOINTS.filter((x) => x.write)) expectProblem(await exercise(e.operationId, ws, key), "forbidden");
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(0);
    expect((await call("listMembers", { key, params: { tenantId: ws.tenant.id } })).status).toBe(200);
  });

  it("lists the user and every workspace they belong to at GET /me, by key or by browser session (no other endpoint takes a session)", async () => {
    const ws = await createWorkspace();
    const other = await createWorkspace();
    await addMember(other.tenant.id, ws.member.id, "admin");
    await setTenantStatus(other.tenant.id, "blocked");
    const byKey = await call("getMe", { key: await keyOf(ws, "member", "read") });
    expect(byKey.body.user.id).toBe(ws.member.id);
    expect(byKey.body.authenticatedBy).toBe("api_key");
    expect(byKey.body.key).toMatchObject({ tenantId: ws.tenant.id, scope: "read" });
    expect(byKey.body.tenants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: ws.tenant.id, role: "member", status: "active" }),
        expect.objectContaining({ id: other.tenant.id, role: "admin", status: "blocked" }),
      ]),
    );
    const cookie = { cookie: `authjs.session-token=${ws.member.sessionToken}` };
    const bySession = await call("getMe", { headers: cookie });
    expect(bySession.status).toBe(200);
    expect(bySession.body).toMatchObject({ authenticatedBy: "session", key: null, user: { id: ws.member.id } });
    expectProblem(await call("listMembers", { headers: cookie, params: { tenantId: ws.tenant.id } }), "unauthorized");
  });

  it("pages members with an opaque cursor and searches them", async () => {
    const ws = await createWorkspace();
    for (let i = 0; i < 20; i++) await addMember(ws.tenant.id, (await createUser({ name: `Paged ${i}` })).id, "member");
    const key = await keyOf(ws, "member", "read");
    const first = await call("listMembers", { key, params: { tenantId: ws.tenant.id } });
    expect(first.body.data).toHaveLength(20);
    expect(first.body.total).toBe(24);
    const second = await call("listMembers", { key, params: { tenantId: ws.tenant.id }, query: `cursor=${first.body.nextCursor}` });
    expect(second.body.data).toHaveLength(4);
    expect(second.body.nextCursor).toBeNull();
    const found = await call("listMembers", { key, params: { tenantId: ws.tenant.id }, query: "q=Audrey" });
    expect(found.body.data.map((m: { userId: string }) => m.userId)).toEqual([ws.auditor.id]);
    expectProblem(await call("listMembers", { key, params: { tenantId: ws.tenant.id }, query: "cursor=bogus" }), "validation-error");
  });
});

describe("the audit log by key", () => {
  it("pages it with the page's filters and exports exactly its rows as JSON Lines and CSV, recording the export", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "auditor");
    for (let i = 0; i < 3; i++) await call("createInvitation", { key: await keyOf(ws, "admin"), params: { tenantId: ws.tenant.id }, body: { email: uniqueEmail("audited"), role: "member" } });
    const page = await call("listAuditEvents", { key, params: { tenantId: ws.tenant.id }, query: "action=member.invite" });
    expect(page.status, page.text).toBe(200);
    expect(page.body.data).toHaveLength(3);
    expect(page.body.data[0].description).toMatch(/^Invited /);
    expectProblem(await call("listAuditEvents", { key, params: { tenantId: ws.tenant.id }, query: "action=no.such" }), "validation-error");
    expectProblem(await call("listAuditEvents", { key, params: { tenantId: ws.tenant.id }, query: "after=forged.cursor" }), "validation-error");
    const jsonl = await call("exportAuditEvents", { key, params: { tenantId: ws.tenant.id }, query: "format=jsonl&action=member.invite" });
    expect(jsonl.status, jsonl.text).toBe(200);
    expect(jsonl.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    // A streamed answer carries the headers every answer does.
    expect(jsonl.headers["ratelimit-limit"]).toBe("300");
    expect(jsonl.headers["cache-control"]).toBe("no-store");
    const lines = jsonl.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual(page.body.data.map((e: { id: string }) => e.id).sort());
    const csv = await call("exportAuditEvents", { key, params: { tenantId: ws.tenant.id }, query: "action=member.invite" });
    expect(csv.headers["content-disposition"]).toMatch(/attachment; filename=".+\.csv"/);
    expect(csv.text.trim().split("\n")).toHaveLength(4);
    expect((await auditRows(ws.tenant.id, "audit.export")).length).toBe(2);
    expectProblem(await call("exportAuditEvents", { key: await keyOf(ws, "auditor", "read"), params: { tenantId: ws.tenant.id } }), "forbidden");
  });

  it("finds the events no person did with actor=system, as the audit page does, and documents it", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "auditor");
    await owner().query("INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id) VALUES ($1, NULL, NULL, 'ownership.transfer.expire', 'ownership_transfer', gen_random_uuid())", [ws.tenant.id]);
    const page = await call("listAuditEvents", { key, params: { tenantId: ws.tenant.id }, query: "actor=system" });
    expect(page.status, page.text).toBe(200);
    expect(page.body.data.map((e: { action: string }) => e.action)).toEqual(["ownership.transfer.expire"]);
    type Operation = { operationId?: string; parameters?: Array<{ name: string; description?: string; schema?: { description?: string } }> };
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, Operation>> };
    const list = Object.values(doc.paths).flatMap((p) => Object.values(p)).find((o) => o.operationId === "listAuditEvents")!;
    const actor = list.parameters!.find((p) => p.name === "actor")!;
    expect(actor.description ?? actor.schema?.description).toMatch(/"system"/);
  });
});

describe("a dead key is refused at the next call", () => {
  const cases: Array<[string, ProblemType, (ws: Workspace, keyId: string) => Promise<unknown>]> = [
    ["expired", "token-expired", (_ws, id) => owner().query("UPDATE api_keys SET created_at = now() - interval '40 days', expires_at = now() - interval '1 second' WHERE id = $1", [id])],
    ["revoked", "unauthorized", (_ws, id) => owner().query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [id])],
    // Removal and deactivation revoke the user's keys: refused as revoked.
    ["user removed", "unauthorized", (ws) => owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [ws.tenant.id, ws.member.id])],
    ["user deactivated", "unauthorized", (ws) => owner().query("UPDATE users SET active = false WHERE id = $1", [ws.member.id])],
    ["workspace suspended", "tenant-suspended", (ws) => setTenantStatus(ws.tenant.id, "blocked")],
    ["workspace deleted", "not-found", (ws) => setTenantStatus(ws.tenant.id, "deleted")],
  ];
  it.each(cases)("%s → %s", async (_name, type, kill) => {
    const ws = await createWorkspace();
    const created = await createApiKey(actorFor(ws.tenant, ws.member), { name: "doomed", scope: "read_write", expiry: "7", expiresOn: "" });
    expect((await call("listMembers", { key: created.key, params: { tenantId: ws.tenant.id } })).status).toBe(200);
    await kill(ws, created.id);
    expectProblem(await call("listMembers", { key: created.key, params: { tenantId: ws.tenant.id } }), type);
    expectProblem(await call("getMe", { key: created.key }), type);
  });

  it("refuses a malformed key or a bad checksum (401) and an unknown well-formed key (401)", async () => {
    expectProblem(await call("getMe", { key: "tnty_notakey" }), "unauthorized");
    const k = mintApiKey();
    expectProblem(await call("getMe", { key: k.slice(0, -1) + (k.endsWith("a") ? "b" : "a") }), "unauthorized");
    expectProblem(await call("getMe", { key: k }), "unauthorized");
    expectProblem(await call("getMe", {}), "unauthorized");
  });
});

describe("what a request asks is checked after its key", () => {
  it("tells a key that is no longer valid so (401, with RFC 6750's challenge), whatever else the request holds", async () => {
    const ws = await createWorkspace();
    const revoked = await createApiKey(actorFor(ws.tenant, ws.owner), { name: "revoked", scope: "read_write", expiry: "7", expiresOn: "" });
    await owner().query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [revoked.id]);
    const expired = await createApiKey(actorFor(ws.tenant, ws.owner), { name: "expired", scope: "read_write", expiry: "7", expiresOn: "" });
    await owner().query("UPDATE api_keys SET created_at = now() - interval '9 days', expires_at = now() - interval '1 day' WHERE id = $1", [expired.id]);
    for (const [key, type] of [[revoked.key, "unauthorized"], [expired.key, "token-expired"]] as const) {
      const answers = [
        await call("getMe", { key }),
        await call("getTenant", { key, params: { tenantId: "not-a-uuid" } }),
        await call("getTenant", { key, params: { tenantId: crypto.randomUUID() } }),
        await call("listAuditEvents", { key, params: { tenantId: ws.tenant.id }, query: "after=garbage&tz=Mars/Base" }),
        await call("getTenant", { key, params: { tenantId: ws.tenant.id }, headers: { "x-act-as-tenant": "not-an-id" } }),
        await call("updateTenant", { key, params: { tenantId: ws.tenant.id }, body: { name: "" } }),
        await call("createProject", { key, params: { tenantId: ws.tenant.id }, rawBody: "{not json" }),
      ];
      for (const answer of answers) {
        expectProblem(answer, type);
        expect(answer.headers["www-authenticate"], answer.text).toBe('Bearer realm="api", error="invalid_token"');
      }
    }
  });

  it("names the query parameter or header a refusal came from", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "auditor");
    const params = { tenantId: ws.tenant.id };
    const fields = (answer: Answer) => {
      expectProblem(answer, "validation-error");
      return answer.body.errors.map((e: { field: string }) => e.field);
    };
    expect(fields(await call("listAuditEvents", { key, params, query: "after=garbage" }))).toEqual(["query.after"]);
    expect(fields(await call("listAuditEvents", { key, params, query: "before=garbage" }))).toEqual(["query.before"]);
    expect(fields(await call("listAuditEvents", { key, params, query: "from=2026-13-45&tz=Mars/Base" }))).toEqual(["query.tz", "query.from"]);
    expect(fields(await call("exportAuditEvents", { key, params, query: "format=csv&action=no.such" }))).toEqual(["query.action"]);
    const ownerKey = await keyOf(ws, "owner");
    expect(fields(await call("createProject", { key: ownerKey, params, rawBody: "{}", headers: { "content-type": "text/plain" } }))).toEqual(["header.content-type"]);
  });

  it("refuses text Postgres cannot hold — a NUL or half a surrogate pair, escaped in the JSON — naming the field, and stores nothing", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "owner");
    const params = { tenantId: ws.tenant.id };
    const cases: Array<[string, string, string]> = [
      ["createProject", String.raw`{"name":"a\u0000b"}`, "name"],
      ["createProject", String.raw`{"name":"Fine","description":"lone \ud800 x"}`, "description"],
      ["createProject", String.raw`{"name":"x \udfff"}`, "name"],
      ["createProject", String.raw`{"name":"Fine","a\ud800":1}`, "a\ud800"],
      ["updateTenant", String.raw`{"name":"Acme \ud800"}`, "name"],
    ];
    for (const [operationId, rawBody, field] of cases) {
      const answer = await call(operationId, { key, params, rawBody });
      expectProblem(answer, "validation-error");
      expect(answer.body.errors, rawBody).toEqual([{ field, message: expect.stringContaining("NUL characters or unpaired UTF-16 surrogates") }]);
    }
    expect((await owner().query("SELECT count(*)::int AS n FROM projects WHERE tenant_id = $1", [ws.tenant.id])).rows[0].n).toBe(0);
    expect((await owner().query("SELECT name FROM tenants WHERE id = $1", [ws.tenant.id])).rows[0].name).toBe(ws.tenant.name);
    // A surrogate pair, escaped, is text like any other.
    const emoji = await call("createProject", { key, params, rawBody: String.raw`{"name":"Launch \ud83d\ude80"}` });
    expect(emoji.status, emoji.text).toBe(201);
    expect(emoji.body.name).toBe("Launch 🚀");
  });
});

describe("the UI's guardrails hold identically through the lib (as the actions call it) and the API", () => {
  type Case = { name: string; code: string; type: ProblemType; run: (ws: Workspace) => { lib: () => Promise<unknown>; api: () => Promise<Answer> }; unchanged: (ws: Workspace) => Promise<void> };
  const ownerRole = async (ws: Workspace) => expect(await memberRole(ws.tenant.id, ws.owner.id)).toBe("owner");
  const CASES: Case[] = [
    {
      name: "the last owner cannot demote themselves",
      code: "last_owner",
      type: "conflict",
      run: (ws) => ({
        lib: () => changeMemberRole(actorFor(ws.tenant, ws.owner), ws.owner.id, "admin"),
        api: async () => call("changeMemberRole", { key: await keyOf(ws, "owner"), params: { tenantId: ws.tenant.id, userId: ws.owner.id }, body: { role: "admin" } }),
      }),
      unchanged: ownerRole,
    },
    {
      name: "nobody removes themselves (leave instead)",
      code: "self_removal",
      type: "conflict",
      run: (ws) => ({
        lib: () => removeMember(actorFor(ws.tenant, ws.owner), ws.owner.id),
        api: async () => call("removeMember", { key: await keyOf(ws, "owner"), params: { tenantId: ws.tenant.id, userId: ws.owner.id } }),
      }),
      unchanged: ownerRole,
    },
    {
      name: "an admin cannot remove an owner",
      code: "forbidden",
      type: "forbidden",
      run: (ws) => ({
        lib: () => removeMember(actorFor(ws.tenant, ws.admin), ws.owner.id),
        api: async () => call("removeMember", { key: await keyOf(ws, "admin"), params: { tenantId: ws.tenant.id, userId: ws.owner.id } }),
      }),
      unchanged: ownerRole,
    },
    {
      name: "no role change makes an owner, not even an owner's (only an ownership transfer does)",
      code: "validation",
      type: "validation-error",
      run: (ws) => ({
        lib: async () => {
          const parsed = changeRoleSchema.safeParse({ userId: ws.member.id, role: "owner" });
          // The action's schema refuses it before the lib is called (tenantAction → validationFailure).
          if (!parsed.success) throw new DomainError("validation", parsed.error.issues[0]!.message, "role");
          return changeMemberRole(actorFor(ws.tenant, ws.owner), parsed.data.userId, parsed.data.role);
        },
        api: async () => call("changeMemberRole", { key: await keyOf(ws, "owner"), params: { tenantId: ws.tenant.id, userId: ws.member.id }, body: { role: "owner" } }),
      }),
      unchanged: async (ws) => expect(await memberRole(ws.tenant.id, ws.member.id)).toBe("member"),
    },
    {
      name: "the same role again changes nothing",
      code: "no_change",
      type: "conflict",
      run: (ws) => ({
        lib: () => changeMemberRole(actorFor(ws.tenant, ws.admin), ws.member.id, "member"),
        api: async () => call("changeMemberRole", { key: await keyOf(ws, "admin"), params: { tenantId: ws.tenant.id, userId: ws.member.id }, body: { role: "member" } }),
      }),
      unchanged: async (ws) => expect(await auditRows(ws.tenant.id, "member.role.change")).toHaveLength(0),
    },
    {
      name: "never invite an owner",
      code: "validation",
      type: "validation-error",
      run: (ws) => ({
        lib: async () => {
          const parsed = inviteSchema.safeParse({ email: uniqueEmail(), role: "owner" });
          // The action's schema refuses it before the lib is called (tenantAction → validationFailure).
          if (!parsed.success) throw new DomainError("validation", parsed.error.issues[0]!.message, "role");
          return inviteMember(actorFor(ws.tenant, ws.owner), parsed.data);
        },
        api: async () => call("createInvitation", { key: await keyOf(ws, "owner"), params: { tenantId: ws.tenant.id }, body: { email: uniqueEmail(), role: "owner" } }),
      }),
      unchanged: async (ws) => expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(0),
    },
    {
      name: "an existing member is not invited",
      code: "already_member",
      type: "conflict",
      run: (ws) => ({
        lib: () => inviteMember(actorFor(ws.tenant, ws.owner), { email: ws.member.email, role: "admin" }),
        api: async () => call("createInvitation", { key: await keyOf(ws, "owner"), params: { tenantId: ws.tenant.id }, body: { email: ws.member.email, role: "admin" } }),
      }),
      unchanged: async (ws) => expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(0),
    },
    {
      name: "nobody invites themselves",
      code: "self_invite",
      type: "validation-error",
      run: (ws) => ({
        lib: () => inviteMember(actorFor(ws.tenant, ws.admin), { email: ws.admin.email, role: "member" }),
        api: async () => call("createInvitation", { key: await keyOf(ws, "admin"), params: { tenantId: ws.tenant.id }, body: { email: ws.admin.email, role: "member" } }),
      }),
      unchanged: async (ws) => expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(0),
    },
    {
      name: "a slug another workspace holds is refused",
      code: "slug_taken",
      type: "conflict",
      run: (ws) => ({
        lib: async () => renameWorkspace(actorFor(ws.tenant, ws.owner), { name: ws.tenant.name, slug: (await createWorkspace()).tenant.slug }),
        api: async () => call("updateTenant", { key: await keyOf(ws, "owner"), params: { tenantId: ws.tenant.id }, body: { slug: (await createWorkspace()).tenant.slug } }),
      }),
      unchanged: async (ws) => expect((await owner().query("SELECT slug FROM tenants WHERE id = $1", [ws.tenant.id])).rows[0].slug).toBe(ws.tenant.slug),
    },
    {
      name: "only owners rename",
      code: "forbidden",
      type: "forbidden",
      run: (ws) => ({
        lib: () => renameWorkspace(actorFor(ws.tenant, ws.admin), { name: "By an admin", slug: ws.tenant.slug }),
        api: async () => call("updateTenant", { key: await keyOf(ws, "admin"), params: { tenantId: ws.tenant.id }, body: { name: "By an admin" } }),
      }),
      unchanged: async (ws) => expect((await owner().query("SELECT name FROM tenants WHERE id = $1", [ws.tenant.id])).rows[0].name).toBe(ws.tenant.name),
    },
  ];
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const viaLib = await createWorkspace();
    const lib = c.run(viaLib).lib;
    expect(await domainCode(lib())).toBe(c.code);
    await c.unchanged(viaLib);
    const viaApi = await createWorkspace();
    expectProblem(await c.run(viaApi).api(), c.type);
    await c.unchanged(viaApi);
  });

  it("an invitation is accepted only by the address it was sent to (403), once (409); the right user joins", async () => {
    const ws = await createWorkspace();
    const elsewhere = await createWorkspace();
    const { randomBytes: rb, createHash } = await import("node:crypto");
    const token = rb(32).toString("base64url");
    const invited = await createUser();
    await addMember(elsewhere.tenant.id, invited.id, "member");
    await owner().query(
      "INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by) VALUES ($1, $2, 'member', $3, now() + interval '1 day', $4)",
      [ws.tenant.id, invited.email, createHash("sha256").update(token).digest("hex"), ws.owner.id],
    );
    const wrong = await keyOf(elsewhere, "member");
    expectProblem(await call("acceptInvitation", { key: wrong, body: { token } }), "forbidden");
    const right = (await createApiKey(actorFor(elsewhere.tenant, invited), { name: "cli", scope: "read_write", expiry: "7", expiresOn: "" })).key;
    const accepted = await call("acceptInvitation", { key: right, body: { token } });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toEqual({ tenantId: ws.tenant.id, alreadyMember: false });
    expect(await memberRole(ws.tenant.id, invited.id)).toBe("member");
    expectProblem(await call("acceptInvitation", { key: wrong, body: { token } }), "conflict");
  });

  /** An invitation to a new workspace for a user of another one, their read-write key there, and the link's token. */
  async function invitationForKeyHolder() {
    const ws = await createWorkspace();
    const elsewhere = await createWorkspace();
    const { createHash } = await import("node:crypto");
    const token = randomBytes(32).toString("base64url");
    const invited = await createUser();
    await addMember(elsewhere.tenant.id, invited.id, "member");
    const { id } = await insertInvitation({ tenantId: ws.tenant.id, email: invited.email, tokenHash: createHash("sha256").update(token).digest("hex") });
    const key = (await createApiKey(actorFor(elsewhere.tenant, invited), { name: "cli", scope: "read_write", expiry: "7", expiresOn: "" })).key;
    return { ws, invited, id, token, key };
  }

  it("an invitation its addressee declined is a 409 conflict that says so, and joins no one", async () => {
    const { ws, invited, id, token, key } = await invitationForKeyHolder();
    expect(await declineInvitation({ user: invited, credential: credentialOf(invited) }, id)).toMatchObject({ ok: true });
    const refused = await call("acceptInvitation", { key, body: { token } });
    expectProblem(refused, "conflict");
    expect(refused.text).toContain("This invitation was declined.");
    expect(await memberRole(ws.tenant.id, invited.id)).toBeNull();
  });

  it("an invitation to a workspace the platform suspended is a 402 tenant-suspended, and joins no one", async () => {
    const { ws, invited, token, key } = await invitationForKeyHolder();
    await setTenantStatus(ws.tenant.id, "blocked");
    const refused = await call("acceptInvitation", { key, body: { token } });
    expectProblem(refused, "tenant-suspended");
    expect(refused.text).toContain("suspended");
    expect(await memberRole(ws.tenant.id, invited.id)).toBeNull();
  });
});

describe("PATCH /tenants/{tenantId}", () => {
  it("changes only what is sent: a rename made while a slug change was on its way is kept, and only the slug's change is audited", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "owner");
    const handler = routeHandler(byId.updateTenant!);
    const context = { params: Promise.resolve({ tenantId: ws.tenant.id }) };
    const slug = `${ws.tenant.slug}-moved`;
    // The slug change's body is held until the rename is done: its request has entered the workspace (and read it) by then.
    let reading!: () => void;
    const started = new Promise<void>((resolve) => (reading = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        reading();
        await held;
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ slug })));
        controller.close();
      },
    });
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const slugChange = handler(new Request(`${appBaseUrl()}/api/v1/tenants/${ws.tenant.id}`, { method: "PATCH", headers, body, duplex: "half" } as RequestInit), context);
    await started;
    const renamed = await call("updateTenant", { key, params: { tenantId: ws.tenant.id }, body: { name: "Renamed meanwhile" } });
    expect(renamed.status).toBe(200);
    release();
    const moved = await slugChange;
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ name: "Renamed meanwhile", slug });
    expect((await owner().query("SELECT name, slug FROM tenants WHERE id = $1", [ws.tenant.id])).rows[0]).toEqual({ name: "Renamed meanwhile", slug });
    expect((await auditRows(ws.tenant.id, "tenant.rename")).map((r) => r.metadata)).toEqual([{ from: ws.tenant.name, to: "Renamed meanwhile" }]);
    expect((await auditRows(ws.tenant.id, "tenant.slug.change")).map((r) => r.metadata)).toEqual([{ from: ws.tenant.slug, to: slug }]);
  });
});

describe("GET /tenants/{tenantId}/invitations: declined ones", () => {
  it("lists pending invitations by default, each with its status, and those declined lately with status=declined and when", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "auditor");
    const invitee = await createUser();
    const declined = await inviteMember(actorFor(ws.tenant, ws.admin), { email: invitee.email, role: "member" });
    const pending = await inviteMember(actorFor(ws.tenant, ws.admin), { email: uniqueEmail("still-pending"), role: "auditor" });
    expect(await declineInvitation({ user: invitee, credential: credentialOf(invitee) }, declined.invitationId)).toMatchObject({ ok: true });
    const params = { tenantId: ws.tenant.id };

    const listed = await call("listInvitations", { key, params });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, nextCursor: null });
    expect(listed.body.data).toEqual([expect.objectContaining({ id: pending.invitationId, status: "pending", declinedAt: null })]);
    expect((await call("listInvitations", { key, params, query: "status=pending" })).body.data.map((i: { id: string }) => i.id)).toEqual([pending.invitationId]);

    const answer = await call("listInvitations", { key, params, query: "status=declined" });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ total: 1, nextCursor: null });
    expect(answer.body.data).toEqual([expect.objectContaining({ id: declined.invitationId, status: "declined", email: invitee.email, role: "member", declinedAt: expect.any(String) })]);
    expect(Math.abs(Date.parse(answer.body.data[0].declinedAt) - Date.now())).toBeLessThan(60_000);

    expectProblem(await call("listInvitations", { key, params, query: "status=revoked" }), "validation-error");
    const doc = openApiDocument() as unknown as { components: { schemas: Record<string, { required?: string[] }> } };
    expect(doc.components.schemas.Invitation!.required).toEqual(expect.arrayContaining(["status", "declinedAt"]));
  });
});

describe("POST /tenants/{tenantId}/invitations: re-inviting an address", () => {
  it("names the pending invitation it replaced (id, role) and null on a first invite; a replay repeats it", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "admin");
    const email = uniqueEmail("again");
    const params = { tenantId: ws.tenant.id };
    const first = await call("createInvitation", { key, params, body: { email, role: "member" } });
    expect(first.status, first.text).toBe(201);
    expect(first.body.replaced).toBeNull();
    // Again with another role, its email not sent (the answer carries a link, which the replay withholds).
    const headers = { "idempotency-key": `again-${randomBytes(6).toString("hex")}` };
    const send = () => call("createInvitation", { key, params, body: { email, role: "auditor" }, headers });
    const second: Answer = await withBrokenSmtp(send);
    expect(second.status, second.text).toBe(201);
    expect(second.body).toMatchObject({ email, role: "auditor", linkWithheld: false, replaced: { id: first.body.id, role: "member", expired: false } });
    expect(second.body.id).not.toBe(first.body.id);
    expect((await owner().query("SELECT status FROM tenant_invitations WHERE id = $1", [first.body.id])).rows[0].status).toBe("revoked");
    const replay = await send();
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.body).toMatchObject({ id: second.body.id, link: null, linkWithheld: true, replaced: second.body.replaced });
    // A lapsed invitation (still marked pending) is named as expired.
    const lapsedEmail = uniqueEmail("lapsed");
    const lapsed = await insertInvitation({ tenantId: ws.tenant.id, email: lapsedEmail, role: "admin", expiresAt: new Date(Date.now() - 60_000) });
    const renewed = await call("createInvitation", { key, params, body: { email: lapsedEmail, role: "member" } });
    expect(renewed.status, renewed.text).toBe(201);
    expect(renewed.body.replaced).toEqual({ id: lapsed.id, role: "admin", expired: true });
  });

  it("documents replaced in the OpenAPI document: required, null or the invitation it replaced", () => {
    const doc = openApiDocument() as unknown as { components: { schemas: Record<string, { required?: string[]; properties: Record<string, unknown> }> } };
    const created = doc.components.schemas.InvitationCreated!;
    expect(created.required).toContain("replaced");
    const replaced = JSON.stringify(created.properties.replaced);
    for (const field of ["id", "role", "expired", "null"]) expect(replaced).toContain(`"${field}"`);
    expect(byId.createInvitation!.description).toMatch(/replaced/);
  });
});

describe("the body cap", () => {
  it("stops reading a streamed body without Content-Length past 64 KB, answering what a declared one gets", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "owner");
    const url = `${appBaseUrl()}/api/v1/tenants/${ws.tenant.id}`;
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let pulled = 0;
    let cancelled = false;
    // 200 MB, made as it is read: the handler must stop after the cap.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 200 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const handler = routeHandler(byId.updateTenant!);
    const context = { params: Promise.resolve({ tenantId: ws.tenant.id }) };
    const answerOf = async (res: Response): Promise<Answer> => {
      const text = await res.text();
      const answer = { status: res.status, headers: Object.fromEntries(res.headers), text, body: JSON.parse(text) };
      recorded.push({ operationId: "updateTenant", answer });
      return answer;
    };
    const streamed = await answerOf(await handler(new Request(url, { method: "PATCH", headers, body, duplex: "half" } as RequestInit), context));
    expect(pulled).toBeLessThanOrEqual(4 * chunk.byteLength);
    expect(cancelled).toBe(true);
    const declared = await answerOf(
      await handler(new Request(url, { method: "PATCH", headers: { ...headers, "content-length": String(200 * 1024 * 1024) }, body: "{}" }), context),
    );
    expectProblem(streamed, "validation-error");
    expect(streamed.status).toBe(declared.status);
    expect(streamed.body).toEqual(declared.body);
    expect((await owner().query("SELECT name FROM tenants WHERE id = $1", [ws.tenant.id])).rows[0].name).toBe(ws.tenant.name);
  });
});

describe("problem+json for every error type", () => {
  it("answers each type with its status, the type's absolute URI, a title and a detail, and the URI answers with a page", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "owner");
    const seen = new Set<ProblemType>();
    const check = (answer: Answer, type: ProblemType) => {
      expectProblem(answer, type);
      seen.add(type);
    };
    check(await call("updateTenant", { key, params: { tenantId: ws.tenant.id }, body: { name: "" } }), "validation-error");
    const invalid = await call("updateTenant", { key, params: { tenantId: ws.tenant.id }, body: { name: "", slug: "UPPER case" } });
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["name", "slug"]);
    check(await call("getMe", {}), "unauthorized");
    const expired = await createApiKey(actorFor(ws.tenant, ws.member), { name: "old", scope: "read", expiry: "7", expiresOn: "" });
    await owner().query("UPDATE api_keys SET created_at = now() - interval '9 days', expires_at = now() - interval '1 day' WHERE id = $1", [expired.id]);
    check(await call("getMe", { key: expired.key }), "token-expired");
    check(await call("updateTenant", { key: await keyOf(ws, "member"), params: { tenantId: ws.tenant.id }, body: { name: "x" } }), "forbidden");
    check(await call("getTenant", { key, params: { tenantId: crypto.randomUUID() } }), "not-found");
    check(await call("getTenant", { key, params: { tenantId: "not-a-uuid" } }), "not-found");
    check(await call("removeMember", { key, params: { tenantId: ws.tenant.id, userId: ws.owner.id } }), "conflict");
    const idem = { "idempotency-key": `k-${randomBytes(4).toString("hex")}` };
    await call("createInvitation", { key, params: { tenantId: ws.tenant.id }, body: { email: uniqueEmail(), role: "member" }, headers: idem });
    check(await call("createInvitation", { key, params: { tenantId: ws.tenant.id }, body: { email: uniqueEmail(), role: "member" }, headers: idem }), "idempotency-key-reused");
    const suspended = await createWorkspace();
    const suspendedKey = await keyOf(suspended, "owner");
    await setTenantStatus(suspended.tenant.id, "blocked");
    check(await call("getTenant", { key: suspendedKey, params: { tenantId: suspended.tenant.id } }), "tenant-suspended");
    // Four members on a plan of four seats: one more invitation is over the plan.
    const full = await createWorkspace();
    const fourSeats = `four-${randomBytes(4).toString("hex")}`;
    await owner().query("INSERT INTO plans (id, name, seats) VALUES ($1, $1, 4)", [fourSeats]);
    await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [full.tenant.id, fourSeats]);
    const overPlan = await call("createInvitation", { key: await keyOf(full, "owner"), params: { tenantId: full.tenant.id }, body: { email: uniqueEmail(), role: "member" } });
    check(overPlan, "plan-limit");
    expect(overPlan.body.detail).toBe("Your plan allows 4 seats, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, or ask the platform's operators to upgrade the plan.");
    // An admin's key is told, as its user's pages tell them, to ask an owner.
    const overPlanAdmin = await call("createInvitation", { key: await keyOf(full, "admin"), params: { tenantId: full.tenant.id }, body: { email: uniqueEmail(), role: "member" } });
    check(overPlanAdmin, "plan-limit");
    expect(overPlanAdmin.body.detail).toBe(
      "Your plan allows 4 seats, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, or ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan.",
    );
    configureApiRateLimits({ apiPerKey: { points: 1, duration: 60 } }, `problem-${randomBytes(4).toString("hex")}:`);
    try {
      await call("getMe", { key });
      const limited = await call("getMe", { key });
      check(limited, "rate-limited");
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    } finally {
      configureApiRateLimits({});
    }
    for (const type of Object.keys(PROBLEM_TYPES) as ProblemType[]) {
      if (type !== "method-not-allowed") expect(seen, type).toContain(type);
      const html = renderToStaticMarkup(await ErrorTypePage({ params: Promise.resolve({ type }) }));
      expect(html).toContain(PROBLEM_TYPES[type].title.replace(/'/g, "&#x27;"));
    }
  });
});

describe("idempotency and rate limits under 20 concurrent requests", () => {
  it("acts once for 20 identical POSTs with one Idempotency-Key; retries get the first answer; another body gets 422", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "admin");
    const email = uniqueEmail("once");
    const headers = { "idempotency-key": `invite-${randomBytes(6).toString("hex")}` };
    const send = (body: unknown) => call("createInvitation", { key, params: { tenantId: ws.tenant.id }, body, headers });
    const answers = await Promise.all(Array.from({ length: 20 }, () => send({ email, role: "member" })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 409), statuses.join(",")).toBe(true);
    expect(statuses).toContain(201);
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(1);
    expect((await owner().query("SELECT count(*)::int AS n FROM tenant_invitations WHERE tenant_id = $1 AND email = $2", [ws.tenant.id, email])).rows[0].n).toBe(1);
    const first = answers.find((a) => a.status === 201)!;
    const retry = await send({ email, role: "member" });
    expect(retry.status).toBe(201);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.body).toEqual(first.body);
    expectProblem(await send({ email, role: "auditor" }), "idempotency-key-reused");
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(1);
  });

  it("does not keep a transient refusal (429) under an Idempotency-Key: the retry after the window acts; a definitive refusal is replayed", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "admin");
    // The inviter has sent 30 invitations this hour (as if they had gone out).
    await owner().query("INSERT INTO rate_limits (key, points, expire) VALUES ($1, 30, $2)", [`invitationsPerInviter:${ws.admin.id}`, Date.now() + 3_600_000]);
    const email = uniqueEmail("after-429");
    const headers = { "idempotency-key": `retry-${randomBytes(6).toString("hex")}` };
    const send = () => call("createInvitation", { key, params: { tenantId: ws.tenant.id }, body: { email, role: "member" }, headers });
    const refused = await send();
    expectProblem(refused, "rate-limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // The window passes; the same request with the same key is retried, as Retry-After said.
    await owner().query("DELETE FROM rate_limits WHERE key = $1", [`invitationsPerInviter:${ws.admin.id}`]);
    const retried = await send();
    expect(retried.status, retried.text).toBe(201);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(1);
    // Now it is stored: the next retry is a replay.
    expect((await send()).headers["idempotent-replayed"]).toBe("true");
    // A refusal on the request's merits (an existing member) is an answer: replayed, not acted on again.
    const definitive = { "idempotency-key": `member-${randomBytes(6).toString("hex")}` };
    const conflict = await call("createInvitation", { key, params: { tenantId: ws.tenant.id }, body: { email: ws.member.email, role: "member" }, headers: definitive });
    expectProblem(conflict, "conflict");
    const replayed = await call("createInvitation", { key, params: { tenantId: ws.tenant.id }, body: { email: ws.member.email, role: "member" }, headers: definitive });
    expectProblem(replayed, "conflict");
    expect(replayed.headers["idempotent-replayed"]).toBe("true");
  });

  it("keeps a refusal on the request's merits under its Idempotency-Key — a 400 and a 403 — as any other answer", async () => {
    const ws = await createWorkspace();
    const params = { tenantId: ws.tenant.id };
    const key = await keyOf(ws, "admin");
    const invalid = { "idempotency-key": `invalid-${randomBytes(6).toString("hex")}` };
    expectProblem(await call("createProject", { key, params, body: { name: "" }, headers: invalid }), "validation-error");
    const replayed = await call("createProject", { key, params, body: { name: "" }, headers: invalid });
    expectProblem(replayed, "validation-error");
    expect(replayed.headers["idempotent-replayed"]).toBe("true");
    // The same key with another body is another request: 422, and nothing is created.
    expectProblem(await call("createProject", { key, params, body: { name: "After the refusal" }, headers: invalid }), "idempotency-key-reused");
    expect((await owner().query("SELECT count(*)::int AS n FROM projects WHERE tenant_id = $1", [ws.tenant.id])).rows[0].n).toBe(0);

    // A member may not invite (403). Made an admin, the same request under the same key gets the same answer; a new key acts.
    const memberKey = await keyOf(ws, "member");
    const body = { email: uniqueEmail("later"), role: "member" };
    const forbidden = { "idempotency-key": `forbidden-${randomBytes(6).toString("hex")}` };
    expectProblem(await call("createInvitation", { key: memberKey, params, body, headers: forbidden }), "forbidden");
    await changeMemberRole(actorFor(ws.tenant, ws.owner), ws.member.id, "admin");
    const again = await call("createInvitation", { key: memberKey, params, body, headers: forbidden });
    expectProblem(again, "forbidden");
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(0);
    const fresh = await call("createInvitation", { key: memberKey, params, body, headers: { "idempotency-key": `fresh-${randomBytes(6).toString("hex")}` } });
    expect(fresh.status, fresh.text).toBe(201);
  });

  it("never keeps an invitation link under an Idempotency-Key: the replay withholds it and says how to get a new one", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "admin");
    const email = uniqueEmail("no-mail");
    const headers = { "idempotency-key": `link-${randomBytes(6).toString("hex")}` };
    const send = () => call("createInvitation", { key, params: { tenantId: ws.tenant.id }, body: { email, role: "member" }, headers });
    const first: Answer = await withBrokenSmtp(send);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ emailDispatched: false });
    const token = /\/invite\/([\w-]+)$/.exec(first.body.link)![1]!;
    const stored = await owner().query("SELECT response_body FROM api_idempotency_keys WHERE key = $1", [headers["idempotency-key"]]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].response_body).not.toContain(token);
    expect(first.body.linkWithheld).toBe(false);
    const replay = await send();
    expect(replay.status).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.text).not.toContain(token);
    expect(replay.body).toMatchObject({ id: first.body.id, email, emailDispatched: false, link: null, linkWithheld: true });
    expect(replay.body.notice).toMatch(/not repeated.*invite .*again/i);
    expect(await auditRows(ws.tenant.id, "member.invite")).toHaveLength(1);
  });

  it("limits POST /invitations/accept's tokens that match nothing per client address, as the /invite page and its action do", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "member");
    const headers = { [SOCKET_ADDRESS_HEADER]: uniqueIp() };
    const guess = () => call("acceptInvitation", { key, body: { token: randomBytes(32).toString("base64url") }, headers });
    for (let i = 0; i < 30; i++) expectProblem(await guess(), "not-found");
    const refused = await guess();
    expectProblem(refused, "rate-limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // Another address is unaffected.
    expectProblem(await call("acceptInvitation", { key, body: { token: randomBytes(32).toString("base64url") }, headers: { [SOCKET_ADDRESS_HEADER]: uniqueIp() } }), "not-found");
  });

  it("lets exactly the limit through per key and per client address, then 429 with Retry-After and RateLimit headers", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "member", "read");
    configureApiRateLimits({ apiPerKey: { points: 5, duration: 60 }, apiPerIp: { points: 8, duration: 60 } }, `burst-${randomBytes(4).toString("hex")}:`);
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => call("getMe", { key })));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(15);
      for (const r of refused) {
        expectProblem(r, "rate-limited");
        expect(r.headers["ratelimit-remaining"]).toBe("0");
        expect(r.headers["ratelimit-limit"]).toBe("5");
        expect(Number(r.headers["retry-after"])).toBeGreaterThan(0);
      }
      expect(answers.filter((a) => a.status === 200).map((a) => Number(a.headers["ratelimit-remaining"])).sort()).toEqual([0, 1, 2, 3, 4]);
      // Per address: 20 keys from one client address, 8 get through.
      const ip = uniqueIp();
      const keys = await Promise.all(Array.from({ length: 20 }, () => createApiKey(actorFor(ws.tenant, ws.owner), { name: "many", scope: "read", expiry: "7", expiresOn: "" })));
      const fromOne = await Promise.all(keys.map((k) => call("getMe", { key: k.key, headers: { [SOCKET_ADDRESS_HEADER]: ip } })));
      expect(fromOne.filter((a) => a.status === 200)).toHaveLength(8);
      expect(fromOne.filter((a) => a.status === 429)).toHaveLength(12);
    } finally {
      configureApiRateLimits({});
    }
  });
});

describe("X-Act-As-Tenant: a parent's key acting in a descendant, as the database decides", () => {
  /** A reseller (its owner manages children) with a child its admin created; the child's owner is that admin. */
  async function resellerWithChild() {
    const reseller = await createWorkspace();
    const child = await createChildWorkspace({ ...actorFor(reseller.tenant, reseller.admin), delegation: null }, { name: "Customer", slug: `customer-${randomBytes(4).toString("hex")}` });
    return { reseller, childId: child.id };
  }
  const actAs = (tenantId: string) => ({ "x-act-as-tenant": tenantId });

  it("enters the child named by the header and the path with the delegated role, and a write is audited in both logs", async () => {
    const { reseller, childId } = await resellerWithChild();
    const key = await keyOf(reseller, "owner");
    // Without the header the key reaches only its own workspace.
    expectProblem(await call("listMembers", { key, params: { tenantId: childId } }), "not-found");
    const members = await call("listMembers", { key, params: { tenantId: childId }, headers: actAs(childId) });
    expect(members.status, members.text).toBe(200);
    expect(members.body.data.map((m: { email: string }) => m.email)).toEqual([reseller.admin.email]);
    // The delegated role is admin (the child's default), never owner: renaming (owners only) is refused.
    expectProblem(await call("updateTenant", { key, params: { tenantId: childId }, body: { name: "Renamed" }, headers: actAs(childId) }), "forbidden");
    const invitee = uniqueEmail("delegated");
    const invited = await call("createInvitation", { key, params: { tenantId: childId }, body: { email: invitee, role: "member" }, headers: actAs(childId) });
    expect(invited.status, invited.text).toBe(201);
    const inChild = await auditRows(childId, "member.invite");
    expect(inChild.map((r) => r.metadata)).toEqual([expect.objectContaining({ email: invitee, delegated_from: expect.objectContaining({ tenant_id: reseller.tenant.id }), delegated_role: "admin" })]);
    const inParent = await auditRows(reseller.tenant.id, "tenant.delegate.act");
    expect(inParent.map((r) => r.metadata.action)).toContain("member.invite");
  });

  it("refuses a header that is not the path's workspace, a user who manages no ancestor, a child without delegated access, suspended and deleted children", async () => {
    const { reseller, childId } = await resellerWithChild();
    const key = await keyOf(reseller, "owner");
    expectProblem(await call("listMembers", { key, params: { tenantId: childId }, headers: actAs(reseller.tenant.id) }), "validation-error");
    expectProblem(await call("listMembers", { key, params: { tenantId: childId }, headers: { "x-act-as-tenant": "not-an-id" } }), "validation-error");
    // A member of the reseller manages no children.
    expectProblem(await call("listMembers", { key: await keyOf(reseller, "member"), params: { tenantId: childId }, headers: actAs(childId) }), "forbidden");
    // An unrelated workspace is no descendant: 403, and nothing about it is said.
    const stranger = await createWorkspace();
    expectProblem(await call("listMembers", { key, params: { tenantId: stranger.tenant.id }, headers: actAs(stranger.tenant.id) }), "forbidden");
    await owner().query("UPDATE tenants SET delegate_role = NULL WHERE id = $1", [childId]);
    expectProblem(await call("listMembers", { key, params: { tenantId: childId }, headers: actAs(childId) }), "forbidden");
    await owner().query("UPDATE tenants SET delegate_role = 'admin' WHERE id = $1", [childId]);
    await setTenantStatus(childId, "blocked");
    expectProblem(await call("listMembers", { key, params: { tenantId: childId }, headers: actAs(childId) }), "tenant-suspended");
    await setTenantStatus(childId, "active");
    await setTenantStatus(childId, "deleted");
    expectProblem(await call("listMembers", { key, params: { tenantId: childId }, headers: actAs(childId) }), "not-found");
  });

  it("documents the 400 a malformed header gets on operations with neither body nor query", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "owner");
    const mine: Recorded[] = [];
    const { call: callMine } = apiCaller(mine);
    const bad = { "x-act-as-tenant": "not-an-id" };
    expectProblem(await callMine("getTenant", { key, params: { tenantId: ws.tenant.id }, headers: bad }), "validation-error");
    expectProblem(await callMine("getMe", { key, headers: bad }), "validation-error");
    expectProblem(await callMine("removeMember", { key, params: { tenantId: ws.tenant.id, userId: ws.member.id }, headers: bad }), "validation-error");
    expectProblem(await callMine("revokeInvitation", { key, params: { tenantId: ws.tenant.id, invitationId: crypto.randomUUID() }, headers: bad }), "validation-error");
    expect(await memberRole(ws.tenant.id, ws.member.id)).toBe("member");
    recorded.push(...mine);
    expect(contractViolations(mine)).toEqual([]);
  });

  it("lists at GET /me, by key and by browser session alike, the workspaces the user belongs to, not the descendants they may enter as a delegate", async () => {
    const { reseller, childId } = await resellerWithChild();
    const key = await keyOf(reseller, "owner");
    // The owner may enter the child as a delegate...
    expect((await call("getTenant", { key, params: { tenantId: childId }, headers: actAs(childId) })).status).toBe(200);
    // ...but does not belong to it.
    const ids = (answer: Answer) => answer.body.tenants.map((t: { id: string }) => t.id).sort();
    const bySession = await call("getMe", { headers: { cookie: `authjs.session-token=${reseller.owner.sessionToken}` } });
    expect(bySession.status, bySession.text).toBe(200);
    expect(ids(bySession)).toEqual([reseller.tenant.id]);
    expect(ids(await call("getMe", { key }))).toEqual([reseller.tenant.id]);
  });

  it("keeps a read key read-only in the child", async () => {
    const { reseller, childId } = await resellerWithChild();
    const key = await keyOf(reseller, "owner", "read");
    expect((await call("listMembers", { key, params: { tenantId: childId }, headers: actAs(childId) })).status).toBe(200);
    expectProblem(await call("createInvitation", { key, params: { tenantId: childId }, body: { email: uniqueEmail(), role: "member" }, headers: actAs(childId) }), "forbidden");
    expect(await auditRows(childId, "member.invite")).toEqual([]);
  });
});

describe("a fuzz over the OpenAPI document", () => {
  it("answers every operation, with hostile parameters, queries and bodies, without a 5xx", async () => {
    const ws = await createWorkspace();
    const key = await keyOf(ws, "owner");
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ in: string; name: string }>; requestBody?: unknown }>> };
    const HOSTILE: unknown[] = [
      "",
      "\u0000",
      "a\u0000b",
      // Half a surrogate pair: JSON escapes it, and it has no UTF-8 form.
      "lone \ud800",
      "\udfff x",
      "'; DROP TABLE tenants; --",
      "<script>alert(1)</script>",
      "../../etc/passwd",
      "%00",
      "😀".repeat(300),
      "x".repeat(70_000),
      "0000-01-01",
      "10000-01-01",
      "Mars/Olympus_Mons",
      "__proto__",
      "00000000-0000-0000-0000-000000000000",
      -1,
      1e308,
      true,
      null,
      [],
      {},
      { __proto__: { admin: true } },
    ];
    let requests = 0;
    const fails: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        const e = byId[op.operationId]!;
        const pathNames = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        const queryNames = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
        const goodParams = Object.fromEntries(pathNames.map((n) => [n, n === "tenantId" ? ws.tenant.id : n === "userId" ? ws.member.id : crypto.randomUUID()]));
        const attempts: Array<Parameters<typeof call>[1]> = [];
        for (const value of HOSTILE) {
          const text = typeof value === "string" ? value : JSON.stringify(value);
          // Half a surrogate pair has no form in a URL (encodeURIComponent refuses it): it goes in bodies only.
          const inUrl = !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
          if (inUrl) for (const n of pathNames) attempts.push({ key, params: { ...goodParams, [n]: text.slice(0, 2000) } });
          if (inUrl) for (const n of queryNames) attempts.push({ key, params: goodParams, query: `${n}=${encodeURIComponent(text.slice(0, 5000))}` });
          if (op.requestBody) {
            attempts.push({ key, params: goodParams, rawBody: text });
            attempts.push({ key, params: goodParams, body: value });
            attempts.push({ key, params: goodParams, body: { name: value, slug: value, role: value, email: value, token: value } });
            // One field at a time, so that a value reaches the field even where the others would be refused first.
            for (const field of ["name", "description", "slug", "email", "token"]) attempts.push({ key, params: goodParams, body: { [field]: value } });
          }
        }
        if (op.requestBody) {
          attempts.push({ key, params: goodParams, rawBody: "{not json" });
          attempts.push({ key, params: goodParams, rawBody: JSON.stringify({ a: 1 }), headers: { "content-type": "text/plain" } });
          attempts.push({ key, params: goodParams, rawBody: "[".repeat(5000) + "]".repeat(5000) });
        }
        attempts.push({ key: "Bearer", params: goodParams }, { key: `${key} extra`, params: goodParams }, { params: goodParams, headers: { authorization: "Basic Zm9vOmJhcg==" } });
        for (const attempt of attempts) {
          const answer = await call(op.operationId, attempt);
          requests++;
          if (answer.status >= 500) fails.push(`${e.method.toUpperCase()} ${path} ${JSON.stringify(attempt).slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 200)}`);
        }
      }
    }
    console.log(`fuzz: ${requests} requests, ${fails.length} answered 5xx`);
    expect(fails).toEqual([]);
    expect(requests).toBeGreaterThan(300);
  }, 120_000);
});

describe("the OpenAPI contract", () => {
  it("validates every response recorded above against the document (status documented, content type, body schema)", async () => {
    expect(recorded.length).toBeGreaterThan(500);
    expect((contractViolations(recorded)).slice(0, 20)).toEqual([]);
  });
});
