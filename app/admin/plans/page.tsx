import { AdminShell } from "@/components/platform/admin-shell";
import { PlanForm } from "@/components/platform/plan-form";
import { platformPage } from "@/lib/platform/guard";
import { plansPage } from "@/lib/platform/plans";

// No title of its own: a 404 to anyone else must not name the console (the metadata is rendered with it).

/** The plans and their limits (seed 003), edited by platform administrators. */
export default async function PlansPage() {
  const { admin, plans } = await platformPage((credential) => plansPage(credential));
  return (
    <AdminShell adminEmail={admin.email}>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Plans</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Limits are checked where a resource is created, in the same transaction. Lowering a limit below a workspace&apos;s usage keeps what it has and
          refuses growth.
        </p>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {plans.map((p) => (
          <PlanForm key={p.id} plan={p} />
        ))}
        <PlanForm />
      </div>
    </AdminShell>
  );
}
