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
 * administrator sees whose workspace they are in, and that they are there as
 * the platform, not as a member — the workspace's own data is read-only to
 * them (row-level security refuses every write in a cross-view context), but
 * the platform's changes to the workspace itself (rename, plan, suspension,
 * deletion; lib/platform/admin.ts) are offered on its page and do take
 * effect. The visit and each of those changes are in the workspace's audit log.
 */
export function CrossViewBanner({ tenantName }: { tenantName: string }) {
  return (
    <div role="status" data-testid="cross-view-banner" className="border-b-2 border-red-800 bg-red-600 px-4 py-2 text-center text-sm font-medium text-white">
      You are acting on “{tenantName}” as the platform, not as one of its members. Its members and audit log are read-only here; every change you make to it
      (rename, plan, suspension, deletion) and this visit are recorded in its audit log.
    </div>
  );
}
