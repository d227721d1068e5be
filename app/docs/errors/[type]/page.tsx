import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PROBLEM_TYPES, type ProblemType } from "@/lib/api/problem";

type Params = Promise<{ type: string }>;

const known = (type: string): type is ProblemType => Object.hasOwn(PROBLEM_TYPES, type);

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { type } = await params;
  return { title: known(type) ? `${PROBLEM_TYPES[type].title} (${type})` : "Unknown error type" };
}

/** What a problem's `type` URI answers: a page saying what it means and what to do. */
export default async function ErrorTypePage({ params }: { params: Params }) {
  const { type } = await params;
  if (!known(type)) notFound();
  const { status, title, explain } = PROBLEM_TYPES[type];
  return (
    <main className="mx-auto max-w-2xl space-y-4 px-4 py-10">
      <p className="text-sm text-zinc-500">
        <Link href="/docs/errors" className="underline">
          API errors
        </Link>{" "}
        · HTTP {status}
      </p>
      <h1 className="text-2xl font-semibold" data-testid="problem-title">
        {title}
      </h1>
      <p className="font-mono text-sm">{type}</p>
      <p className="text-zinc-700">{explain}</p>
      <p className="text-sm text-zinc-600">
        Every error of the <a className="underline" href="/docs/api">REST API</a> is an RFC 9457 problem (<code>application/problem+json</code>) with{" "}
        <code>type</code> (this page), <code>title</code>, <code>status</code>, <code>detail</code> (what happened this time) and{" "}
        <code>instance</code> (the path); a validation error adds <code>errors</code>, each field with its message.
      </p>
    </main>
  );
}
