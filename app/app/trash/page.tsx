import type { Metadata } from "next";
import Link from "next/link";
import { TrashList } from "@/components/lifecycle/trash-list";
import { Alert, Card } from "@/components/ui";
import { PURGE_AFTER_DAYS, trashRead } from "@/lib/lifecycle";
import { requireUserWith } from "@/lib/tenancy";

export const metadata: Metadata = { title: "Trash" };

type Search = Promise<Record<string, string | string[] | undefined>>;

/** The deleted workspaces the user owns: restore them, or purge them before their time. */
export default async function TrashPage({ searchParams }: { searchParams: Search }) {
  const deleted = (await searchParams).deleted;
  const { context, data: trash } = await requireUserWith(() => trashRead());
  return (
    <main className="mx-auto max-w-2xl space-y-6 px-4 py-12">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Trash</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Workspaces you own that were deleted. Each is purged for good {PURGE_AFTER_DAYS === 1 ? "1 day" : `${PURGE_AFTER_DAYS} days`} after its deletion; until then an owner can
          restore it.
        </p>
      </div>
      {/* Said only while it can still be restored from here: not once its purge was asked for. */}
      {typeof deleted === "string" && trash.some((t) => t.name === deleted && !t.beingPurged) ? (
        <Alert variant="success">
          “{deleted}” was deleted. Its members have lost access; you can restore it below.
        </Alert>
      ) : null}
      {trash.length === 0 ? (
        <Card className="p-6 text-sm text-zinc-600">Nothing in the trash.</Card>
      ) : (
        <TrashList
          workspaces={trash.map((t) => ({
            id: t.id,
            name: t.name,
            slug: t.slug,
            deletedAt: t.deletedAt.toISOString(),
            deletedBy: t.deletedBy,
            daysLeft: t.daysLeft,
            beingPurged: t.beingPurged,
          }))}
        />
      )}
      <Link href={context ? "/app/dashboard" : "/app/onboarding"} className="inline-block text-sm text-zinc-600 underline">
        {context ? `Back to ${context.tenant.name}` : "Back"}
      </Link>
    </main>
  );
}
