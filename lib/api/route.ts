import "server-only";
import { z } from "zod";
import { sql, type Tx } from "@/lib/db";
import { DomainError, findPgError, planLimitFrom } from "@/lib/errors";
import { clientInfoFromHeaders } from "@/lib/http/client-address";
import { isWellFormedApiKey } from "@/lib/api-keys/format";
import { RateLimited } from "@/lib/rate-limit";
import { SESSION_COOKIES } from "@/lib/session-cookie";
import { ACT_AS_HEADER, actAsTenantFromHeaders, can, withApiKey, type ApiKeyEntry, type Credential, type Permission, type RequestInfo, type TenantActor } from "@/lib/tenancy";
import { claimIdempotencyKey, fingerprintOf, idempotencyKeyOf, releaseIdempotencyKey, storeIdempotentResponse } from "./idempotency";
import { ApiProblem, problemBody, problemResponse, type FieldError, type ProblemType } from "./problem";
import { ApiRateLimited, limitAddress, limitKey, rateLimitHeaders, type RateState } from "./rate-limit";

export type KeyCredential = Extract<Credential, { kind: "api_key" }>;
export type Method = "get" | "post" | "patch" | "delete";
/** The largest JSON body the API reads. */
export const BODY_MAX_BYTES = 64 * 1024;

export interface EndpointContext<P, Q, B> {
  request: Request;
  requestInfo: RequestInfo;
  params: P;
  query: Q;
  body: B;
  /** The key and what its entry found; null only for a browser session (GET /me). */
  key: { credential: KeyCredential; entry: ApiKeyEntry; actor: TenantActor } | null;
  /** A browser session's credential (GET /me only). */
  session: Extract<Credential, { kind: "session" }> | null;
}

export type EndpointResult = { status: number; body?: unknown } | Response;

export interface Endpoint<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  operationId: string;
  method: Method;
  /** The OpenAPI path under /api/v1, e.g. /tenants/{tenantId}. */
  path: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Checked against the key's user's current role before anything else, as tenantAction does. */
  permission?: Permission;
  /** A write: refused to a read key. */
  write: boolean;
  /** A browser session is accepted too (GET /me only). */
  session?: boolean;
  success: { status: number; description: string; schema?: z.ZodType; contentTypes?: string[] };
  /** The problems it may answer, besides the ones every endpoint may (documented). */
  problems: ProblemType[];
  /**
   * What an Idempotency-Key keeps of a success whose body carries a secret
   * (an invitation link): stored and replayed instead of the body, so the
   * secret is never written to api_idempotency_keys. Without it the body is
   * kept as answered.
   */
  replayBody?: (body: unknown) => unknown;
  /** What it does (a write, or a read by browser session); an endpoint with `load` alone takes a key only. */
  handle?: (ctx: EndpointContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<EndpointResult>;
  /**
   * A read by key in the key's own entry transaction (one transaction per
   * request, as a page's requireTenantWith): used instead of `handle` when
   * the request carries a key.
   */
  load?: (tx: Tx, ctx: EndpointContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<EndpointResult>;
}

/** Declares an endpoint with its types inferred from its schemas. */
export function endpoint<P extends z.ZodType = z.ZodObject, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodUnknown>(def: Endpoint<P, Q, B>): Endpoint<P, Q, B> {
  return def;
}

/** The key a key-only endpoint was called with (every endpoint but GET /me takes only a key). */
export function requireKey(ctx: EndpointContext<unknown, unknown, unknown>) {
  if (!ctx.key) throw new ApiProblem("unauthorized", "Send an API key: Authorization: Bearer tnty_…");
  return ctx.key;
}

/** An instant as the API writes it: ISO 8601 in UTC. */
export const iso = (d: Date | string) => new Date(d).toISOString();

/** Page cursors for the lists the UI pages by number (members, invitations, resources): opaque to clients. */
export const pageCursor = (page: number) => Buffer.from(`page:${page}`).toString("base64url");
/** The page a cursor names (1 without one); a cursor that is not one is a validation error. */
export function pageOf(cursor: string | undefined): number {
  if (!cursor) return 1;
  const match = /^page:(\d{1,6})$/.exec(Buffer.from(cursor, "base64url").toString());
  const page = match ? Number(match[1]) : NaN;
  if (!Number.isInteger(page) || page < 1 || page > 100_000) {
    throw new ApiProblem("validation-error", "The cursor is not valid.", [{ field: "query.cursor", message: "Use nextCursor from the previous page." }]);
  }
  return page;
}

const fieldErrors = (error: z.ZodError, prefix = ""): FieldError[] =>
  error.issues.map((issue) => ({ field: prefix + (issue.path.map(String).join(".") || "body"), message: issue.message }));

const CONFLICTS = new Set(["last_owner", "no_change", "self_removal", "already_member", "not_pending", "slug_taken", "purging", "already_used", "revoked", "expired"]);

/** What the API answers for an error thrown below a handler. */
export function problemFor(error: unknown): { type: ProblemType; detail: string; errors?: FieldError[]; headers?: Record<string, string> } | null {
  if (error instanceof ApiProblem) return { type: error.type, detail: error.message, errors: error.errors, headers: error.headers };
  if (error instanceof ApiRateLimited) return { type: "rate-limited", detail: error.message, headers: rateLimitHeaders(error.state, true) };
  if (error instanceof RateLimited) return { type: "rate-limited", detail: error.message, headers: { "Retry-After": String(error.retryAfterSeconds) } };
  if (error instanceof z.ZodError) return { type: "validation-error", detail: "The request is not valid.", errors: fieldErrors(error) };
  // The database refused more than the workspace's plan allows (lib/billing).
  const limited = planLimitFrom(error);
  if (limited) return { type: "plan-limit", detail: limited.message };
  if (error instanceof DomainError && error.code === "plan_limit") return { type: "plan-limit", detail: error.message };
  if (error instanceof DomainError) {
    const errors = error.field ? [{ field: error.field, message: error.message }] : undefined;
    switch (error.code) {
      case "signed_out":
        return { type: "unauthorized", detail: "This API key is not valid: it is unknown or was revoked." };
      case "token_expired":
        return { type: "token-expired", detail: error.message };
      case "tenant_suspended":
        return { type: "tenant-suspended", detail: error.message };
      case "inactive":
      case "not_member":
      case "forbidden":
        return { type: "forbidden", detail: error.message };
      case "not_found":
      case "user_not_found":
      case "deleted":
        return { type: "not-found", detail: error.message };
    }
    if (CONFLICTS.has(error.code)) return { type: "conflict", detail: error.message, errors };
    return { type: "validation-error", detail: error.message, errors: errors ?? [{ field: "body", message: error.message }] };
  }
  // A read key's transaction is read-only: Postgres refused a write.
  if (findPgError(error)?.code === "25006") return { type: "forbidden", detail: "This API key is read-only: it cannot change anything." };
  return null;
}

function sessionTokenOf(request: Request): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if ((SESSION_COOKIES as readonly string[]).includes(name)) return decodeURIComponent(part.slice(eq + 1).trim()) || null;
  }
  return null;
}

function credentialOf(request: Request, ip: string | null, sessionAllowed: boolean): KeyCredential | Extract<Credential, { kind: "session" }> {
  const header = request.headers.get("authorization");
  if (header === null) {
    const token = sessionAllowed ? sessionTokenOf(request) : null;
    if (token) return { kind: "session", token };
    throw new ApiProblem("unauthorized", "Send an API key: Authorization: Bearer tnty_…", [], { "WWW-Authenticate": 'Bearer realm="api"' });
  }
  const match = /^Bearer +(\S+) *$/i.exec(header);
  // The checksum is checked before any database work.
  if (!match || !isWellFormedApiKey(match[1]!)) {
    throw new ApiProblem("unauthorized", "That is not an API key (the key's format or checksum does not match).", [], {
      "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"',
    });
  }
  return { kind: "api_key", token: match[1]!, ip };
}

function searchObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in out)) out[k] = v;
  return out;
}

const bodyTooLarge = () => new ApiProblem("validation-error", `The body is larger than ${BODY_MAX_BYTES / 1024} KB.`, [{ field: "body", message: "Too large." }]);

/**
 * The body as text, read chunk by chunk and counted: past BODY_MAX_BYTES the
 * stream is cancelled and the request refused, whether or not it declared a
 * Content-Length (a chunked body declares none), so nothing larger is ever
 * held in memory.
 */
async function readCapped(request: Request): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > BODY_MAX_BYTES) {
      // Not awaited: the answer does not wait on the client's stream.
      reader.cancel().catch(() => {});
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw new ApiProblem("validation-error", "Send the body as JSON (Content-Type: application/json).", [{ field: "Content-Type", message: "Use application/json." }]);
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > BODY_MAX_BYTES) throw bodyTooLarge();
  const text = await readCapped(request);
  if (text.includes("\u0000")) throw new ApiProblem("validation-error", "The body cannot contain NUL characters.", [{ field: "body", message: "Remove NUL characters." }]);
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch {
    throw new ApiProblem("validation-error", "The body is not valid JSON.", [{ field: "body", message: "Not valid JSON." }]);
  }
}

/**
 * Whether an answer only says "not now" — kept under an Idempotency-Key it
 * would refuse for 24 hours the very retry it asks for. A refusal on the
 * request's merits (400 validation, 402 plan limit, 403, 404, 409 from the
 * state — an existing member, the last owner…) is an answer: the same key
 * gets it again without acting, and a changed request takes a new key. A
 * transient one is not kept and the claim is given back, so a retry with the
 * same key acts: 429 (a limit, with Retry-After), any answer that carries
 * Retry-After (a 409 "still being processed", a busy export) and every 5xx.
 */
export const isTransient = (response: Response) => response.status === 429 || response.status >= 500 || response.headers.has("retry-after");

const json = (status: number, body: unknown, headers: Record<string, string>) =>
  status === 204 ? new Response(null, { status, headers }) : new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

/** The key's entry, with what a tenant-scoped lib function needs to act as its user. */
async function enterKey<T>(
  credential: KeyCredential,
  tenantId: string | null,
  requestInfo: RequestInfo,
  then: (tx: Tx, entered: { entry: ApiKeyEntry; actor: TenantActor }) => Promise<T>,
) {
  return withApiKey(credential, tenantId, async (tx, entry) => {
    const tenant = await tx.one<{ name: string; slug: string }>(sql`SELECT name, slug FROM tenants WHERE id = ${entry.tenant_id}::uuid`);
    const actor: TenantActor = {
      user: { id: entry.user_id, email: entry.email, name: entry.name },
      userId: entry.user_id,
      tenantId: entry.tenant_id,
      tenant: { id: entry.tenant_id, name: tenant?.name ?? "", slug: tenant?.slug ?? "" },
      credential,
      request: requestInfo,
    };
    return { entry, actor, result: await then(tx, { entry, actor }) };
  });
}

/** A Next.js route handler for the endpoint: auth, limits, input, idempotency, problems. */
export function routeHandler(def: Endpoint) {
  return async (request: Request, context: { params: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    const url = new URL(request.url);
    const requestInfo = clientInfoFromHeaders(request.headers);
    let rate: RateState | null = null;
    let claimed: { credential: KeyCredential; entry: ApiKeyEntry; key: string } | null = null;
    const headers = () => ({ "Cache-Control": "no-store", ...rateLimitHeaders(rate) });
    try {
      rate = await limitAddress(requestInfo.ip);
      let credential = credentialOf(request, requestInfo.ip, def.session === true);
      if (credential.kind === "api_key") rate = await limitKey(credential.token, rate);

      const rawParams = await context.params;
      const params = def.params ? def.params.safeParse(rawParams) : { success: true as const, data: {} };
      // A malformed id names nothing: not found, like an unknown one.
      if (!params.success) throw new ApiProblem("not-found", "There is no such resource.");

      // X-Act-As-Tenant (seed 001): a key of a parent workspace acts in the
      // descendant the path names, as a delegate; the database decides.
      const actAs = actAsTenantFromHeaders(request.headers);
      if (!actAs.ok) throw new ApiProblem("validation-error", actAs.error, [{ field: `header.${ACT_AS_HEADER}`, message: actAs.error }]);
      if (actAs.tenantId) {
        const pathTenant = (params.data as { tenantId?: string }).tenantId;
        if (!pathTenant || pathTenant.toLowerCase() !== actAs.tenantId || credential.kind !== "api_key") {
          const message = `${ACT_AS_HEADER} applies to an API key's request under /tenants/{id}, and must name that workspace.`;
          throw new ApiProblem("validation-error", message, [{ field: `header.${ACT_AS_HEADER}`, message }]);
        }
        credential = { ...credential, actAs: true };
      }

      const query = def.query ? def.query.safeParse(searchObject(url)) : { success: true as const, data: {} };
      if (!query.success) throw new ApiProblem("validation-error", "The query is not valid.", fieldErrors(query.error, "query."));

      let key: EndpointContext<unknown, unknown, unknown>["key"] = null;
      let loaded: EndpointResult | null = null;
      if (credential.kind === "api_key") {
        const tenantId = (params.data as { tenantId?: string }).tenantId ?? null;
        const entered = await enterKey(credential, tenantId, requestInfo, async (tx, { entry, actor }) => {
          if (def.write && entry.scope === "read") throw new ApiProblem("forbidden", "This API key is read-only: it cannot change anything.");
          if (def.permission && !can(entry.role, def.permission)) throw new ApiProblem("forbidden", "Your role in this workspace does not allow that.");
          if (!def.load) return null;
          const key = { credential, entry, actor };
          return def.load(tx, { request, requestInfo, params: params.data, query: query.data, body: undefined, key, session: null });
        });
        key = { credential, entry: entered.entry, actor: entered.actor };
        loaded = entered.result;
      }

      let body: unknown = undefined;
      let rawBody = "";
      if (def.body) {
        const read = (await readJson(request)) as { text: string; value: unknown };
        rawBody = read.text;
        const parsed = def.body.safeParse(read.value);
        if (!parsed.success) throw new ApiProblem("validation-error", "The body is not valid.", fieldErrors(parsed.error));
        body = parsed.data;
      }

      if (def.method === "post" && key) {
        const idempotencyKey = idempotencyKeyOf(request);
        if (idempotencyKey) {
          const claim = await claimIdempotencyKey(key.credential, key.entry, idempotencyKey, fingerprintOf(request.method, url.pathname, rawBody));
          if (claim.kind === "replay") {
            const replayHeaders: Record<string, string> = { ...headers(), "Idempotent-Replayed": "true" };
            if (claim.status !== 204) replayHeaders["Content-Type"] = claim.status >= 400 ? "application/problem+json" : "application/json";
            return new Response(claim.status === 204 ? null : claim.body, { status: claim.status, headers: replayHeaders });
          }
          if (claim.kind === "mismatch") {
            throw new ApiProblem("idempotency-key-reused", "This Idempotency-Key was used in the last 24 hours for another request. Use a new key.");
          }
          if (claim.kind === "in-progress") {
            throw new ApiProblem("conflict", "A request with this Idempotency-Key is still being processed. Retry in a moment.", [], { "Retry-After": "1" });
          }
          claimed = { credential: key.credential, entry: key.entry, key: idempotencyKey };
        }
      }

      if (!loaded && !def.handle) throw new ApiProblem("unauthorized", "Send an API key: Authorization: Bearer tnty_…");
      const result = loaded ?? await def.handle!({
        request,
        requestInfo,
        params: params.data,
        query: query.data,
        body,
        key,
        session: credential.kind === "session" ? credential : null,
      });
      const response = result instanceof Response ? result : json(result.status, result.body, headers());
      if (claimed) {
        if (isTransient(response)) {
          await releaseIdempotencyKey(claimed.credential, claimed.entry, claimed.key);
        } else {
          const text = !(result instanceof Response) && def.replayBody ? JSON.stringify(def.replayBody(result.body)) : await response.clone().text();
          await storeIdempotentResponse(claimed.credential, claimed.entry, claimed.key, response.status, text);
        }
      }
      return response;
    } catch (error) {
      const problem = problemFor(error);
      if (!problem) {
        console.error(`[api] ${request.method} ${url.pathname} failed`, error);
        if (claimed) await releaseIdempotencyKey(claimed.credential, claimed.entry, claimed.key).catch(() => {});
        return problemResponse({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "Something went wrong and nothing was changed." }, headers());
      }
      const response = problemResponse(problemBody(problem.type, problem.detail, url.pathname, problem.errors), { ...headers(), ...problem.headers });
      if (claimed) {
        if (isTransient(response)) {
          await releaseIdempotencyKey(claimed.credential, claimed.entry, claimed.key).catch(() => {});
        } else {
          await storeIdempotentResponse(claimed.credential, claimed.entry, claimed.key, response.status, await response.clone().text()).catch(() => {});
        }
      }
      return response;
    }
  };
}
