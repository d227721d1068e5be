// Server actions and pages called over HTTP the way a browser calls them,
// with a real session, for tests about what the server answers to a request
// rather than what a page shows: a hand-made argument, a foreign Origin, a
// stale form, a burst of posts.
//
//   const action = serverAction("app/app/(workspace)/settings/actions.ts#removeMemberAction");
//   const session = await httpSession(ws.users.owner, ws.tenantId);
//   const answer = await postAction(action, [null, formData({ _tenant: ws.tenantId, userId })], { session });
//   expect(answer.status).toBe(200);
//   expect(answer.result).toMatchObject({ ok: false });
//
// An action is known by its module and exported name; its id is looked up in
// the production build the browser suite's server was built into (.next-e2e),
// and its arguments are encoded as the browser's router encodes them
// (scripts/server-action-build.ts); the request carries the headers the
// router sends (Next-Action, Accept: text/x-component) and the page's own
// Origin unless told otherwise.
import { readFileSync } from "node:fs";
import path from "node:path";
import { encodeActionArguments, pagePath, readServerActions, type ServerAction } from "../scripts/server-action-build";
import { newSessionToken, runtime } from "./helpers";

export { encodeActionArguments, formArguments, pagePath, takesArguments, type ServerAction } from "../scripts/server-action-build";

const ROOT = path.join(import.meta.dirname, "..");
/** Where scripts/e2e-server.ts builds the app (NEXT_DIST_DIR). */
const BUILD_DIR = path.join(ROOT, ".next-e2e");

let actionsCache: ServerAction[] | undefined;
/** Every server action of the browser suite's build. */
export function serverActions(): ServerAction[] {
  actionsCache ??= readServerActions(BUILD_DIR);
  return actionsCache;
}

/** One action by "<module>#<export>", e.g. "app/sign-in/actions.ts#requestMagicLink". */
export function serverAction(ref: string): ServerAction {
  const [file, name] = ref.split("#");
  const found = serverActions().find((a) => a.file === file && a.name === name);
  if (!found) throw new Error(`No server action ${ref} in the build (${BUILD_DIR}); it has: ${serverActions().map((a) => `${a.file}#${a.name}`).join(", ")}`);
  return found;
}

export interface AppRoute {
  /** The URL path, dynamic segments as written: "/app/audit", "/invite/[token]". */
  path: string;
  kind: "page" | "route";
}

/** Every page and route handler of the build (from its app-paths manifest), but Next.js's own error pages. */
export function appRoutes(): AppRoute[] {
  const manifest = JSON.parse(readFileSync(path.join(BUILD_DIR, "server", "app-paths-manifest.json"), "utf8")) as Record<string, string>;
  return Object.keys(manifest)
    .filter((entry) => !/^\/_(not-found|global-error)\//.test(entry))
    .map((entry) => ({ path: pagePath(entry.replace(/\/route$/, "/page")), kind: entry.endsWith("/route") ? ("route" as const) : ("page" as const) }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Who a request is: the cookies a signed-in browser would send, or none. */
export interface HttpSession {
  cookies: Record<string, string>;
  userId: string | null;
}

export const SIGNED_OUT: HttpSession = { cookies: {}, userId: null };

/**
 * A signed-in user as a browser holds one after a magic link: a database
 * session (as helpers.sessionFor makes for a browser context) and, when
 * given, the active-workspace cookie.
 */
export async function httpSession(user: { id: string }, tenantId?: string): Promise<HttpSession> {
  const cookies: Record<string, string> = { "authjs.session-token": await newSessionToken(user) };
  if (tenantId) cookies.prom_tenant = tenantId;
  return { cookies, userId: user.id };
}

/** Form data with these text fields, in this order (a list posts the field once per value). */
export function formData(fields: Record<string, string | readonly string[]>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of typeof value === "string" ? [value] : value) form.append(name, v);
  }
  return form;
}

export interface HttpAnswer {
  /** 0 when the server closed the connection without answering (see bodyError). */
  status: number;
  headers: Headers;
  /** The whole body, or what arrived of it when it broke off (see bodyError). */
  body: string;
  /**
   * Why the answer could not be read to its end — a stream that failed after
   * its first byte, or a connection closed before any answer — else null.
   */
  bodyError: string | null;
}

export interface ActionAnswer extends HttpAnswer {
  /** Where the action redirected (Next.js's X-Action-Redirect), without its ";push" or ";replace". */
  redirect: string | null;
  /**
   * The action's return value when the response carries it as plain JSON —
   * a form action's `{ ok, error, fieldErrors }` — else undefined.
   */
  result: unknown;
}

export interface RequestOptions {
  /** Signed out when absent. */
  session?: HttpSession;
  /** More request headers; an `undefined` value removes one this helper would send. */
  headers?: Record<string, string | undefined>;
}

export interface ActionOptions extends RequestOptions {
  /** The page to post to; by default the first page of `action.pages` without a dynamic segment. */
  path?: string;
  /** The Origin header: by default the app's own origin, as a browser sends it; null sends none. */
  origin?: string | null;
  /** Sent as the body instead of encoding the arguments: a payload no browser would make. */
  rawBody?: string | FormData;
}

function cookieHeader(session: HttpSession | undefined): string | undefined {
  const pairs = Object.entries(session?.cookies ?? {}).map(([name, value]) => `${name}=${value}`);
  return pairs.length ? pairs.join("; ") : undefined;
}

function withHeaders(base: Record<string, string | undefined>, extra: Record<string, string | undefined> = {}): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries({ ...base, ...extra })) if (value !== undefined) headers.set(name, value);
  return headers;
}

const describeError = (error: unknown) =>
  error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}` : String(error);

async function send(url: URL, init: RequestInit): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "manual" });
  } catch (error) {
    return { status: 0, headers: new Headers(), body: "", bodyError: describeError(error) };
  }
  const chunks: Uint8Array[] = [];
  let bodyError: string | null = null;
  try {
    const reader = response.body?.getReader();
    for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) chunks.push(read.value);
  } catch (error) {
    bodyError = describeError(error);
  }
  return { status: response.status, headers: response.headers, body: Buffer.concat(chunks).toString("utf8"), bodyError };
}

/**
 * Calls a server action as the browser's router does: POST to a page that
 * knows the action, with Next-Action, Accept: text/x-component, the page's
 * Origin, the session's cookies, and the arguments React-encoded — a
 * text/plain JSON array, or multipart form data when an argument is a
 * FormData. Pass the arguments the client passes: `[previousState,
 * formData]` for a form wired through useActionState (`null` is the first
 * state), `[formData]` for a plain `<form action={fn}>`. Redirects are not
 * followed; whatever the server answers, or fails to, is returned, not thrown.
 */
export async function postAction(action: ServerAction | string, args: readonly unknown[], options: ActionOptions = {}): Promise<ActionAnswer> {
  const resolved = typeof action === "string" ? serverAction(action) : action;
  const path = options.path ?? resolved.pages.find((p) => !p.includes("["));
  if (!path) throw new Error(`${resolved.file}#${resolved.name} lives only on dynamic pages (${resolved.pages.join(", ")}): pass a path.`);
  const body = options.rawBody ?? (await encodeActionArguments(resolved, args));
  const base = runtime().baseUrl;
  const headers = withHeaders(
    {
      accept: "text/x-component",
      "next-action": resolved.id,
      origin: options.origin === null ? undefined : (options.origin ?? new URL(base).origin),
      cookie: cookieHeader(options.session),
      // fetch sets multipart/form-data with its boundary for a FormData body.
      "content-type": typeof body === "string" ? "text/plain;charset=UTF-8" : undefined,
    },
    options.headers,
  );
  const answer = await send(new URL(path, base), { method: "POST", headers, body });
  const redirect = answer.headers.get("x-action-redirect")?.replace(/;(push|replace)$/, "") ?? null;
  return { ...answer, redirect, result: actionResult(answer.body) };
}

/**
 * A request to a path as the session's browser would send it (its cookies,
 * no redirects followed), reading the whole body so that a stream failing
 * after its first byte shows in `bodyError`. A POST carries the app's own
 * Origin unless `headers` says otherwise.
 */
export async function requestAs(
  path: string,
  options: RequestOptions & { method?: string; body?: string | FormData | URLSearchParams } = {},
): Promise<HttpAnswer> {
  const base = runtime().baseUrl;
  const method = options.method ?? "GET";
  const headers = withHeaders({ cookie: cookieHeader(options.session), origin: method === "GET" ? undefined : new URL(base).origin }, options.headers);
  return send(new URL(path, base), { method, headers, body: options.body });
}

/** GET a path as the session's browser would: see requestAs. */
export const getAs = (path: string, options: RequestOptions = {}) => requestAs(path, options);

/**
 * An action's response is React's flight format, one row per line
 * (`<hex id>:<json>`); row 0 is Next.js's envelope, whose `a` refers to the
 * row with the action's return value ("$@1"). Only a return value written
 * as one plain JSON row is read back; anything richer is left undefined.
 */
function actionResult(body: string): unknown {
  const rows = new Map<string, string>();
  for (const line of body.split("\n")) {
    const match = /^([0-9a-f]+):(.*)$/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }
  try {
    const envelope = JSON.parse(rows.get("0") ?? "null") as { a?: unknown } | null;
    const ref = typeof envelope?.a === "string" ? /^\$@([0-9a-f]+)$/.exec(envelope.a)?.[1] : undefined;
    return ref === undefined ? undefined : JSON.parse(rows.get(ref) ?? "");
  } catch {
    return undefined;
  }
}
