import "server-only";
import { runRead, sql, type Sql, type Tx } from "@/lib/db";
import { withTenant, type TenantActor } from "@/lib/tenancy";

import { exportNotInPlan } from "./advice";
export { exportNotInPlan, upgradeAdvice } from "./advice";

// Plan limits (seed 003) as the app reads and checks them. The enforcement
// itself is in the database (migration 20261204301000_plan_limits), in the
// transaction that creates the resource, under the workspace's lock:
//
// * seats (members + pending invitations): triggers on tenant_invitations and
//   tenant_members — nothing to call;
// * export allowed: a trigger on the audit.export row every export commits
//   before its first byte (the export route asks planAllowsExport first, to
//   answer 402 with the sentence);
// * API keys and child workspaces: whoever creates one calls, in the same
//   transaction and before the insert,
//
//       await enforcePlanLimit(tx, tenantId, "api_keys");          // or "child_workspaces"
//
//   or attaches the trigger once in its migration:
//
//       CREATE TRIGGER api_keys_plan_limit BEFORE INSERT ON api_keys
//         FOR EACH ROW EXECUTE FUNCTION app_plan_limit_trigger('api_keys', 'tenant_id');
//       CREATE TRIGGER tenants_child_limit BEFORE INSERT OR UPDATE OF parent_id ON tenants
//         FOR EACH ROW EXECUTE FUNCTION app_plan_limit_trigger('child_workspaces', 'parent_id');
//
//   (app_plan_usage counts live api_keys rows — revoked_at / deleted_at NULL
//   when the table has those columns; tenantry_definer needs SELECT on it.)
//
// A refusal is SQLSTATE 53400 with hint plan_limit, the sentence "Your
// plan allows 2 API keys; revoke one, or ask the platform's operators to
// upgrade the plan." and a detail naming the role of whoever acted
// (migration 20261216000700). planLimitFrom (lib/errors) turns it into
// DomainError("plan_limit") with the advice for that role (upgradeAdvice,
// lib/billing/advice.ts: an admin is told "…, or ask one of the workspace's
// owners, who can ask the platform's operators to upgrade the plan."):
// server actions show the sentence, the API answers 402 with the problem
// type plan-limit and the same sentence.

export type PlanLimit = "seats" | "api_keys" | "child_workspaces";

/** Refuses one more of `limit` when the workspace's plan has no room for it (under the workspace's lock). */
export async function enforcePlanLimit(
  tx: Tx,
  tenantId: string,
  limit: PlanLimit,
  adding = 1,
): Promise<void> {
  await tx.query(
    sql`SELECT app_plan_enforce(${tenantId}::uuid, ${limit}, ${adding}::int)`,
  );
}

/** A plan: its name and its limits, each null where the plan sets none. */
export interface PlanLimits {
  id: string;
  name: string;
  seats: number | null;
  apiKeys: number | null;
  childWorkspaces: number | null;
  auditRetentionDays: number | null;
  exportAllowed: boolean;
}

export interface WorkspacePlan extends PlanLimits {
  /** Members plus pending invitations. */
  seatsUsed: number;
  /** Every member's keys that are not revoked or expired, counted as the limit counts them. */
  apiKeysUsed: number | null;
  /** The child workspaces the limit counts; null to a viewer who may not see them (tenant.children.manage). */
  childWorkspacesUsed: number | null;
}

/**
 * The statement reading `tenant`'s plan and its seats in use (one row, or
 * none when the workspace is not visible): its columns are WorkspacePlan's
 * fields, none of them a date, so that another statement can embed it as
 * JSON (the general settings page: lib/workspace-settings.ts). `tenant` is an
 * expression: a parameter, the entered workspace (`enteredTenant`) or an
 * outer query's column (its own aliases start with `plan_`).
 */
export function workspacePlanStatement(tenant: Sql): Sql {
  return sql`
    SELECT plan_p.id, plan_p.name, plan_p.seats, plan_p.api_keys AS "apiKeys", plan_p.child_workspaces AS "childWorkspaces",
           plan_p.audit_retention_days AS "auditRetentionDays", plan_p.export_allowed AS "exportAllowed",
           ((SELECT count(*) FROM tenant_members plan_m WHERE plan_m.tenant_id = plan_t.id)
            + (SELECT count(*) FROM tenant_invitations plan_i
                WHERE plan_i.tenant_id = plan_t.id AND plan_i.status = 'pending' AND plan_i.expires_at > now() AND plan_i.deleted_at IS NULL))::int AS "seatsUsed",
           -- Counted for the entered workspace only (app_entered_plan_usage decides who may know them); null for any other.
           CASE WHEN plan_t.id = (SELECT app_current_tenant_id()) THEN (SELECT app_entered_plan_usage('api_keys'))::int END AS "apiKeysUsed",
           CASE WHEN plan_t.id = (SELECT app_current_tenant_id()) THEN (SELECT app_entered_plan_usage('child_workspaces'))::int END AS "childWorkspacesUsed"
      FROM tenants plan_t JOIN plans plan_p ON plan_p.id = plan_t.plan_id
     WHERE plan_t.id = ${tenant}`;
}

/** The entered workspace's plan and what is in use of it, as its members see them (settings). */
export async function readWorkspacePlan(
  tx: Tx,
  tenantId: string,
): Promise<WorkspacePlan | null> {
  return runRead(tx, {
    statement: workspacePlanStatement(sql`${tenantId}::uuid`),
    result: ([row]: WorkspacePlan[]) => row ?? null,
  });
}

/** Whether the entered workspace's plan includes exporting the audit log. */
export async function planAllowsExport(
  tx: Tx,
  tenantId: string,
): Promise<boolean> {
  const row = await tx.one<{ allowed: boolean }>(
    sql`SELECT app_plan_allows_export(${tenantId}::uuid) AS allowed`,
  );
  return row?.allowed !== false;
}

/** The database's sentence when it refuses an export's row on such a plan (the owner's words; the route words it for the role). */
export const EXPORT_NOT_IN_PLAN = exportNotInPlan("owner");

/** For the export route: whether the actor's workspace's plan includes exports (its own entry, as the route has no transaction). */
export async function workspaceMayExport(actor: TenantActor): Promise<boolean> {
  return withTenant(actor, (tx) => planAllowsExport(tx, actor.tenantId));
}
