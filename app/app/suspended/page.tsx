import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { switcherEntry } from "@/components/switcher-list";
import { Button, Card } from "@/components/ui";
import { WorkspaceSwitcher } from "@/components/workspace-switcher";
import { getTenantContext } from "@/lib/tenancy";
import { signOutAction } from "../actions";

export const metadata: Metadata = { title: "Workspace suspended" };

/** Where a member of a suspended workspace lands: what happened, and the way to their other workspaces. */
export default async function SuspendedPage() {
  const resolved = await getTenantContext();
  if (resolved.kind !== "suspended") redirect("/app");
  const elsewhere = resolved.memberships.filter((m) => m.status === "active");
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <Card className="w-full max-w-md space-y-4 p-6">
        <h1 className="text-xl font-semibold" data-testid="suspended-title">
          {resolved.tenant.name} is suspended
        </h1>
        <p className="text-sm text-zinc-600">
          The platform has suspended this workspace: nothing in it can be read or changed until the suspension is lifted.{" "}
          {resolved.memberships.some((m) => m.tenantId === resolved.tenant.id && m.role === "owner")
            ? "You can ask the platform's operators why it was suspended."
            : "Its owners can ask the platform's operators why."}
        </p>
        {elsewhere.length > 0 ? (
          <WorkspaceSwitcher
            current={{ id: resolved.tenant.id, name: resolved.tenant.name, role: "suspended" }}
            // As the sidebar lists them: a child under its parent, one entered as a delegate marked so.
            workspaces={elsewhere.map(switcherEntry)}
          />
        ) : (
          <Link href="/app/workspaces/new" className="text-sm underline">
            Create a workspace
          </Link>
        )}
        <form action={signOutAction}>
          <Button type="submit" variant="ghost" size="sm">
            Sign out
          </Button>
        </form>
      </Card>
    </main>
  );
}
