"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useTransition } from "react";

/**
 * Table state that lives in the URL (bookmarkable, back/forward work): a
 * change pushes new search params inside a transition, so the page can show
 * that the server is fetching.
 */
export function useUrlState() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const update = useCallback(
    (changes: Record<string, string | string[] | null>) => {
      const params = new URLSearchParams(searchParams.toString());
      for (const [key, value] of Object.entries(changes)) {
        params.delete(key);
        if (Array.isArray(value)) for (const v of value) params.append(key, v);
        else if (value !== null && value !== "") params.set(key, value);
      }
      const query = params.toString();
      startTransition(() => router.push(query ? `${pathname}?${query}` : pathname, { scroll: false }));
    },
    [pathname, router, searchParams],
  );
  return { update, pending, searchParams };
}
