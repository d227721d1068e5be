// Bad input never makes the server answer 5xx. Every server action in the
// build's manifest and every page and route handler in its app-paths
// manifest is driven with a corpus of hostile values — arguments that are not
// a form, NUL bytes, very long text, dates and time zones Postgres cannot
// store, characters above U+00FF in redirect targets, prototype keys, SQL and
// HTML metacharacters, invalid ids and cursors, a foreign Origin. A new action
// or page is fuzzed without editing this file.
//
// The inputs that must be refused (not a form, a NUL byte anywhere, a
// foreign Origin, an export with filters Postgres cannot take) run first, and
// the rows they could touch are compared before and after: they change
// nothing. The rest may succeed — a valid workspace name creates a workspace
// — and must only not fail.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { db, runtime, uniqueEmail, workspaceWithRoles } from "./helpers";
import {
  SIGNED_OUT,
  appRoutes,
  formArguments,
  formData,
  getAs,
  httpSession,
  postAction,
  requestAs,
  serverActions,
  takesArguments,
  type HttpAnswer,
  type HttpSession,
  type ServerAction,
} from "./server-actions";

const NUL = "\u0000";

/** Values for any text field or query parameter. */
const VALUES: readonly string[] = [
  "",
  "   ",
  "0",
  "-1",
  "1e309",
  "NaN",
  "9".repeat(40),
  "x".repeat(5_000),
  NUL,
  `a${NUL}b`,
  "%00",
  "日本語",
  "Ā😀\u202e",
  "\ud800",
  "__proto__",
  "constructor",
  "toString",
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  "<script>alert(1)</script>",
  "%",
  "%E0%A4%A",
  "$K1",
  "$@1",
  "0000-01-01",
  "10000-01-01",
  "2024-02-30",
  // Legacy zone names Node.js knows and Postgres does not list (US/Pacific-New
  // fails its queries), and an offset Node.js 20 refuses.
  "US/Pacific-New",
  "Canada/East-Saskatchewan",
  "SystemV/AST4",
  "+03:00",
  "00000000-0000-0000-0000-000000000000",
  "not-a-uuid",
  "/\u00e9t\u00e9",
  "/app/日本",
  "//evil.example",
  "/\\evil.example",
  "https://evil.example/",
  "/%2F%2Fevil.example",
  "javascript:alert(1)",
  // Audit page cursors: a well-formed one with a forged signature, and too many parts.
  `${Buffer.from("2026-01-01T00:00:00.000Z|1").toString("base64url")}.${"A".repeat(22)}`,
  "a.b.c",
];

/** The sharpest few, tried in each field of an otherwise valid form (and in parameters no route is known to read). */
const SHARP: readonly string[] = [`a${NUL}b`, "/app/日本\ud800", "x".repeat(5_000)];

/**
 * The values that matter to the export's text filters beyond what the page
 * already tells: the export inlines them in its COPY as quoted literals
 * (lib/audit/copy-text.ts), so quotes, backslashes, percent signs, NUL and
 * non-ASCII text. Every other value is shown by the page, and each export
 * that runs costs a worker thread and a COPY.
 */
const EXPORT_TEXT: readonly string[] = VALUES.filter((v) => /['"\\%$\u0000\u0080-\uffff]/u.test(v) || v.length > 254 || v === "");
const EXPORT_TEXT_PARAMS = new Set(["actor", "target", "q"]);

/** Arguments no form sends: each must be answered as "not a form". */
const NOT_FORMS: ReadonlyArray<{ label: string; args: (fields: Record<string, string>) => unknown[] }> = [
  { label: "no argument", args: () => [] },
  { label: "null", args: () => [null] },
  { label: "null, null", args: () => [null, null] },
  { label: "a string", args: () => ["text"] },
  { label: "null, a string", args: () => [null, "text"] },
  { label: "a number", args: () => [42] },
  { label: "null, a number", args: () => [null, 42] },
  { label: "an array", args: (f) => [Object.values(f)] },
  { label: "null, an array", args: (f) => [null, Object.entries(f)] },
  { label: "an object", args: (f) => [{ ...f }] },
  { label: "null, an object", args: (f) => [null, { ...f }] },
  { label: "null, undefined", args: () => [null, undefined] },
  { label: "true, false", args: () => [true, false] },
];

/** The query parameters each route reads; any other route gets GENERIC_PARAMS. */
const ROUTE_PARAMS: Record<string, readonly string[]> = {
  "/app/settings": ["q", "sort", "dir", "page", "ipage"],
  "/app/audit": ["action", "actor", "target", "from", "to", "tz", "q", "after", "before"],
  "/app/audit/export": ["format", "action", "actor", "target", "from", "to", "tz", "q"],
  "/sign-in": ["next", "email", "invite"],
  "/sign-in/error": ["error"],
  "/api/auth/[...nextauth]": ["callbackUrl", "token", "email", "error"],
};
const GENERIC_PARAMS = ["q", "next", "page"] as const;
/** What Auth.js's catch-all route is asked for. */
const AUTH_PATHS = ["session", "csrf", "providers", "signin", "signout", "error", "verify-request", "callback/email", "signin/github"];

const CONCURRENCY = 4;

interface Answer extends HttpAnswer {
  redirect?: string | null;
  result?: unknown;
}

interface Case {
  label: string;
  /** Must be refused: changes nothing, redirects nowhere, returns no success. */
  refuse: boolean;
  /** A route that must answer 4xx when refused (an export), rather than a page showing the problem. */
  refuseWith4xx?: boolean;
  /**
   * An export: at most two run at once per server, and a busy server's 429
   * would hide how the input itself is answered, so these run two at a time,
   * each as a person of its own (see exporters), and a busy 429 is asked
   * again. Any other 429 fails the case: the export was never reached.
   */
  export?: boolean;
  send: () => Promise<Answer>;
}

/** One workspace per role, a pending invitation, and a signed-in owner: what one action or the routes are fuzzed against. */
async function arrange(label: string) {
  const ws = await workspaceWithRoles(`Fuzz ${label}`);
  const inviteeEmail = uniqueEmail("fuzz-invitee");
  const invitee = (await db().query<{ id: string }>("INSERT INTO users (email, name) VALUES ($1, 'Fuzz Invitee') RETURNING id", [inviteeEmail])).rows[0]!;
  const token = randomBytes(32).toString("base64url");
  const invitation = (
    await db().query<{ id: string }>(
      `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at, invited_by)
       VALUES ($1, $2, 'member', encode(sha256(convert_to($3, 'UTF8')), 'hex'), now() + interval '7 days', $4) RETURNING id`,
      [ws.tenantId, inviteeEmail, token, ws.users.owner.id],
    )
  ).rows[0]!;
  const owner = await httpSession(ws.users.owner, ws.tenantId);
  const userIds = [...Object.values(ws.users).map((u) => u.id), invitee.id];
  const emails = [...Object.values(ws.users).map((u) => u.email), inviteeEmail];
  /** A valid value for every field any form of the app posts. */
  const fields = (): Record<string, string> => ({
    _tenant: ws.tenantId,
    email: inviteeEmail,
    next: "/app/dashboard",
    returnTo: "/app/settings",
    name: "Fuzz Works",
    slug: `fuzz-${randomBytes(4).toString("hex")}`,
    tenantId: ws.tenantId,
    remember: "on",
    invitationId: invitation.id,
    token,
    userId: ws.users.member.id,
    role: "auditor",
    accent: "#4f46e5",
    notes: "Fuzz notes",
  });
  return { ws, owner, token, fields, tenantIds: [ws.tenantId], userIds, emails, baseUrl: runtime().baseUrl };
}
type Fixture = Awaited<ReturnType<typeof arrange>>;

/**
 * What the fuzzed requests could change for these fixtures: memberships,
 * workspaces (including any a fixture's user created) and their logos and
 * notes, invitations, audit rows, sessions, the users, and sign-in tokens
 * for their addresses.
 */
async function stateOf(fixtures: Fixture[]): Promise<unknown> {
  const tenants = fixtures.flatMap((f) => f.tenantIds);
  const users = fixtures.flatMap((f) => f.userIds);
  const emails = fixtures.flatMap((f) => f.emails);
  const { rows } = await db().query(
    `SELECT
       (SELECT json_agg(json_build_array(tenant_id, user_id, role) ORDER BY tenant_id, user_id) FROM tenant_members
         WHERE tenant_id = ANY($1::uuid[]) OR user_id = ANY($2::uuid[])) AS members,
       (SELECT json_agg(json_build_array(id, name, slug, status, accent_color) ORDER BY id) FROM tenants
         WHERE id = ANY($1::uuid[]) OR id IN (SELECT tenant_id FROM tenant_members WHERE user_id = ANY($2::uuid[]))) AS tenants,
       (SELECT json_agg(json_build_array(tenant_id, sha256) ORDER BY tenant_id) FROM tenant_logos WHERE tenant_id = ANY($1::uuid[])) AS logos,
       (SELECT json_agg(json_build_array(tenant_id, body) ORDER BY tenant_id) FROM tenant_notes WHERE tenant_id = ANY($1::uuid[])) AS notes,
       (SELECT json_agg(json_build_array(id, email, role, status, token_hash, revoked_at, accepted_at) ORDER BY id) FROM tenant_invitations
         WHERE tenant_id = ANY($1::uuid[])) AS invitations,
       (SELECT count(*) FROM audit_log WHERE tenant_id = ANY($1::uuid[]) OR actor_user_id = ANY($2::uuid[])) AS audit_rows,
       (SELECT count(*) FROM sessions WHERE user_id = ANY($2::uuid[])) AS sessions,
       (SELECT json_agg(json_build_array(id, email, name, active, last_tenant_id) ORDER BY id) FROM users WHERE id = ANY($2::uuid[])) AS users,
       (SELECT count(*) FROM verification_tokens WHERE identifier = ANY($3::text[])) AS sign_in_tokens`,
    [tenants, users, emails],
  );
  return rows[0];
}

/** The cases for one action: arguments that are not a form, then forms carrying every value. */
function actionCases(action: ServerAction, fx: Fixture): Case[] {
  const name = action.name;
  // An action that only dynamic pages post (/admin/workspaces/[id]) is posted to one of them, for the fixture's workspace.
  const path = action.pages.some((p) => !p.includes("[")) ? undefined : action.pages[0]?.replace(/\[[^\]]+\]/g, fx.ws.tenantId);
  const post = (args: unknown[], options: Parameters<typeof postAction>[2] = {}) => () => postAction(action, args, { session: fx.owner, path, ...options });
  const form = (fields: Record<string, string>) => formArguments(action, formData(fields));
  const cases: Case[] = [];
  // A valid call from a foreign origin (a form on another site posting here), refused with 403.
  for (const origin of ["https://evil.example", "null", "not a url", `http://localhost:1${new URL(fx.baseUrl).port}`]) {
    cases.push({
      label: `${name}: a valid call from Origin ${origin}`,
      refuse: true,
      refuseWith4xx: true,
      send: post(takesArguments(action) ? form(fx.fields()) : [], { origin }),
    });
  }
  // An action that reads no argument gets none, whatever it is called with
  // (the browser drops unread arguments too): once is enough.
  if (!takesArguments(action)) return [...cases, { label: `${name}()`, refuse: false, send: post([]) }];

  for (const shape of NOT_FORMS) {
    cases.push({ label: `${name}(${shape.label})`, refuse: true, send: post(shape.args(fx.fields())) });
    cases.push({ label: `${name}(${shape.label}) signed out`, refuse: true, send: post(shape.args(fx.fields()), { session: SIGNED_OUT }) });
  }
  cases.push({ label: `${name}: a valid form`, refuse: false, send: () => postAction(action, form(fx.fields()), { session: fx.owner, path }) });
  for (const value of VALUES) {
    const every = Object.fromEntries(Object.keys(fx.fields()).map((k) => [k, k === "_tenant" ? fx.ws.tenantId : value]));
    cases.push({ label: `${name}: every field ${JSON.stringify(value.slice(0, 40))}`, refuse: value.includes(NUL), send: post(form(every)) });
  }
  for (const field of Object.keys(fx.fields())) {
    for (const value of SHARP) {
      cases.push({
        label: `${name}: ${field}=${JSON.stringify(value.slice(0, 40))}`,
        refuse: value.includes(NUL),
        send: () => postAction(action, form({ ...fx.fields(), [field]: value }), { session: fx.owner, path }),
      });
    }
  }
  return cases;
}

function query(params: Record<string, string>): string {
  const search = new URLSearchParams(params).toString();
  return search ? `?${search}` : "";
}

/** Concrete paths for a route's dynamic segments. */
function concretePaths(path: string, fx: Fixture): string[] {
  if (path.includes("[...nextauth]")) return AUTH_PATHS.map((p) => path.replace("[...nextauth]", p));
  const segment = /\[\w+\]/;
  if (!segment.test(path)) return [path];
  const values = [fx.token, randomBytes(32).toString("base64url"), ...VALUES.filter((v) => v && !v.includes("/"))];
  // A lone surrogate has no UTF-8 form to put in a URL.
  return values.filter((v) => !/\p{Cs}/u.test(v)).map((v) => path.replace(segment, encodeURIComponent(v)));
}

/**
 * Auditors of the fixture's workspace, `count` of them, each signed in. A
 * person may start 10 exports an hour (exportsPerUser), so one export case
 * each: run as one person, all but the first few would be answered 429
 * before the export is reached.
 */
async function exporters(fx: Fixture, count: number): Promise<HttpSession[]> {
  const { rows } = await db().query<{ id: string }>(
    `WITH added AS (
       INSERT INTO users (email, name)
       SELECT 'fuzz-exporter-' || $2 || '-' || i || '@example.test', 'Fuzz Exporter' FROM generate_series(1, $3::int) AS i
       RETURNING id)
     INSERT INTO tenant_members (tenant_id, user_id, role) SELECT $1, id, 'auditor' FROM added RETURNING user_id AS id`,
    [fx.ws.tenantId, randomBytes(4).toString("hex"), count],
  );
  return Promise.all(rows.map((row) => httpSession(row, fx.ws.tenantId)));
}

/**
 * The cases for the routes: each query parameter a route reads with every
 * value, the others absent (dates in a range with a time zone, so that the
 * zone is used); a route whose parameters are not listed, or a dynamic one,
 * with the sharpest values in GENERIC_PARAMS. Pages under /app as their
 * owner; public pages signed in and out; each export as an auditor of its
 * own, from `exporterSessions` (filled before the cases are sent; as many as
 * the cases marked `export`).
 */
function routeCases(fx: Fixture, exporterSessions: HttpSession[]): Case[] {
  const cases: Case[] = [];
  let exportCount = 0;
  for (const route of appRoutes()) {
    const known = ROUTE_PARAMS[route.path];
    const params = known ?? GENERIC_PARAMS;
    const values = known && !route.path.includes("[") ? VALUES : SHARP;
    const sessions: Array<[string, HttpSession]> = route.path.startsWith("/app")
      ? [["owner", fx.owner]]
      : route.path.startsWith("/api/auth")
        ? [["signed out", SIGNED_OUT]]
        : [["signed out", SIGNED_OUT], ["owner", fx.owner]];
    for (const path of concretePaths(route.path, fx)) {
      for (const [who, session] of sessions) {
        cases.push({ label: `GET ${path.slice(0, 80)} (${who})`, refuse: false, send: () => getAs(path, { session }) });
        // A dynamic segment is itself the fuzzed value; a catch-all (Auth.js's) also takes parameters.
        if (path !== route.path && !route.path.includes("[...")) continue;
        for (const param of params) {
          const isExport = route.path === "/app/audit/export";
          for (const value of isExport && EXPORT_TEXT_PARAMS.has(param) ? EXPORT_TEXT : values) {
            const url = `${path}${query({ ...(param === "tz" ? { from: "2026-01-01" } : {}), [param]: value })}`;
            const exporter = isExport ? exportCount++ : -1;
            cases.push({
              label: `GET ${path}?${param}=${JSON.stringify(value.slice(0, 40))} (${isExport ? "an auditor" : who})`,
              refuse: isExport && refusedFilter(param, value),
              refuseWith4xx: isExport && refusedFilter(param, value),
              export: isExport,
              send: () => getAs(url, { session: isExport ? exporterSessions[exporter]! : session }),
            });
          }
        }
      }
    }
  }
  // Auth.js's routes also take posted forms (its own sign-in and sign-out pages post them).
  for (const action of ["signin/email", "signout", "callback/email", "session"]) {
    for (const field of ["callbackUrl", "email", "csrfToken"]) {
      for (const value of SHARP) {
        const body = new URLSearchParams({ csrfToken: "x", email: "someone@example.test", callbackUrl: "/app/dashboard", [field]: value });
        cases.push({
          label: `POST /api/auth/${action} ${field}=${JSON.stringify(value.slice(0, 40))}`,
          refuse: false,
          send: () => requestAs(`/api/auth/${action}`, { method: "POST", body }),
        });
      }
    }
  }
  return cases;
}

/** Export filters that must be refused before the export starts. */
function refusedFilter(param: string, value: string): boolean {
  if (value.includes(NUL) && ["action", "actor", "target", "q", "tz", "from", "to", "format"].includes(param)) return true;
  if (param === "from" || param === "to") return ["0000-01-01", "10000-01-01", "2024-02-30"].includes(value);
  if (param === "tz") return ["US/Pacific-New", "Canada/East-Saskatchewan", "SystemV/AST4", "+03:00"].includes(value);
  return false;
}

/** An export refused because two are running (on this server, or of this workspace): asked again. */
const busy = (answer: Answer) => answer.status === 429 && /already running|as many as it allows at once/.test(answer.body);

async function sendCase(c: Case): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await c.send();
    if (!c.export || !busy(answer) || attempt === 20) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Runs the cases, CONCURRENCY at a time (exports two at a time beside
 * them); returns how many answered 5xx or nothing, and what went wrong with
 * each case that failed.
 */
async function drive(cases: Case[]): Promise<{ failures: string[]; serverErrors: number }> {
  const failures: string[] = [];
  let serverErrors = 0;
  async function check(c: Case) {
    const answer = await sendCase(c);
    const problems: string[] = [];
    if (answer.status >= 500 || answer.status === 0) {
      serverErrors++;
      problems.push(`answered ${answer.status || "nothing"}`);
    }
    if (answer.bodyError) problems.push(`body broke off: ${answer.bodyError}`);
    if (c.refuse) {
      if (answer.redirect) problems.push(`redirected to ${answer.redirect} instead of refusing`);
      const result = answer.result as { ok?: unknown } | undefined;
      if (answer.status < 300 && result && typeof result === "object" && result.ok === true) problems.push("succeeded instead of refusing");
      const refused = answer.status >= 400 && answer.status < 500 && answer.status !== 429;
      if (c.refuseWith4xx && !refused) problems.push(`answered ${answer.status}, not a refusal`);
    }
    if (c.export && answer.status === 429) problems.push(`answered 429 (${answer.body.trim().slice(0, 80)}): the export was never reached`);
    if (problems.length) failures.push(`${c.label}: ${problems.join("; ")}`);
  }
  async function lanes(queue: Case[], count: number) {
    let next = 0;
    const lane = async () => {
      while (next < queue.length) await check(queue[next++]!);
    };
    await Promise.all(Array.from({ length: count }, lane));
  }
  await Promise.all([lanes(cases.filter((c) => !c.export), CONCURRENCY), lanes(cases.filter((c) => c.export), 2)]);
  return { failures, serverErrors };
}

/**
 * One action's case, then the next action's, and so on: requests running at
 * once act on different workspaces, rather than queueing on one
 * workspace's lock.
 */
function interleave(lists: Case[][]): Case[] {
  const longest = Math.max(0, ...lists.map((l) => l.length));
  return Array.from({ length: longest }, (_, i) => lists.flatMap((list) => (i < list.length ? [list[i]!] : []))).flat();
}

function report(what: string, total: number, outcome: { failures: string[]; serverErrors: number }, startedAt: number) {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(
    `fuzz ${what}: ${total} requests (${VALUES.length} values, ${NOT_FORMS.length} argument shapes) in ${seconds} s, ` +
      `${outcome.serverErrors} answered 5xx or nothing, ${outcome.failures.length} failed`,
  );
  // All of them, where the assertion below shows the first few.
  for (const failure of outcome.failures) console.log(`  ${failure}`);
}

test("every server action refuses what is not a form, a NUL byte and a foreign Origin, changing nothing, and none answers 5xx", async () => {
  test.setTimeout(180_000);
  const startedAt = Date.now();
  const actions = serverActions();
  expect(actions.length).toBeGreaterThan(0);
  const fixtures = await Promise.all(actions.map((a) => arrange(a.name)));
  const cases = actions.map((a, i) => actionCases(a, fixtures[i]!));

  const before = await stateOf(fixtures);
  const refusals = await drive(interleave(cases.map((c) => c.filter((x) => x.refuse))));
  expect.soft(await stateOf(fixtures), "the refused inputs changed nothing").toEqual(before);
  const others = await drive(interleave(cases.map((c) => c.filter((x) => !x.refuse))));

  const total = cases.flat().length;
  const outcome = { failures: [...refusals.failures, ...others.failures], serverErrors: refusals.serverErrors + others.serverErrors };
  report(`${actions.length} actions`, total, outcome, startedAt);
  expect(outcome.failures.slice(0, 40), `${outcome.failures.length} of ${total} requests failed`).toEqual([]);
});

test("every page and route answers bad query parameters without 5xx, and a refused export writes nothing", async () => {
  test.setTimeout(180_000);
  const startedAt = Date.now();
  const fixture = await arrange("Routes");
  const exporterSessions: HttpSession[] = [];
  const cases = routeCases(fixture, exporterSessions);
  expect(cases.length).toBeGreaterThan(0);
  exporterSessions.push(...(await exporters(fixture, cases.filter((c) => c.export).length)));

  const before = await stateOf([fixture]);
  const refusals = await drive(cases.filter((c) => c.refuse));
  expect.soft(await stateOf([fixture]), "the refused exports changed nothing").toEqual(before);
  const others = await drive(cases.filter((c) => !c.refuse));

  const outcome = { failures: [...refusals.failures, ...others.failures], serverErrors: refusals.serverErrors + others.serverErrors };
  report(`${appRoutes().length} routes`, cases.length, outcome, startedAt);
  expect(outcome.failures.slice(0, 40), `${outcome.failures.length} of ${cases.length} requests failed`).toEqual([]);
});
