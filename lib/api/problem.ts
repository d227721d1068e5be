// RFC 9457 problem details for the REST API, with seed 001's types and
// statuses. Each type is an absolute URI under the app's docs
// (/docs/errors/<type>), a page a person can read (app/docs/errors).

import { appBaseUrl } from "@/lib/urls";

export const PROBLEM_TYPES = {
  "validation-error": { status: 400, title: "The request is not valid", explain: "A parameter, the query or the JSON body is missing something or holds a value the API does not accept. `errors` lists each field with its message; fix them and send the request again." },
  unauthorized: { status: 401, title: "No valid API key", explain: "The request carries no `Authorization: Bearer <key>` header, the key is malformed (its checksum does not match), unknown, or was revoked — by hand, or by the workspace when its user left, was removed or was deactivated. Create a key under API keys in the app's sidebar." },
  "token-expired": { status: 401, title: "The API key has expired", explain: "Every key has an expiry date, at most a year after it was created. Create a new key under API keys in the app's sidebar and use it instead." },
  "tenant-suspended": { status: 402, title: "The workspace is suspended", explain: "The platform has suspended this workspace: nothing in it can be read or changed until the suspension is lifted. Contact support." },
  "plan-limit": { status: 402, title: "The workspace's plan does not allow more", explain: "The workspace is at its plan's limit for this (seats — members and pending invitations —, API keys, child workspaces, or exports). Remove something, or have the plan upgraded: the platform's operators set plans, at the request of one of the workspace's owners. `detail` says which limit and how many the plan allows." },
  forbidden: { status: 403, title: "Not allowed", explain: "The key works, but its user may not do this: their role in the workspace does not allow it, or the key is read-only and the request would change something." },
  "not-found": { status: 404, title: "Not found", explain: "There is no such resource for this key: the id is unknown, the resource was deleted, or it belongs to another workspace (a key reaches only its own workspace, and the API does not say whether anything exists elsewhere)." },
  "method-not-allowed": { status: 405, title: "Method not allowed", explain: "This path exists, but not with this HTTP method. The `Allow` header lists the ones it takes." },
  conflict: { status: 409, title: "Conflict with the current state", explain: "The request is valid but the workspace's state refuses it: the last owner cannot be removed or demoted, the member already has that role, an invitation was already used, or a request with the same Idempotency-Key is still being processed (retry shortly)." },
  "idempotency-key-reused": { status: 422, title: "Idempotency-Key reused with another request", explain: "A POST with this Idempotency-Key was made in the last 24 hours with a different method, path or body. Use a new key for a new request." },
  "rate-limited": { status: 429, title: "Too many requests", explain: "This key or this client address made more requests than its limit allows in the current window. Wait for the number of seconds in `Retry-After` (the `RateLimit-Reset` header says the same)." },
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

export const problemTypeUri = (type: ProblemType) => `${appBaseUrl()}/docs/errors/${type}`;

export function problemBody(type: ProblemType, detail: string, instance?: string, errors?: FieldError[]): ProblemBody {
  const { status, title } = PROBLEM_TYPES[type];
  return { type: problemTypeUri(type), title, status, detail, ...(instance ? { instance } : {}), ...(errors?.length ? { errors } : {}) };
}

/** An error the API answers with: thrown anywhere below a handler, turned into a problem response. */
export class ApiProblem extends Error {
  constructor(
    readonly type: ProblemType,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ApiProblem";
  }
}

export function problemResponse(problem: ProblemBody, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
  });
}
