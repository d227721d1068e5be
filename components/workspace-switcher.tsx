"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { listSwitcherWorkspaces, searchSwitcherWorkspaces, switchWorkspace } from "@/app/app/actions";
import { nestWorkspaces } from "@/components/hierarchy/workspace-tree";
import { FormError, RefusalText, type Refusal } from "@/components/form-error";
import { RoleBadge, cx } from "@/components/ui";
import { SIGNED_OUT_CODE } from "@/lib/tenancy/client";
import { useFormAction } from "@/components/use-form-action";

export interface SwitcherWorkspace {
  id: string;
  name: string;
  role: string;
  /** Hierarchy: nested under its parent when listed; `delegate` when entered as a delegate of an ancestor, not as a member. */
  parentId?: string | null;
  delegate?: boolean;
  /** A search result: the managed workspace it is reached through. */
  via?: string;
}

/** The active workspace's branding (general settings): its accent colour and logo, when it has them. */
export interface SwitcherBranding {
  accent: string | null;
  logoUrl: string | null;
}

/**
 * `workspaces` is the list when the page carries it, or null for a user of
 * more workspaces than a page carries (components/switcher-list.ts): the
 * switcher then loads them, `total` of them, when it is about to open — on
 * hover or focus of its button, or the click — once for as long as the page's
 * memberships stay the same (the page keys the switcher by them).
 */
export function WorkspaceSwitcher({
  current,
  workspaces,
  total = workspaces?.length ?? 0,
}: {
  current: SwitcherWorkspace & Partial<SwitcherBranding>;
  workspaces: SwitcherWorkspace[] | null;
  total?: number;
}) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useFormAction(switchWorkspace, null);
  const pathname = usePathname();
  const panel = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<{ q: string; matches: SwitcherWorkspace[]; error?: Refusal } | null>(null);
  const [loaded, setLoaded] = useState<{ list: SwitcherWorkspace[] } | { error: Refusal } | null>(null);
  const loading = useRef(false);
  const all = workspaces ?? (loaded && "list" in loaded ? loaded.list : null);
  const q = query.trim();
  const listed = !all ? [] : q ? all.filter((w) => w.name.toLowerCase().includes(q.toLowerCase())) : all;
  // Beyond the listed workspaces: the server searches every descendant of those the user manages.
  const more = found && found.q === q && all ? found.matches.filter((m) => !all.some((w) => w.id === m.id)) : [];
  const searching = q !== "" && found?.q !== q;

  /** Loads the list the page did not carry, once; a failure is shown with a way to try again. */
  const load = () => {
    if (workspaces || loading.current || (loaded && "list" in loaded)) return;
    loading.current = true;
    setLoaded(null);
    listSwitcherWorkspaces(null, new FormData())
      .then(
        (result) => setLoaded(result.ok ? { list: result.data } : { error: result }),
        () => setLoaded({ error: { error: "Your workspaces could not be loaded. Check your connection and try again." } }),
      )
      .finally(() => {
        loading.current = false;
      });
  };

  useEffect(() => {
    if (!q) return;
    let stale = false;
    const timer = setTimeout(() => {
      const form = new FormData();
      form.set("q", q);
      void searchSwitcherWorkspaces(null, form).then((result) => {
        if (!stale) setFound(result.ok ? { q, matches: result.data } : { q, matches: [], error: result });
      });
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [q]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent) {
        if (event.key !== "Escape") return;
        // Escape closes the switcher only (not a drawer around it), and focus inside its panel goes back to its button.
        event.preventDefault();
        if (panel.current?.contains(document.activeElement)) button.current?.focus();
        setOpen(false);
      } else if (!panel.current?.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div
      className="relative"
      ref={panel}
      // Focus moving elsewhere (Tab past its last control, or back before its button) closes it, so it never covers what has focus.
      onBlur={(event) => {
        if (open && event.relatedTarget && !event.currentTarget.contains(event.relatedTarget)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        onClick={() => {
          load();
          setOpen((o) => !o);
        }}
        onPointerEnter={load}
        onFocus={load}
        aria-expanded={open}
        aria-haspopup="true"
        data-testid="workspace-switcher"
        className="flex w-full items-center gap-3 rounded-md border border-zinc-200 bg-white px-3 py-2 text-left shadow-xs hover:bg-zinc-50"
        // Branding: an accent underline (white text on the accent is checked to stay readable).
        style={current.accent ? { borderBottomColor: current.accent, borderBottomWidth: 3 } : undefined}
      >
        <span
          className="flex size-8 shrink-0 items-center justify-center overflow-hidden rounded-md bg-zinc-900 text-sm font-semibold text-white"
          style={current.accent ? { backgroundColor: current.accent } : undefined}
          data-testid="workspace-badge"
          data-accent={current.accent ?? undefined}
        >
          {current.logoUrl ? (
            // Served to members only by the app's own route; next/image's optimiser would fetch it without the session.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={current.logoUrl} alt={`${current.name} logo`} className="size-full bg-white object-contain p-0.5" data-testid="workspace-logo" />
          ) : (
            current.name.slice(0, 1).toUpperCase()
          )}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-semibold" data-testid="active-workspace">
            {current.name}
          </span>
          <span className="block text-xs text-zinc-500 capitalize">{current.role}</span>
        </span>
        <span aria-hidden className="text-zinc-400">
          ⇅
        </span>
      </button>
      {open ? (
        <div className="absolute inset-x-0 top-full z-20 mt-1 rounded-md border border-zinc-200 bg-white p-2 shadow-lg">
          <form action={action} aria-busy={pending || undefined}>
            <input type="hidden" name="returnTo" value={pathname} />
            <p className="px-2 pt-1 pb-2 text-xs font-medium text-zinc-500 uppercase">Switch workspace</p>
            <input
              type="search"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              onKeyDown={(event) => {
                // Enter searches; it does not submit the switch.
                if (event.key === "Enter") event.preventDefault();
              }}
              maxLength={100}
              placeholder="Search workspaces"
              aria-label="Search workspaces"
              data-testid="workspace-search"
              className="mb-2 w-full rounded border border-zinc-200 px-2 py-1 text-sm"
            />
            <ul className="max-h-72 space-y-0.5 overflow-y-auto" data-testid="workspace-list">
              {(q ? listed.map((item) => ({ item, depth: 0 })) : nestWorkspaces(listed)).map(({ item: w, depth }) => (
                <li key={w.id} style={depth ? { paddingLeft: `${Math.min(depth, 4) * 0.75}rem` } : undefined} data-depth={depth}>
                  <button
                    type="submit"
                    name="tenantId"
                    value={w.id}
                    disabled={pending}
                    aria-current={w.id === current.id ? "true" : undefined}
                    className={cx(
                      "flex w-full items-center justify-between gap-2 rounded px-2 py-1.5 text-left text-sm hover:bg-zinc-100 disabled:opacity-60",
                      w.id === current.id && "bg-zinc-100 font-medium",
                    )}
                  >
                    {/* The whole name, wrapped if need be; "delegate" under it, so the badges leave it room. */}
                    <span className="min-w-0 break-words">
                      {depth ? <span aria-hidden className="mr-1 text-zinc-400">↳</span> : null}
                      {w.name}
                      {w.delegate ? <span className="block text-[10px] text-zinc-500 uppercase">delegate</span> : null}
                    </span>
                    <span className="flex shrink-0 items-center gap-1">
                      <RoleBadge role={w.role} />
                    </span>
                  </button>
                </li>
              ))}
              {more.map((w) => (
                <li key={w.id} data-testid="workspace-search-result">
                  <button
                    type="submit"
                    name="tenantId"
                    value={w.id}
                    disabled={pending}
                    className="flex w-full items-center justify-between gap-2 rounded px-2 py-1.5 text-left text-sm hover:bg-zinc-100 disabled:opacity-60"
                  >
                    <span className="min-w-0">
                      <span className="block truncate">{w.name}</span>
                      {w.via ? <span className="block truncate text-xs text-zinc-500">under {w.via}</span> : null}
                    </span>
                    <span className="flex shrink-0 items-center gap-1">
                      <span className="text-[10px] text-zinc-500 uppercase">delegate</span>
                      <RoleBadge role={w.role} />
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            {!all && loaded && "error" in loaded ? (
              <p className="px-2 py-1 text-xs text-red-700" role="alert" data-testid="workspace-list-error">
                <RefusalText refusal={loaded.error} />
                {/* Trying again is no use until one has signed in again. */}
                {loaded.error.code === SIGNED_OUT_CODE ? null : (
                  <>
                    {" "}
                    <button type="button" className="underline" onClick={load}>
                      Try again
                    </button>
                  </>
                )}
              </p>
            ) : !all ? (
              <p className="px-2 py-1 text-xs text-zinc-500" role="status" data-testid="workspace-list-loading">
                Loading your {total} workspaces…
              </p>
            ) : null}
            {all && q && searching ? <p className="px-2 py-1 text-xs text-zinc-500">Searching…</p> : null}
            {all && q && !searching && found?.error ? <p className="px-2 py-1 text-xs text-red-700">
                <RefusalText refusal={found.error} />
              </p> : null}
            {all && q && !searching && !found?.error && listed.length === 0 && more.length === 0 ? (
              <p className="px-2 py-1 text-xs text-zinc-500" data-testid="workspace-search-empty">
                No workspace matches “{q}”.
              </p>
            ) : null}
            <label className="mt-2 flex items-center gap-2 border-t border-zinc-100 px-2 pt-2 text-xs text-zinc-600">
              <input type="checkbox" name="remember" className="size-3.5" />
              Remember my choice (open it when I sign in)
            </label>
          </form>
          <FormError refusal={state && !state.ok ? state : null} className="mt-2" />
          <Link
            href="/app/workspaces/new"
            className="mt-2 block rounded px-2 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100"
            onClick={() => setOpen(false)}
          >
            + Create workspace
          </Link>
        </div>
      ) : null}
    </div>
  );
}
