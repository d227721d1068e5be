import "server-only";
import { sql, type Tx } from "@/lib/db";

/**
 * What a workspace uses, as the platform's workspace page shows it. Each
 * meter counts inside a cross-view transaction (lib/tenancy withCrossView):
 * row-level security admits the visited workspace's rows and nothing else.
 *
 * A module that adds a resource adds its meter here — one entry (its table
 * needs a cross-view SELECT policy, as every tenant table has: see
 * app_private.platform_adopt_tables in 20261204302000_platform_adopt_tables).
 */
export interface UsageMeter {
  key: string;
  label: string;
  unit?: "bytes";
  count: (tx: Tx, tenantId: string) => Promise<number>;
}

async function countOf(tx: Tx, statement: ReturnType<typeof sql>): Promise<number> {
  const row = await tx.one<{ n: string | number | null }>(statement);
  return Number(row?.n ?? 0);
}

export const USAGE_METERS: UsageMeter[] = [
  {
    key: "members",
    label: "Members",
    count: (tx, id) => countOf(tx, sql`SELECT count(*)::bigint AS n FROM tenant_members WHERE tenant_id = ${id}::uuid`),
  },
  {
    key: "pending_invitations",
    label: "Pending invitations",
    count: (tx, id) =>
      countOf(
        tx,
        sql`SELECT count(*)::bigint AS n FROM tenant_invitations
             WHERE tenant_id = ${id}::uuid AND status = 'pending' AND expires_at > now() AND deleted_at IS NULL`,
      ),
  },
  {
    // Live keys, as the plan counts them (not revoked, deleted or expired).
    key: "api_keys",
    label: "API keys",
    count: (tx, id) =>
      countOf(
        tx,
        sql`SELECT count(*)::bigint AS n FROM api_keys
             WHERE tenant_id = ${id}::uuid AND revoked_at IS NULL AND deleted_at IS NULL AND expires_at > now()`,
      ),
  },
  {
    key: "audit_events",
    label: "Audit events",
    count: (tx, id) => countOf(tx, sql`SELECT count(*)::bigint AS n FROM audit_log WHERE tenant_id = ${id}::uuid`),
  },
  {
    // Stored files and text: the logo and the notes (the audit log is counted above).
    key: "storage_bytes",
    label: "Storage (logo and notes)",
    unit: "bytes",
    count: (tx, id) =>
      countOf(
        tx,
        sql`SELECT coalesce((SELECT bytes FROM tenant_logos WHERE tenant_id = ${id}::uuid), 0)
                 + coalesce((SELECT octet_length(body) FROM tenant_notes WHERE tenant_id = ${id}::uuid), 0) AS n`,
      ),
  },
];

export async function measureUsage(tx: Tx, tenantId: string): Promise<Array<{ key: string; label: string; unit?: "bytes"; value: number }>> {
  const out = [];
  for (const meter of USAGE_METERS) out.push({ key: meter.key, label: meter.label, unit: meter.unit, value: await meter.count(tx, tenantId) });
  return out;
}
