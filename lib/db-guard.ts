import "server-only";
import type pg from "pg";

// Row-level security fails silently by design: a statement on a workspace's
// table run outside that workspace sees no rows and changes none. That is the
// guarantee, and also the one mistake that looks like an empty page. Outside
// production this guard turns it into an error that says what to do: when a
// statement that names a workspace-only table finds or changes nothing, it
// asks the transaction whether it is in a workspace at all, and throws if not.
// It costs nothing on statements that return rows, and it never runs in
// production (or with TENANTRY_CONTEXT_GUARD=off).

export class MissingTenantContextError extends Error {
  constructor(readonly table: string) {
    super(
      `"${table}" belongs to a workspace, and this statement ran outside any workspace, so row-level security ` +
        `hid every row (or refused the change) without an error. Run it inside withTenant(...) from @/lib/tenancy ` +
        `(a page: requireTenantWith; an action: tenantAction), which enters the workspace first.`,
    );
    this.name = "MissingTenantContextError";
  }
}

export function contextGuardEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== "production" && env.TENANTRY_CONTEXT_GUARD !== "off";
}

type Queryable = Pick<pg.ClientBase, "query">;

/**
 * Tables only a workspace's context can see: every policy that admits reads
 * by the app requires the current tenant and none admits a user or an
 * invitation token without one (so tenant_members, tenants and invitations,
 * which a signed-in user reads across workspaces, are not among them).
 */
const WORKSPACE_ONLY_TABLES = `
  SELECT c.relname AS name
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
   WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity
     AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
     AND NOT EXISTS (
       SELECT 1 FROM pg_catalog.pg_policies p
        WHERE p.schemaname = 'public' AND p.tablename = c.relname AND p.cmd IN ('SELECT', 'ALL')
          AND 'public' = ANY (p.roles)
          AND (p.qual !~ 'app_current_tenant_id' OR p.qual ~ 'app_current_user|app_invite_token'))`;

let tables: Promise<RegExp | null> | null = null;

function workspaceTables(db: Queryable): Promise<RegExp | null> {
  tables ??= db.query<{ name: string }>(WORKSPACE_ONLY_TABLES).then(
    ({ rows }) => (rows.length ? new RegExp(`\\b(?:from|join|update|into)\\s+(?:public\\.)?"?(${rows.map((r) => r.name).join("|")})"?\\b`, "i") : null),
    (error) => {
      tables = null;
      throw error;
    },
  );
  return tables;
}

/** Throws MissingTenantContextError when `text` names a workspace-only table and the transaction is in no workspace. */
export async function assertTenantContext(db: Queryable, text: string, options: { inNoTenant?: boolean } = {}): Promise<void> {
  const pattern = await workspaceTables(db);
  const table = pattern?.exec(text)?.[1];
  if (!table) return;
  if (!options.inNoTenant) {
    const { rows } = await db.query<{ tenant: string | null }>("SELECT app_current_tenant_id() AS tenant");
    if (rows[0]?.tenant) return;
  }
  throw new MissingTenantContextError(table);
}
