import Link from "next/link";
import { Card, buttonClass } from "@/components/ui";

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <Card className="w-full max-w-md space-y-4 p-6 text-center">
        <h1 className="text-xl font-semibold">Page not found</h1>
        <p className="text-sm text-zinc-600">There is nothing at this address.</p>
        <Link href="/app/dashboard" className={buttonClass("primary")}>
          Go to the dashboard
        </Link>
      </Card>
    </main>
  );
}
