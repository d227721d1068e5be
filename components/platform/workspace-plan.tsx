import { upgradeAdvice, type WorkspacePlan } from "@/lib/billing/limits";
import type { Role } from "@/lib/tenancy/client";

const count = (n: number) => n.toLocaleString("en");

/**
 * A limit on something the workspace creates, read as the seats are: how many
 * are in use of how many it may have at once ("3 of 2 used" over the limit,
 * after a downgrade); only the limit where the viewer may not know how many
 * there are (`used` null). A plan that includes none still says how many are
 * in use, if any: the workspace keeps them, and may create no more.
 */
function usage(limit: number | null, used: number | null): string {
  if (limit === 0) return used ? `${count(used)} in use; your plan includes none` : "Not included";
  if (used === null) return limit === null ? "Unlimited" : `Up to ${count(limit)}`;
  return limit === null ? `${count(used)} used, no limit` : `${count(used)} of ${count(limit)} used`;
}
/** More in use than the plan allows (a downgrade below usage): marked as a full seat count is. */
const over = (limit: number | null, used: number | null) => limit !== null && used !== null && used > limit;
const days = (n: number) => `${count(n)} ${n === 1 ? "day" : "days"}`;

/**
 * A workspace's plan and its limits, for its General page (seed 003). A full
 * seat count says how to free a seat, and who can lift the limit for the
 * viewer's role (upgradeAdvice: an owner asks the platform's operators,
 * anyone else an owner, who can ask them).
 */
export function WorkspacePlanSummary({ plan, role }: { plan: WorkspacePlan; role: Role }) {
  const full = plan.seats !== null && plan.seatsUsed >= plan.seats;
  return (
    <dl className="grid grid-cols-[10rem_1fr] gap-y-2 text-sm" data-testid="workspace-plan">
      <dt className="text-zinc-500">Plan</dt>
      <dd className="font-medium">{plan.name}</dd>
      <dt className="text-zinc-500">Seats</dt>
      <dd className={full ? "font-medium text-red-700" : undefined} data-testid="plan-seats">
        {plan.seats === null
          ? `${count(plan.seatsUsed)} used, no limit (members and pending invitations)`
          : `${count(plan.seatsUsed)} of ${count(plan.seats)} used (members and pending invitations)`}
        {full ? ` — full: to invite more, revoke a pending invitation or remove a member, or ${upgradeAdvice(role)}` : ""}
      </dd>
      <dt className="text-zinc-500">API keys</dt>
      <dd className={over(plan.apiKeys, plan.apiKeysUsed) ? "font-medium text-red-700" : undefined} data-testid="plan-api-keys">
        {usage(plan.apiKeys, plan.apiKeysUsed)}
        {plan.apiKeys !== 0 && (plan.apiKeys !== null || plan.apiKeysUsed !== null) ? " (every member's keys that are not revoked or expired)" : ""}
      </dd>
      <dt className="text-zinc-500">Child workspaces</dt>
      <dd className={over(plan.childWorkspaces, plan.childWorkspacesUsed) ? "font-medium text-red-700" : undefined} data-testid="plan-child-workspaces">{usage(plan.childWorkspaces, plan.childWorkspacesUsed)}</dd>
      <dt className="text-zinc-500">Audit log kept</dt>
      <dd data-testid="audit-retention">
        {plan.auditRetentionDays === null
          ? "Forever"
          : `${days(plan.auditRetentionDays)} — events older than ${days(plan.auditRetentionDays)} are deleted daily`}
      </dd>
      <dt className="text-zinc-500">Audit log export</dt>
      <dd>{plan.exportAllowed ? "Included" : "Not included"}</dd>
    </dl>
  );
}
