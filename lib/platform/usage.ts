import "server-only";
import { join, sql, type Sql, type Tx } from "@/lib/db";

/**
 * What a workspace uses, as the platform's workspace page shows it. Each
 * meter counts inside a cross-view transaction (lib/tenancy withCrossView):
 * row-level security admits the visited workspace's rows and nothing else.
 *
 * A module that adds a resource adds its meter here — one entry (its table
 * needs a cross-view SELECT policy, as every tenant table has: see
 * app_private.platform_adopt_tables in 20261204302000_platform_adopt_tables).
 * A meter is an expression, not a statement: every meter is read in the
 * workspace page's one statement (usageColumn).
 */
export interface UsageMeter {
  key: string;
  label: string;
  unit?: "bytes";
  /** A scalar expression (a subquery in parentheses) counting the meter for the workspace `tenant` names. */
  count: (tenant: Sql) => Sql;
}

export type Usage = Array<{ key: string; label: string; unit?: "bytes"; value: number }>;

export const USAGE_METERS: UsageMeter[] = [
  {
    key: "members",
    label: "Members",
    count: (tenant) => sql`(SELECT count(*)::bigint FROM tenant_members WHERE tenant_id = ${tenant})`,
  },
  {
    key: "pending_invitations",
    label: "Pending invitations",
    count: (tenant) =>
      sql`(SELECT count(*)::bigint FROM tenant_invitations
            WHERE tenant_id = ${tenant} AND status = 'pending' AND expires_at > now() AND deleted_at IS NULL)`,
  },
  {
    // Live keys, as the plan counts them (not revoked, deleted or expired).
    key: "api_keys",
    label: "API keys",
    count: (tenant) =>
      sql`(SELECT count(*)::bigint FROM api_keys
            WHERE tenant_id = ${tenant} AND revoked_at IS NULL AND deleted_at IS NULL AND expires_at > now())`,
  },
  {
    key: "audit_events",
    label: "Audit events",
    count: (tenant) => sql`(SELECT count(*)::bigint FROM audit_log WHERE tenant_id = ${tenant})`,
  },
  {
    // Stored files and text: the logo and the notes (the audit log is counted above).
    key: "storage_bytes",
    label: "Storage (logo and notes)",
    unit: "bytes",
    count: (tenant) =>
      sql`(coalesce((SELECT bytes FROM tenant_logos WHERE tenant_id = ${tenant}), 0)
            + coalesce((SELECT octet_length(body) FROM tenant_notes WHERE tenant_id = ${tenant}), 0))`,
  },
];

/**
 * Every meter of the workspace `tenant` names, as one column's expression:
 * a JSON array of their values, in USAGE_METERS' order (usageFrom reads it).
 * Counts are sent as text, so that a bigint arrives whole.
 */
export function usageColumn(tenant: Sql): Sql {
  return sql`json_build_array(${join(
    USAGE_METERS.map((meter) => sql`(${meter.count(tenant)})::text`),
    ", ",
  )})`;
}

/** usageColumn's values, each beside its meter. */
export function usageFrom(values: Array<string | number | null>): Usage {
  return USAGE_METERS.map((meter, i) => ({ key: meter.key, label: meter.label, unit: meter.unit, value: Number(values[i] ?? 0) }));
}

/** A workspace's usage inside a transaction that can read it (one statement). */
export async function measureUsage(tx: Tx, tenantId: string): Promise<Usage> {
  const row = await tx.one<{ usage: Array<string | null> }>(sql`SELECT ${usageColumn(sql`${tenantId}::uuid`)} AS usage`);
  return usageFrom(row?.usage ?? []);
}
