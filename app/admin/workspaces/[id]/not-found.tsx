import Link from "next/link";
import RootNotFound from "@/app/not-found";
import { Card, buttonClass } from "@/components/ui";
import { isPlatformAdmin } from "@/lib/platform/admin";
import { currentRequest } from "@/lib/tenancy";

/**
 * A workspace's page in /admin (or its members or audit page) with no
 * workspace behind it — purged since, or never there: a platform
 * administrator is led back to the directory, not into the app. Anyone else
 * gets the app's own not-found page, which names no console (the database
 * says who is an administrator).
 */
export default async function AdminWorkspaceNotFound() {
  const { credential } = await currentRequest();
  if (!(await isPlatformAdmin(credential))) return <RootNotFound />;
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <Card className="w-full max-w-md space-y-4 p-6 text-center">
        <h1 className="text-xl font-semibold">Workspace not found</h1>
        <p className="text-sm text-zinc-600">No workspace has this address: it has been purged, or never existed.</p>
        <Link href="/admin" className={buttonClass("primary")}>
          Back to all workspaces
        </Link>
      </Card>
    </main>
  );
}
