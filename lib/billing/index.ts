import "server-only";
import { setWorkspacePlan } from "@/lib/platform/plans";
import type { Credential } from "@/lib/tenancy";

// Billing stays out of the product's core (seed 003: "a plan may be a
// freemium plan or a paid plan associated with a Stripe subscription"). This
// module is the boundary: whatever decides a workspace's plan — a person at
// the platform, or a payment provider — goes through a BillingProvider, and
// every provider ends in the same database step, app_platform_set_plan
// (audited as plan.change in the workspace's log; a plan below current usage
// is allowed and refuses growth). Limits: lib/billing/limits.ts.
//
// Providers:
//
// * manual (today): a platform administrator picks the plan on the
//   workspace's page in /admin (lib/platform/plans.ts setWorkspacePlan).
//
// * Stripe (not built): the place is a route handler
//   app/api/billing/stripe/route.ts receiving Stripe's webhook. It must
//   (1) verify the Stripe-Signature header against STRIPE_WEBHOOK_SECRET with
//   stripe.webhooks.constructEvent on the raw body, refusing anything else
//   with 400; (2) on customer.subscription.created / updated / deleted, map
//   the subscription's price to a plan id (a price → plan table, or plans
//   gaining a stripe_price_id column) and the customer to a workspace (a
//   tenants.stripe_customer_id column set when checkout starts); (3) set the
//   plan. A webhook has no user session, so step 3 cannot use
//   app_platform_set_plan's administrator check: it would queue a job
//   (graphile-worker, lib/jobs) that runs on the owner's connection — the
//   operator's door, like purges — keyed by the event id so that Stripe's
//   retries are idempotent, and writing the same plan.change audit row with
//   by: "stripe". Nothing on the request path gains the owner's role.

export interface BillingProvider {
  name: "manual" | "stripe";
  /** Moves a workspace to a plan. */
  setPlan(input: { tenantId: string; plan: string }): Promise<void>;
}

/** The provider of a platform administrator acting in /admin. */
export function manualProvider(credential: Credential | null): BillingProvider {
  return {
    name: "manual",
    setPlan: async (input) => {
      await setWorkspacePlan(credential, input);
    },
  };
}
