// Calling the REST API in tests as Next.js would (the route handler with a
// Request object, against the real database), recording every answer, and
// checking the recorded answers against the OpenAPI document. Used by
// lib/api/api.test.ts and by each resource's lib/<name>/api.test.ts.
import { Validator } from "@cfworker/json-schema";
import { expect } from "vitest";
import { createApiKey, type ApiKeyScope } from "@/lib/api-keys";
import { API_ENDPOINTS } from "@/lib/api/catalog";
import { openApiDocument } from "@/lib/api/openapi";
import { PROBLEM_TYPES, type ProblemType } from "@/lib/api/problem";
import { routeHandler, type Endpoint } from "@/lib/api/route";
import { appBaseUrl } from "@/lib/urls";
import { actorFor, type createWorkspace } from "@/test/fixtures";

type Role = "owner" | "admin" | "auditor" | "member";
type Workspace = Awaited<ReturnType<typeof createWorkspace>>;

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  key?: string | null;
  params?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  query?: string;
  headers?: Record<string, string>;
}

export interface Recorded {
  operationId: string;
  answer: Answer;
}

/** Every endpoint of the API (the foundation's and the modules'), by operationId. */
export function endpointsById(): Record<string, Endpoint> {
  return Object.fromEntries(API_ENDPOINTS.map((e) => [e.operationId, e]));
}

/** A response as the tests read it: status, headers, text, and the body parsed when it is JSON. */
export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), text, body };
}

/** A caller of the API's endpoints by operationId that records each answer into `recorded`, for the contract check. */
export function apiCaller(recorded: Recorded[] = []) {
  const byId = endpointsById();
  async function call(operationId: string, opts: CallOptions = {}): Promise<Answer> {
    const e = byId[operationId];
    if (!e) throw new Error(`No endpoint ${operationId}`);
    const path = e.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(opts.params?.[name] ?? ""));
    const headers: Record<string, string> = { ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...opts.headers };
    const hasBody = opts.body !== undefined || opts.rawBody !== undefined;
    if (hasBody) headers["content-type"] ??= "application/json";
    const request = new Request(`${appBaseUrl()}/api/v1${path}${opts.query ? `?${opts.query}` : ""}`, {
      method: e.method.toUpperCase(),
      headers,
      body: hasBody ? (opts.rawBody ?? JSON.stringify(opts.body)) : undefined,
    });
    const answer = await answerOf(await routeHandler(e)(request, { params: Promise.resolve(opts.params ?? {}) }));
    recorded.push({ operationId, answer });
    return answer;
  }
  return { call, byId, recorded };
}

/** A new API key of the workspace's user with that role. */
export async function apiKeyFor(ws: Workspace, role: Role, scope: ApiKeyScope = "read_write") {
  return (await createApiKey(actorFor(ws.tenant, ws[role]), { name: `${role} ${scope}`, scope, expiry: "30", expiresOn: "" })).key;
}

/** The answer is the problem of that type: its status, problem+json, its type's URI and title, a detail. */
export function expectProblem(answer: Answer, type: ProblemType) {
  expect(answer.headers["content-type"], answer.text).toBe("application/problem+json");
  expect(answer.status, answer.text).toBe(PROBLEM_TYPES[type].status);
  expect(answer.body).toMatchObject({ type: `${appBaseUrl()}/docs/errors/${type}`, title: PROBLEM_TYPES[type].title, status: PROBLEM_TYPES[type].status });
  expect(typeof answer.body.detail).toBe("string");
  expect(answer.body.detail.length).toBeGreaterThan(0);
}

type Responses = Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>;

/**
 * Checks each recorded answer against the OpenAPI document (JSON Schema
 * draft 2020-12, @cfworker/json-schema): its status is documented for its
 * operation, its content type too, its body matches the schema, and a
 * Location header is one the document lists. Returns
 * what does not hold (empty when all do), and any answer that tells its
 * client to reload a page. The validator is proven to refuse a body the
 * document does not allow before anything is checked.
 */
export function contractViolations(recorded: readonly Recorded[]): string[] {
  const doc = openApiDocument() as unknown as {
    paths: Record<string, Record<string, { operationId: string; responses: Responses }>>;
    components: { schemas: Record<string, unknown> };
  };
  const operations = new Map<string, { responses: Responses }>();
  for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) operations.set(op.operationId, op);
  const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll("#/components/schemas/", "#/$defs/"));
  const validators = new Map<string, Validator>();
  const validatorFor = (schema: unknown) => {
    const text = JSON.stringify(schema).replaceAll("#/components/schemas/", "#/$defs/");
    let v = validators.get(text);
    if (!v) {
      v = new Validator({ ...JSON.parse(text), $defs: defs } as never, "2020-12", false);
      validators.set(text, v);
    }
    return v;
  };
  // A positive control: the validator does refuse what the document does not allow.
  const me = operations.get("getMe")!.responses["200"]!.content!["application/json"]!.schema;
  expect(validatorFor(me).validate({ user: { id: 1 }, tenants: "none" }).valid).toBe(false);
  const problems: string[] = [];
  for (const { operationId, answer } of recorded) {
    // The API speaks to its client, not to a person on a page (DomainError's pageAdvice is the page's).
    if (answer.text.includes("Reload the page")) problems.push(`${operationId}: ${answer.status} tells its client to reload a page (${answer.text.slice(0, 120)})`);
    const op = operations.get(operationId);
    if (!op) {
      problems.push(`${operationId}: not in the document`);
      continue;
    }
    const documented = op.responses[String(answer.status)];
    if (!documented) {
      problems.push(`${operationId}: ${answer.status} is not documented (${answer.text.slice(0, 120)})`);
      continue;
    }
    // A Location header is documented where it is answered (a create's).
    if (answer.headers.location && !documented.headers?.Location) {
      problems.push(`${operationId}: ${answer.status} answered Location, which the document does not list`);
    }
    if (!documented.content) {
      if (answer.text !== "") problems.push(`${operationId}: ${answer.status} has a body`);
      continue;
    }
    const type = (answer.headers["content-type"] ?? "").split(";")[0]!.trim();
    const media = documented.content[type];
    if (!media) {
      problems.push(`${operationId}: ${answer.status} answered ${type}, documented ${Object.keys(documented.content).join(", ")}`);
      continue;
    }
    const result = validatorFor(media.schema).validate(type.endsWith("json") ? answer.body : answer.text);
    if (!result.valid) problems.push(`${operationId}: ${answer.status} ${JSON.stringify(result.errors.slice(-2)).slice(0, 300)}`);
  }
  return [...new Set(problems)];
}
