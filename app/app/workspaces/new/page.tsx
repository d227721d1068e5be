import type { Metadata } from "next";
import Link from "next/link";
import { CreateWorkspaceForm } from "@/components/create-workspace-form";
import { Card } from "@/components/ui";
import { requireUser } from "@/lib/tenancy";

export const metadata: Metadata = { title: "Create a workspace" };

export default async function NewWorkspacePage() {
  const { context } = await requireUser();
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md space-y-6">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Create a workspace</h1>
          <p className="mt-1 text-sm text-zinc-600">You will be its owner and can invite others from its Members page.</p>
        </div>
        <Card className="p-6">
          <CreateWorkspaceForm />
        </Card>
        {context ? (
          <Link href="/app/dashboard" className="block text-center text-sm text-zinc-600 underline">
            Back to {context.tenant.name}
          </Link>
        ) : null}
      </div>
    </main>
  );
}
