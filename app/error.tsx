"use client";

import Link from "next/link";
import { Button, Card, buttonClass } from "@/components/ui";

/** Shown when a page fails unexpectedly: nothing half-done, a way back. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-[60vh] items-center justify-center px-4 py-12">
      <Card className="w-full max-w-md space-y-4 p-6 text-center">
        <h1 className="text-xl font-semibold">This page could not be shown</h1>
        <p className="text-sm text-zinc-600">
          Something changed while it was loading — your access to this workspace, perhaps — or the server hit a
          problem. Nothing was saved halfway.
        </p>
        <div className="flex justify-center gap-2">
          <Button type="button" onClick={reset}>
            Try again
          </Button>
          <Link href="/app/dashboard" className={buttonClass("secondary")}>
            Go to the dashboard
          </Link>
        </div>
      </Card>
    </main>
  );
}
