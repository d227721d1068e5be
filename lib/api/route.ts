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
  /**
   * A create's answer names what it made: the path under /api/v1 of the item
   * its body describes (by the body's id), sent as `Location` with its
   * success (201) — a replay under the same Idempotency-Key included.
   */
  location?: (created: { id: string }, params: z.output<P>) => string;
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

/** RFC 6750's challenge for a key that was sent and is not (or no longer) valid. */
const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';

const CONFLICTS = new Set(["last_owner", "no_change", "self_removal", "already_member", "not_pending", "slug_taken", "purging", "already_used", "revoked", "declined", "expired"]);

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
        return { type: "unauthorized", detail: "This API key is not valid: it is unknown or was revoked.", headers: { "WWW-Authenticate": INVALID_TOKEN } };
      case "token_expired":
        return { type: "token-expired", detail: error.message, headers: { "WWW-Authenticate": INVALID_TOKEN } };
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
    throw new ApiProblem("unauthorized", "That is not an API key (the key's format or checksum does not match).", [], { "WWW-Authenticate": INVALID_TOKEN });
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
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > BODY_MAX_BYTES) throw bodyTooLarge();
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

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_TEXT = "Text cannot contain NUL characters or unpaired UTF-16 surrogates (\\u0000, \\ud800–\\udfff).";

/**
 * The first place in a JSON body — a member's name or a string — holding
 * text Postgres cannot store as sent: a NUL (it refuses the statement) or
 * half a surrogate pair (it has no UTF-8 form; it would be stored as U+FFFD,
 * or refused in an audit row's JSON). The field, as the schema's errors name
 * fields; null when there is none.
 */
export function unstorableTextIn(value: unknown): string | null {
  const bad = (text: string) => text.includes("\u0000") || UNPAIRED_SURROGATE.test(text);
  const join = (path: string, name: string) => (path ? `${path}.${name}` : name);
  // Walked without recursion: a body may nest as deep as its 64 KB allow.
  const pending: Array<[unknown, string]> = [[value, ""]];
  while (pending.length) {
    const [item, path] = pending.pop()!;
    if (typeof item === "string") {
      if (bad(item)) return path || "body";
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], join(path, String(i))]);
    } else if (item !== null && typeof item === "object") {
      const entries = Object.entries(item);
      for (const [name] of entries) if (bad(name)) return join(path, name);
      for (let i = entries.length - 1; i >= 0; i--) pending.push([entries[i]![1], join(path, entries[i]![0])]);
    }
  }
  return null;
}

/** The JSON body the endpoint's schema accepts, from the text read, or the refusal as a problem. */
function parseBody(request: Request, text: string, schema: z.ZodType): unknown {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw new ApiProblem("validation-error", "Send the body as JSON (Content-Type: application/json).", [{ field: "header.content-type", message: "Use application/json." }]);
  }
  if (text.includes("\u0000")) throw new ApiProblem("validation-error", "The body cannot contain NUL characters.", [{ field: "body", message: "Remove NUL characters." }]);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ApiProblem("validation-error", "The body is not valid JSON.", [{ field: "body", message: "Not valid JSON." }]);
  }
  const unstorable = unstorableTextIn(value);
  if (unstorable) throw new ApiProblem("validation-error", UNSTORABLE_TEXT, [{ field: unstorable, message: UNSTORABLE_TEXT }]);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // A rule on the body as a whole (a PATCH with no field to change, patchBody) says itself what is wrong.
    const whole = parsed.error.issues.find((issue) => issue.code === "custom" && issue.path.length === 0);
    throw new ApiProblem("validation-error", whole?.message ?? "The body is not valid.", fieldErrors(parsed.error));
  }
  return parsed.data;
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

/** An endpoint's own response (a stream, a file) with the headers every answer carries, where it sets none of its own. */
function withHeaders(response: Response, headers: Record<string, string>): Response {
  const merged = new Headers(headers);
  response.headers.forEach((value, name) => merged.set(name, value));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

/** The Location header of an endpoint that declares one, for the item its success body describes. */
function locationOf(def: Endpoint, body: unknown, params: unknown): Record<string, string> {
  const id = (body as { id?: unknown } | null)?.id;
  return def.location && typeof id === "string" ? { Location: `/api/v1${def.location({ id }, params)}` } : {};
}

const json = (status: number, body: unknown, headers: Record<string, string>) =>
  status === 204 ? new Response(null, { status, headers }) : new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

/**
 * What a key with X-Act-As-Tenant is told when the workspace it names is not
 * one it may act in: not under the key's workspace, made up, or the key's
 * role there manages no child workspaces. The same for a real and a made-up
 * id, so that it says nothing about whether the workspace exists.
 */
export const ACT_AS_NOT_A_CHILD =
  "This API key may not act in that workspace: it is not a child workspace of the key's own in which the key's role lets it act as a delegate.";

/** The key's entry, with what a tenant-scoped lib function needs to act as its user. */
async function enterKey<T>(
  credential: KeyCredential,
  tenantId: string | null,
  requestInfo: RequestInfo,
  then: (tx: Tx, entered: { entry: ApiKeyEntry; actor: TenantActor }) => Promise<T>,
) {
  try {
    return await enterKeyAs(credential, tenantId, requestInfo, then);
  } catch (error) {
    // The act-as entry refuses as "not a member" both a key whose user left its own workspace and a workspace
    // the key may not act in: the key alone, entered again, says which.
    if (!(credential.actAs && tenantId && error instanceof DomainError && error.code === "not_member")) throw error;
    await withApiKey({ ...credential, actAs: false }, null, async () => null);
    throw new ApiProblem("forbidden", ACT_AS_NOT_A_CHILD);
  }
}

function enterKeyAs<T>(
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

/**
 * A Next.js route handler for the endpoint: auth, limits, input, idempotency, problems.
 *
 * The key is checked first: a key that is not (or no longer) valid is told so
 * (401) whatever else the request holds. What the request asks is then
 * checked — its path, query, headers, the key's scope and role, its body —
 * and a refusal on those merits is answered only once a POST's
 * Idempotency-Key is claimed, so that it is kept under that key like any
 * other answer (isTransient says which are not).
 */
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

      let refusal: ApiProblem | null = null;
      const rawParams = await context.params;
      const params = def.params ? def.params.safeParse(rawParams) : { success: true as const, data: {} };
      // A malformed id names nothing: not found, like an unknown one.
      if (!params.success) refusal = new ApiProblem("not-found", "There is no such resource.");
      const pathTenant = params.success ? ((params.data as { tenantId?: string }).tenantId ?? null) : null;

      // X-Act-As-Tenant (seed 001): a key of a parent workspace acts in the
      // descendant the path names, as a delegate; the database decides.
      const actAs = actAsTenantFromHeaders(request.headers);
      if (!actAs.ok) {
        refusal ??= new ApiProblem("validation-error", actAs.error, [{ field: `header.${ACT_AS_HEADER}`, message: actAs.error }]);
      } else if (actAs.tenantId && (!pathTenant || pathTenant.toLowerCase() !== actAs.tenantId || credential.kind !== "api_key")) {
        const message = `${ACT_AS_HEADER} applies to an API key's request under /tenants/{id}, and must name that workspace.`;
        refusal ??= new ApiProblem("validation-error", message, [{ field: `header.${ACT_AS_HEADER}`, message }]);
      }

      const query = def.query ? def.query.safeParse(searchObject(url)) : { success: true as const, data: {} };
      if (!query.success) refusal ??= new ApiProblem("validation-error", "The query is not valid.", fieldErrors(query.error, "query."));
      if (credential.kind !== "api_key" && refusal) throw refusal;
      if (credential.kind === "api_key" && actAs.ok && actAs.tenantId && !refusal) credential = { ...credential, actAs: true };

      let key: EndpointContext<unknown, unknown, unknown>["key"] = null;
      let loaded: EndpointResult | null = null;
      if (credential.kind === "api_key") {
        const keyCredential = credential;
        // With a refusal already due, the key is only verified, in its own workspace.
        const entered = await enterKey(keyCredential, refusal ? null : pathTenant, requestInfo, async (tx, { entry, actor }) => {
          if (refusal) return null;
          if (def.write && entry.scope === "read") refusal = new ApiProblem("forbidden", "This API key is read-only: it cannot change anything.");
          else if (def.permission && !can(entry.role, def.permission)) refusal = new ApiProblem("forbidden", "Your role in this workspace does not allow that.");
          if (refusal || !def.load) return null;
          const key = { credential: keyCredential, entry, actor };
          return def.load(tx, { request, requestInfo, params: params.data, query: query.data, body: undefined, key, session: null });
        });
        key = { credential: keyCredential, entry: entered.entry, actor: entered.actor };
        loaded = entered.result;
      }

      // The body's text is read before the key is claimed: it is part of what the key names.
      const rawBody = def.body ? await readCapped(request) : "";

      if (def.method === "post" && key) {
        const idempotencyKey = idempotencyKeyOf(request);
        if (idempotencyKey) {
          const claim = await claimIdempotencyKey(key.credential, key.entry, idempotencyKey, fingerprintOf(request.method, url.pathname, rawBody));
          if (claim.kind === "replay") {
            const replayHeaders: Record<string, string> = { ...headers(), "Idempotent-Replayed": "true" };
            if (claim.status !== 204) replayHeaders["Content-Type"] = claim.status >= 400 ? "application/problem+json" : "application/json";
            if (claim.status === def.success.status) Object.assign(replayHeaders, locationOf(def, claim.body ? JSON.parse(claim.body) : null, params.data));
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

      if (refusal) throw refusal;
      const body = def.body ? parseBody(request, rawBody, def.body) : undefined;

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
      const response =
        result instanceof Response
          ? withHeaders(result, headers())
          : json(result.status, result.body, { ...headers(), ...(result.status === def.success.status ? locationOf(def, result.body, params.data) : {}) });
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

/** An answer to a request that reaches no endpoint, with the headers every answer carries; the client address's limit applies to it too. */
async function outsideEndpoints(request: Request, type: "not-found" | "method-not-allowed", detail: string, extra: Record<string, string> = {}): Promise<Response> {
  const url = new URL(request.url);
  let rate: RateState | null = null;
  try {
    rate = await limitAddress(clientInfoFromHeaders(request.headers).ip);
  } catch (error) {
    const problem = problemFor(error);
    if (!problem) throw error;
    return problemResponse(problemBody(problem.type, problem.detail, url.pathname), { ...rateLimitHeaders(rate), ...problem.headers });
  }
  return problemResponse(problemBody(type, detail, url.pathname), { ...rateLimitHeaders(rate), ...extra });
}

/** What /api/v1 answers at a path no endpoint has (app/api/v1/[[...path]]/route.ts). */
export const noSuchEndpoint = (request: Request) =>
  outsideEndpoints(request, "not-found", "There is no such endpoint. The API's endpoints are listed in its OpenAPI document, /api/v1/openapi.json.");

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/**
 * A route file's handlers, for every HTTP method: each endpoint's under its
 * method; HEAD as GET without the body where the GET only reads (a GET that
 * writes — an export, which is audited and counted — is not run for a
 * HEAD); OPTIONS, with the methods in `Allow`; and for any other method a
 * 405 problem with `Allow`, rather than the framework's empty 405.
 *
 *     export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiRoute(listThings, createThing);
 */
export function apiRoute(...endpoints: Endpoint[]): Record<"GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "PATCH" | "DELETE", RouteHandler> {
  const handlers = new Map(endpoints.map((e) => [e.method.toUpperCase(), routeHandler(e)]));
  const get = endpoints.find((e) => e.method === "get");
  const head: RouteHandler | null =
    get && !get.write
      ? async (request, context) => {
          const response = await handlers.get("GET")!(new Request(request.url, { method: "GET", headers: request.headers }), context);
          await response.body?.cancel();
          return new Response(null, { status: response.status, headers: response.headers });
        }
      : null;
  const allow = [...handlers.keys(), ...(head ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const refuse: RouteHandler = (request) =>
    outsideEndpoints(request, "method-not-allowed", `${request.method} is not a method of this path; it takes ${allow}.`, { Allow: allow });
  return {
    GET: handlers.get("GET") ?? refuse,
    HEAD: head ?? refuse,
    OPTIONS: async () => new Response(null, { status: 204, headers: { Allow: allow, "Cache-Control": "no-store" } }),
    POST: handlers.get("POST") ?? refuse,
    PUT: refuse,
    PATCH: handlers.get("PATCH") ?? refuse,
    DELETE: handlers.get("DELETE") ?? refuse,
  };
}
