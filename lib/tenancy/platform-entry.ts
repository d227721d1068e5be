import "server-only";
import { enterThenRead, transaction, type Read, type TransactionSettings, type Tx } from "@/lib/db";
import { DomainError, findPgError } from "@/lib/errors";
import type { Credential, RequestInfo, SignedInUser } from "./resolve";

// The platform administrators' two doors (seeds 001 and 002). Each is an
// entry function that checks users.is_platform_admin in the database from
// the session token; anyone else is refused with hint 'not_found', which
// every caller answers as a 404 — nothing says the console exists.

export const PLATFORM_NOT_FOUND = "Not found.";

const when = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

/**
 * A workspace a platform administrator asked to view that is not there
 * (app_enter_cross_view says so to them alone; anyone else is told "not
 * found"): purged — its tombstone's name and when — or no workspace ever had
 * the id. `adminEmail` is who asked, for the console's header.
 */
export class WorkspaceGoneError extends DomainError {
  constructor(
    readonly adminEmail: string,
    readonly purged: { name: string; purgedAt: Date } | null,
  ) {
    super(
      "workspace_gone",
      purged
        ? `“${purged.name}” no longer exists: it was purged on ${when(purged.purgedAt)}, with everything in it.`
        : "No workspace has this id, and none that had it was purged: check the link.",
    );
  }
}

function refusal(error: unknown): DomainError | null {
  const pg = findPgError(error);
  if (pg?.code === "42501" && pg.hint === "not_found") return new DomainError("not_found", PLATFORM_NOT_FOUND);
  if (pg?.code === "P0002" && pg.hint === "workspace_gone") {
    const d = JSON.parse(pg.detail ?? "{}") as { admin_email?: string; purged?: boolean; name?: string | null; purged_at?: string | null };
    return new WorkspaceGoneError(d.admin_email ?? "", d.purged && d.name && d.purged_at ? { name: d.name, purgedAt: new Date(d.purged_at) } : null);
  }
  return null;
}

async function entering<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw refusal(error) ?? error;
  }
}

type PlatformEntered = { user_id: string; email: string; name: string | null };

/**
 * Runs `fn` as a platform administrator (app_enter_platform): the context is
 * the administrator alone, in no tenant. Row-level security gives them no
 * more than any user; the directory and the changes are app_platform_*
 * functions, which check the mode and the flag again.
 *
 * A page that reads with one statement passes it as a Read instead: BEGIN,
 * the entry, the statement and the COMMIT go in one write (enterThenRead),
 * and the answer is the administrator and what the rows became. The
 * statement runs only if the entry admitted the caller (a refused entry
 * fails the transaction, and Postgres skips the rest of the write).
 */
export function withPlatformAdmin<T>(credential: Credential | null, read: Read<T>): Promise<{ admin: SignedInUser; data: T }>;
export function withPlatformAdmin<T>(credential: Credential | null, fn: (tx: Tx, admin: SignedInUser) => Promise<T>): Promise<T>;
export function withPlatformAdmin<T>(
  credential: Credential | null,
  load: ((tx: Tx, admin: SignedInUser) => Promise<T>) | Read<T>,
): Promise<T | { admin: SignedInUser; data: T }> {
  if (!credential) return Promise.reject(new DomainError("not_found", PLATFORM_NOT_FOUND));
  const entry = (literal: (value: string | null) => string) => `SELECT * FROM app_enter_platform(${literal(credential.token)})`;
  const adminOf = (entered: PlatformEntered): SignedInUser => ({ id: entered.user_id, email: entered.email, name: entered.name });
  if (typeof load !== "function") {
    return entering(async () => {
      const { entered, rows } = await enterThenRead<PlatformEntered, object>(entry, load.statement);
      return { admin: adminOf(entered), data: load.result(rows) };
    });
  }
  return entering(() => transaction<PlatformEntered, T>(entry, (tx, entered) => load(tx, adminOf(entered))));
}

export interface CrossViewVisit {
  admin: SignedInUser;
  tenant: { id: string; name: string; slug: string; status: "active" | "blocked" | "deleted" };
}

type CrossViewEntered = { user_id: string; email: string; name: string | null; tenant_name: string; tenant_slug: string; tenant_status: CrossViewVisit["tenant"]["status"] };

/**
 * Runs `fn` reading one workspace as a platform administrator, read-only
 * (seed 002's tenant.cross_view; app_enter_cross_view). The entry first
 * writes the visit into that workspace's audit log — `area` says what was
 * viewed ("members", "overview") — then signs a context with the tenant and
 * no user or role: the cross-view policies admit reads of its rows, and every
 * write is refused by row-level security.
 *
 * A page that reads with one statement passes it as a Read instead: BEGIN,
 * the entry (the visit written), the statement and the COMMIT go in one
 * write (enterThenRead); the answer is the visit and what the rows became.
 * The statement sees the visit the entry wrote, and runs only if the entry
 * admitted the caller.
 */
export function withCrossView<T>(
  credential: Credential | null,
  tenantId: string,
  area: string,
  request: RequestInfo,
  read: Read<T>,
  settings?: TransactionSettings,
): Promise<{ visit: CrossViewVisit; data: T }>;
export function withCrossView<T>(
  credential: Credential | null,
  tenantId: string,
  area: string,
  request: RequestInfo,
  fn: (tx: Tx, visit: CrossViewVisit) => Promise<T>,
  settings?: TransactionSettings,
): Promise<T>;
export function withCrossView<T>(
  credential: Credential | null,
  tenantId: string,
  area: string,
  request: RequestInfo,
  load: ((tx: Tx, visit: CrossViewVisit) => Promise<T>) | Read<T>,
  settings: TransactionSettings = {},
): Promise<T | { visit: CrossViewVisit; data: T }> {
  if (!credential) return Promise.reject(new DomainError("not_found", PLATFORM_NOT_FOUND));
  const entry = (literal: (value: string | null) => string) =>
    `SELECT * FROM app_enter_cross_view(${literal(credential.token)}, ${literal(tenantId)}::uuid, ${literal(area)}, ${literal(request.ip)}, ${literal(request.userAgent)})`;
  const visitOf = (e: CrossViewEntered): CrossViewVisit => ({
    admin: { id: e.user_id, email: e.email, name: e.name },
    tenant: { id: tenantId, name: e.tenant_name, slug: e.tenant_slug, status: e.tenant_status },
  });
  if (typeof load !== "function") {
    return entering(async () => {
      const { entered, rows } = await enterThenRead<CrossViewEntered, object>(entry, load.statement, { settings });
      return { visit: visitOf(entered), data: load.result(rows) };
    });
  }
  return entering(() => transaction<CrossViewEntered, T>(entry, (tx, e) => load(tx, visitOf(e)), { settings }));
}
