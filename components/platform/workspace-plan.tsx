import type { WorkspacePlan } from "@/lib/billing/limits";

/** A limit on something the workspace creates, read as the seats are: how many it may have at once. */
const upTo = (n: number | null) => (n === null ? "Unlimited" : n === 0 ? "Not included" : `Up to ${n.toLocaleString("en")}`);
const days = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "day" : "days"}`;

/** A workspace's plan and its limits, for its settings page (seed 003). */
export function WorkspacePlanSummary({ plan }: { plan: WorkspacePlan }) {
  const full = plan.seats !== null && plan.seatsUsed >= plan.seats;
  return (
    <dl className="grid grid-cols-[10rem_1fr] gap-y-2 text-sm" data-testid="workspace-plan">
      <dt className="text-zinc-500">Plan</dt>
      <dd className="font-medium">{plan.name}</dd>
      <dt className="text-zinc-500">Seats</dt>
      <dd className={full ? "font-medium text-red-700" : undefined} data-testid="plan-seats">
        {plan.seats === null
          ? `${plan.seatsUsed.toLocaleString("en")} used, no limit (members and pending invitations)`
          : `${plan.seatsUsed.toLocaleString("en")} of ${plan.seats.toLocaleString("en")} used (members and pending invitations)`}
        {full ? " — full: revoke a pending invitation or remove a member, or upgrade, to invite more" : ""}
      </dd>
      <dt className="text-zinc-500">API keys</dt>
      <dd data-testid="plan-api-keys">{upTo(plan.apiKeys)}{plan.apiKeys ? " at a time, counting every member's keys that are not revoked or expired" : ""}</dd>
      <dt className="text-zinc-500">Child workspaces</dt>
      <dd data-testid="plan-child-workspaces">{upTo(plan.childWorkspaces)}</dd>
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
