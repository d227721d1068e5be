import Link from "next/link";
import { AdminShell } from "@/components/platform/admin-shell";
import { Card, buttonClass } from "@/components/ui";
import { WorkspaceGoneError } from "@/lib/tenancy";

/**
 * `load`'s result, or the refusal that the workspace is not there, which the
 * database tells a platform administrator alone (app_enter_cross_view): the
 * page then says so (WorkspaceGone) instead of being the app's generic
 * not-found page. Decided in the page, from what its one entry answered, and
 * not in a not-found.tsx, which Next.js renders with every view of the
 * segment: nothing more is asked of the database.
 */
export async function orGone<T>(load: Promise<T>): Promise<T | WorkspaceGoneError> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof WorkspaceGoneError) return error;
    throw error;
  }
}

/** An old link to a workspace's page in the console: purged since (named, and when), or never there; the way back to the directory. */
export function WorkspaceGone({ gone }: { gone: WorkspaceGoneError }) {
  return (
    <AdminShell adminEmail={gone.adminEmail}>
      <Card className="max-w-lg space-y-4 p-6">
        <h1 className="text-xl font-semibold">{gone.purged ? "This workspace no longer exists" : "No workspace with this id"}</h1>
        <p className="text-sm text-zinc-600" data-testid="admin-workspace-gone">
          {gone.message}
        </p>
        <Link href="/admin" className={buttonClass("primary")}>
          Back to all workspaces
        </Link>
      </Card>
    </AdminShell>
  );
}
