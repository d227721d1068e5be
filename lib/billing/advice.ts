import type { Role } from "@/lib/tenancy";

/**
 * Who can lift a plan's limit, as the pages and the database's refusals tell
 * whoever meets it: the platform's operators set plans, so an owner asks
 * them; anyone else (an admin, a member, a delegate, an invitee) asks an
 * owner, who can ask them (an owner cannot upgrade the plan either). Said
 * after "to do this, …" or "…, or".
 */
export function upgradeAdvice(role: Role | null): string {
  return role === "owner"
    ? "ask the platform's operators to upgrade the plan"
    : "ask one of the workspace's owners, who can ask the platform's operators to upgrade the plan";
}

/** Why an export did not start on a plan without exports, saying whom `role` asks for more. */
export function exportNotInPlan(role: Role | null): string {
  return `Your plan does not include exporting the audit log; to export it, ${upgradeAdvice(role)}.`;
}

/**
 * A plan-limit refusal's sentence (SQLSTATE 53400, hint plan_limit) for
 * whoever it refused. The database's sentence (app_plan_limit_message) ends
 * with an owner's advice, which is also what the owner's connection reads;
 * its detail (app_plan_refusal_detail) names the role of the user who acted
 * — {"limit": "seats", "role": "admin"} — and the advice is reworded for
 * them here. Without a role in the detail the sentence is the database's.
 */
export function planLimitSentence(message: string, detail: string | undefined): string {
  const ownersAdvice = `${upgradeAdvice("owner")}.`;
  if (!message.endsWith(ownersAdvice)) return message;
  const acted = actedFrom(detail);
  if (!acted) return message;
  return `${message.slice(0, -ownersAdvice.length)}${upgradeAdvice(acted.role)}.`;
}

function actedFrom(detail: string | undefined): { role: Role | null } | null {
  if (!detail?.startsWith("{")) return null;
  try {
    const parsed: unknown = JSON.parse(detail);
    if (!parsed || typeof parsed !== "object" || !("role" in parsed)) return null;
    const role = (parsed as { role: unknown }).role;
    return { role: typeof role === "string" ? (role as Role) : null };
  } catch {
    return null;
  }
}
