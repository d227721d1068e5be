import type { Metadata } from "next";
import { PROBLEM_TYPES } from "@/lib/api/problem";

export const metadata: Metadata = { title: "API errors" };

export default function ErrorTypesPage() {
  return (
    <main className="mx-auto max-w-2xl space-y-4 px-4 py-10">
      <h1 className="text-2xl font-semibold">API errors</h1>
      <p className="text-zinc-700">
        The <a className="underline" href="/docs/api">REST API</a> answers every error as an RFC 9457 problem whose <code>type</code> is one of these.
      </p>
      <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200">
        {Object.entries(PROBLEM_TYPES).map(([type, p]) => (
          <li key={type} className="flex items-baseline justify-between gap-4 p-3 text-sm">
            <a className="font-mono underline" href={`/docs/errors/${type}`}>
              {type}
            </a>
            <span className="text-zinc-600">
              {p.status} · {p.title}
            </span>
          </li>
        ))}
      </ul>
    </main>
  );
}
