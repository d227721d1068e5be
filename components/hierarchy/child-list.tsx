"use client";

import { useActionState } from "react";
import { switchWorkspace } from "@/app/app/actions";
import { RoleBadge } from "@/components/ui";
import { FormError } from "@/components/form-error";

export interface ChildEntry {
  id: string;
  name: string;
  role: string;
  delegate: boolean;
  suspended: boolean;
}

/** The child workspaces, each opened (as a member or a delegate) through the switcher's own action. */
export function ChildList({ items }: { items: ChildEntry[] }) {
  const [state, action, pending] = useActionState(switchWorkspace, null);
  return (
    <form action={action} aria-busy={pending || undefined}>
      <input type="hidden" name="returnTo" value="/app/dashboard" />
      <ul className="divide-y divide-zinc-100" data-testid="child-list">
        {items.map((c) => (
          <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span className="min-w-0 truncate text-sm font-medium">{c.name}</span>
            <span className="flex items-center gap-2">
              <RoleBadge role={c.role} />
              {c.delegate ? <span className="text-xs text-zinc-500">as delegate</span> : null}
              {c.suspended ? <span className="text-xs text-red-700">suspended</span> : null}
              <button
                type="submit"
                name="tenantId"
                value={c.id}
                disabled={pending}
                className="rounded px-2 py-1 text-sm text-zinc-700 underline hover:bg-zinc-100 disabled:opacity-60"
              >
                Open
              </button>
            </span>
          </li>
        ))}
      </ul>
      {state && !state.ok ? (
        <FormError refusal={state} className="mt-2" />
      ) : null}
    </form>
  );
}
