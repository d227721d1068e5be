import "server-only";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { appBaseUrl } from "@/lib/urls";
import { API_ENDPOINTS } from "./catalog";
import { PROBLEM_TYPES, type ProblemType } from "./problem";
import { API_RATE_LIMITS } from "./rate-limit";
import { Problem } from "./schemas";

/** Problems any key-authenticated endpoint may answer. */
const COMMON: ProblemType[] = ["unauthorized", "token-expired", "forbidden", "tenant-suspended", "not-found", "rate-limited"];

const RATE_HEADERS = {
  "RateLimit-Limit": { description: "Requests allowed in the current window.", schema: { type: "integer" as const } },
  "RateLimit-Remaining": { description: "Requests left in the current window.", schema: { type: "integer" as const } },
  "RateLimit-Reset": { description: "Seconds until the window ends.", schema: { type: "integer" as const } },
};

function problemResponses(types: ProblemType[]) {
  const byStatus = new Map<number, ProblemType[]>();
  for (const t of new Set(types)) byStatus.set(PROBLEM_TYPES[t].status, [...(byStatus.get(PROBLEM_TYPES[t].status) ?? []), t]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((t) => `${t}: ${PROBLEM_TYPES[t].title}`).join("; "),
        headers: status === 429 ? { ...RATE_HEADERS, "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" as const } } } : RATE_HEADERS,
        content: { "application/problem+json": { schema: Problem } },
      },
    ]),
  );
}

/** The OpenAPI 3.1 document, rendered from the schemas the handlers validate with and answer in. */
export function openApiDocument() {
  const paths: ZodOpenApiPathsObject = {};
  for (const e of API_ENDPOINTS) {
    const problems = [...(e.params || e.session ? COMMON : COMMON.filter((t) => t !== "not-found")), ...e.problems];
    // Every operation may answer 400: besides a body or a query, the headers are
    // checked on each (a malformed X-Act-As-Tenant, or one sent where it does
    // not apply; on a POST, a malformed Idempotency-Key) — lib/api/route.ts.
    problems.push("validation-error");
    // Every POST honours Idempotency-Key (lib/api/route.ts): a key still in use is 409, reused for another request 422.
    if (e.method === "post") problems.push("conflict", "idempotency-key-reused");
    const operation: ZodOpenApiOperationObject = {
      operationId: e.operationId,
      summary: e.summary,
      ...(e.description ? { description: e.description } : {}),
      security: e.session ? [{ apiKey: [] }, { session: [] }] : [{ apiKey: [] }],
      ...(e.params || e.query ? { requestParams: { ...(e.params ? { path: e.params as never } : {}), ...(e.query ? { query: e.query as never } : {}) } } : {}),
      ...(e.method === "post" || e.path.includes("{tenantId}")
        ? {
            parameters: [
              ...(e.path.includes("{tenantId}")
                ? [
                    {
                      in: "header" as const,
                      name: "X-Act-As-Tenant",
                      required: false,
                      description: "A parent workspace's key acting in the descendant the path names, as a delegate: the path's workspace id (anything else is 400).",
                      schema: { type: "string" as const, format: "uuid" },
                    },
                  ]
                : []),
              ...(e.method === "post"
                ? [
                    {
                      in: "header" as const,
                      name: "Idempotency-Key",
                      required: false,
                      description: "Makes the POST safe to retry: the same key and body within 24 hours returns the first response without acting again.",
                      schema: { type: "string" as const, minLength: 1, maxLength: 255 },
                    },
                  ]
                : []),
            ],
          }
        : {}),
      ...(e.body ? { requestBody: { required: true, content: { "application/json": { schema: e.body as never } } } } : {}),
      responses: {
        [String(e.success.status)]: {
          description: e.success.description,
          headers: e.location
            ? { ...RATE_HEADERS, Location: { description: "The new item's URL (its path under the server): GET it there.", schema: { type: "string" as const } } }
            : RATE_HEADERS,
          ...(e.success.schema ? { content: { "application/json": { schema: e.success.schema as never } } } : {}),
          ...(e.success.contentTypes
            ? { content: Object.fromEntries(e.success.contentTypes.map((t) => [t, { schema: { type: "string" as const, description: "The file, streamed." } }])) }
            : {}),
        },
        ...problemResponses(problems),
      },
    };
    paths[e.path] = { ...(paths[e.path] ?? {}), [e.method]: operation };
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Tenantry API",
      version: "1.0.0",
      description: [
        "The REST API of a Tenantry workspace. Authenticate with a personal API key from API keys in the app's sidebar: `Authorization: Bearer tnty_…`.",
        "A key belongs to one user in one workspace and can do at most what that user's current role allows; a read-only key changes nothing.",
        `Errors are RFC 9457 problem details (application/problem+json); each \`type\` links to a page explaining it. Rate limits: ${API_RATE_LIMITS.apiPerKey.points} requests a minute per key, ${API_RATE_LIMITS.apiPerIp.points} per client address.`,
      ].join("\n\n"),
    },
    servers: [{ url: `${appBaseUrl()}/api/v1` }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", bearerFormat: "tnty_ API key", description: "A personal API key (API keys in the app's sidebar)." },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "A browser session (GET /me only)." },
      },
    },
    paths,
  });
}
