import { AdminShell } from "@/components/platform/admin-shell";
import { CreateWorkspaceForForm } from "@/components/platform/create-workspace-for-form";
import { Card } from "@/components/ui";
import { platformPage } from "@/lib/platform/guard";
import { plansPage } from "@/lib/platform/plans";

// No title of its own: a 404 to anyone else must not name the console (the metadata is rendered with it).

/** Creates a workspace for a named first owner. */
export default async function NewWorkspacePage() {
  const { admin, plans } = await platformPage((credential) => plansPage(credential));
  return (
    <AdminShell adminEmail={admin.email}>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New workspace</h1>
        <p className="mt-1 text-sm text-zinc-600">For a customer: name its first owner, who is emailed the link to sign in and open it, and can then invite everyone else. Its log records whether the email went out.</p>
      </div>
      <Card className="max-w-lg p-6">
        <CreateWorkspaceForForm plans={plans.map((p) => ({ id: p.id, name: p.name, isDefault: p.isDefault }))} />
      </Card>
    </AdminShell>
  );
}
