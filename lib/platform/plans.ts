import "server-only";
import { z } from "zod";
import { runRead, sql, type Read, type Tx } from "@/lib/db";
import { DomainError, RELOAD_THE_PAGE } from "@/lib/errors";
import { withPlatformAdmin, type Credential, type SignedInUser } from "@/lib/tenancy";
import { lifecycleRefusal } from "@/lib/tenant-status";
import { uuidSchema } from "@/lib/validation";
import type { PlanRow } from "./admin";

// Plans (seed 003), as platform administrators edit them and move
// workspaces between them. The limits themselves are enforced in the
// database where a resource is created (lib/billing/limits.ts).

export const PLAN_ID = /^[a-z][a-z0-9-]{1,31}$/;

/** An empty field is "unlimited" (NULL); otherwise a whole number from `min`. */
const limitField = (label: string, min: number) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === "") return null;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > 1_000_000) {
        ctx.addIssue({ code: "custom", message: `${label}: a whole number from ${min}, or empty for unlimited.` });
        return z.NEVER;
      }
      return n;
    });

export const savePlanSchema = z.object({
  /** The new-plan form creates; a plan's own form changes that plan. Neither does the other's work. */
  mode: z.enum(["create", "update"], { error: "Reload the page and try again." }),
  id: z.string().trim().toLowerCase().regex(PLAN_ID, "An id is 2 to 32 lowercase letters, digits or hyphens, starting with a letter."),
  name: z.string().trim().min(1, "Enter the plan's name.").max(60, "Keep the name to 60 characters or fewer."),
  seats: limitField("Seats", 1),
  apiKeys: limitField("API keys", 0),
  childWorkspaces: limitField("Child workspaces", 0),
  auditRetentionDays: limitField("Audit retention", 1),
  exportAllowed: z.literal("on").optional().transform((v) => v === "on"),
  isDefault: z.literal("on").optional().transform((v) => v === "on"),
});

/**
 * Creates a plan, or changes one (platform administrators only: the function
 * checks). A new plan whose id another plan has is refused: the database
 * function saves either way, and a new plan's form must never rewrite the
 * limits of every workspace on an existing one. A plan changed in its own
 * form must still exist.
 */
export async function savePlan(credential: Credential | null, input: z.output<typeof savePlanSchema>): Promise<void> {
  await withPlatformAdmin(credential, async (tx) => {
    const exists = (await tx.one<{ found: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM plans WHERE id = ${input.id}) AS found`))!.found;
    if (input.mode === "create" && exists) {
      throw new DomainError("plan_exists", `A plan with the id “${input.id}” exists already. Choose another id, or change that plan in its own form.`, "id");
    }
    if (input.mode === "update" && !exists) throw new DomainError("not_found", "That plan no longer exists.", undefined, RELOAD_THE_PAGE);
    await tx.query(sql`SELECT app_platform_save_plan(${input.id}, ${input.name}, ${input.seats}::int, ${input.apiKeys}::int,
                  ${input.childWorkspaces}::int, ${input.auditRetentionDays}::int, ${input.exportAllowed}, ${input.isDefault})`);
  });
}

export const setWorkspacePlanSchema = z.object({
  tenantId: uuidSchema("That workspace does not exist."),
  plan: z.string().regex(PLAN_ID, "Choose a plan."),
});

/** What setting a workspace's plan did: `changed` is false when it was already on that plan (nothing written). */
export interface PlanSet {
  changed: boolean;
  /** The plan's name, as the plan pickers show it. */
  planName: string;
}

/**
 * Moves a workspace to another plan, audited in its log. A plan below the
 * workspace's current usage is allowed: what it already has stays, growth is
 * refused. The plan it is already on changes nothing and writes no event.
 * lib/billing's providers call the same database function.
 */
export async function setWorkspacePlan(credential: Credential | null, input: z.output<typeof setWorkspacePlanSchema>): Promise<PlanSet> {
  try {
    const row = await withPlatformAdmin(credential, (tx) =>
      tx.one<{ former: string | null; name: string | null }>(
        sql`SELECT app_platform_set_plan(${input.tenantId}::uuid, ${input.plan}) AS former, (SELECT name FROM plans WHERE id = ${input.plan}) AS name`,
      ),
    );
    return { changed: row?.former !== input.plan, planName: row?.name ?? input.plan };
  } catch (error) {
    throw lifecycleRefusal(error);
  }
}

/**
 * Every plan, in their order, as one JSON array (plans are reference data
 * every role reads): a column of a page's one statement.
 */
export const plansColumn = sql`(
  SELECT coalesce(json_agg(json_build_object(
           'id', id, 'name', name, 'seats', seats, 'apiKeys', api_keys, 'childWorkspaces', child_workspaces,
           'auditRetentionDays', audit_retention_days, 'exportAllowed', export_allowed, 'isDefault', is_default)
           ORDER BY position, id), '[]')
    FROM plans)`;

/** Every plan, in their order, in one statement. */
export const plansRead: Read<PlanRow[], { plans: PlanRow[] }> = {
  statement: sql`SELECT ${plansColumn} AS plans`,
  result: ([row]) => row?.plans ?? [],
};

/** The plans page and the new-workspace page: the administrator and every plan, in one transaction of one round trip. */
export async function plansPage(credential: Credential | null): Promise<{ admin: SignedInUser; plans: PlanRow[] }> {
  const { admin, data } = await withPlatformAdmin(credential, plansRead);
  return { admin, plans: data };
}

/** Every plan, in their order (plans are reference data every role reads). */
export async function listPlans(credential: Credential | null): Promise<PlanRow[]> {
  return (await plansPage(credential)).plans;
}

export function readPlans(tx: Tx): Promise<PlanRow[]> {
  return runRead(tx, plansRead);
}
