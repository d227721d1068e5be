import Link from "next/link";
import type { ReactNode } from "react";

/** The platform console's frame: shown only after the database admitted a platform administrator. */
export function AdminShell({ adminEmail, children }: { adminEmail: string; children: ReactNode }) {
  return (
    <div className="min-h-screen bg-zinc-50">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <nav className="flex flex-wrap items-center gap-4 text-sm" aria-label="Platform administration">
            <span className="font-semibold">Platform administration</span>
            <Link href="/admin" className="text-zinc-700 underline-offset-4 hover:underline">
              Workspaces
            </Link>
            <Link href="/admin/workspaces/new" className="text-zinc-700 underline-offset-4 hover:underline">
              New workspace
            </Link>
            <Link href="/admin/plans" className="text-zinc-700 underline-offset-4 hover:underline">
              Plans
            </Link>
          </nav>
          <div className="flex items-center gap-3 text-xs text-zinc-500">
            <span>{adminEmail}</span>
            <Link href="/app/dashboard" className="underline">
              Back to the app
            </Link>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-8">{children}</main>
    </div>
  );
}

/**
 * The red banner of a cross-view visit (seed 002's tenant.cross_view): the
 * administrator sees whose workspace they are reading, that it is read-only,
 * and that the visit is in that workspace's audit log.
 */
export function CrossViewBanner({ tenantName }: { tenantName: string }) {
  return (
    <div role="status" data-testid="cross-view-banner" className="border-b-2 border-red-800 bg-red-600 px-4 py-2 text-center text-sm font-medium text-white">
      You are viewing “{tenantName}” as a platform administrator, read-only. This visit is recorded in its audit log.
    </div>
  );
}
