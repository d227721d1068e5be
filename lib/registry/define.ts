// What a module registers about itself: its permissions (who may do what, the
// roles matrix's rows), its audit events (how each reads in the log) and its
// page in the sidebar. Pure and client-safe: pages, the audit page's filter
// and CSV exports read the same definitions.
//
// A new resource writes one of these next to its code and adds one line to
// lib/registry/index.ts. Nothing else central is edited for it, except for
// its REST API, if it has one: server code that client bundles must not reach
// (these definitions reach them), registered by one line in lib/api/modules.ts.

/** The roles a workspace member can have (the member_role enum). */
export type RoleName = "owner" | "admin" | "auditor" | "member";

export interface PermissionDefinition {
  /** The roles granted this permission; role_permissions in SQL must match (prisma/roles-matrix.test.ts). */
  roles: readonly RoleName[];
  /** What the permission lets one do, as the dashboard lists it. */
  label: string;
  /**
   * The page where it is done. The dashboard lists only permissions with one:
   * a permission whose feature has no page yet is not offered as something to do.
   */
  href?: string;
  /**
   * False where one who entered the workspace as a delegate of a parent (not
   * a member) may not do it whatever their delegated role: the dashboard does
   * not offer it to them and tenantAction refuses it (`allows` in
   * lib/tenancy/permissions.ts); the database refuses it too where it can.
   */
  delegates?: false;
}

export type AuditMetadata = Record<string, unknown>;

export interface AuditEventDefinition {
  /** A short name for the audit page's action filter ("Member removed"). */
  label: string;
  /**
   * One readable sentence for a row of the log and its exports. `log` tells
   * of another event, for an event that reports one (the parent's copy of a
   * delegate's action): its sentence from its metadata, or its label.
   */
  describe: (metadata: AuditMetadata, log: AuditLogWords) => string;
}

/** How any event of the log reads, for an event that tells of another. */
export interface AuditLogWords {
  describe: (action: string, metadata: unknown) => string;
  label: (action: string) => string;
}

export interface NavEntry<P extends string = string> {
  href: string;
  label: string;
  /** The permission that shows the entry; the page checks it again. */
  permission: P;
}

export interface ModuleDefinition<P extends string = string, A extends string = string> {
  name: string;
  permissions: { readonly [K in P]: PermissionDefinition };
  auditEvents: { readonly [K in A]: AuditEventDefinition };
  /** Kinds of audit targets the module names (audit_log.target_type). */
  targetTypes?: readonly string[];
  nav?: readonly NavEntry<NoInfer<P>>[];
}

/** Declares a module's registrations with their literal keys kept for typing. */
export function defineModule<const P extends string, const A extends string>(def: ModuleDefinition<P, A>): ModuleDefinition<P, A> {
  return def;
}

// Helpers for describe(): metadata comes from JSON, so nothing is trusted.
export const str = (v: unknown): string => (typeof v === "string" || typeof v === "number" ? String(v) : "");
export const article = (word: string): string => (/^[aeiou]/i.test(word) ? "an" : "a");
export const count = (n: unknown, noun: string): string =>
  typeof n === "number" ? `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}` : `? ${noun}s`;
