"use client";

import { usePathname } from "next/navigation";
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";

/**
 * Set while an open drawer is taken away with its page's frame — a switch of
 * workspace from inside it remounts the frame's drawer (keyed by workspace) —
 * so that the drawer mounted in its place puts focus back on its menu button
 * instead of leaving it on the page's body. Cleared within the same task when
 * no drawer takes it (a navigation to a page without one).
 */
let closedByRemount = false;

/**
 * The sidebar on a narrow screen (below Tailwind's `lg`, 1024 px): a top bar
 * with a menu button that opens the same sidebar as a drawer. The drawer is a
 * modal <dialog>: the browser keeps focus inside it and makes the page behind
 * it inert, Escape closes it, and focus returns to the menu button. A click on
 * the backdrop or a navigation closes it too. It exists only while open, so
 * the sidebar's contents are in the page once except then. A switch of
 * workspace from inside it remounts it, closed, with focus on the menu button.
 */
export function AppDrawer({ title, children }: { title: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const menu = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  const openNow = useRef(open);
  useLayoutEffect(() => {
    openNow.current = open;
  }, [open]);

  useLayoutEffect(() => {
    if (closedByRemount) {
      closedByRemount = false;
      const focused = document.activeElement;
      if (!focused || focused === document.body) menu.current?.focus();
    }
    return () => {
      if (!openNow.current) return;
      closedByRemount = true;
      setTimeout(() => {
        closedByRemount = false;
      });
    };
  }, []);

  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);
  // A link followed inside the drawer lands on a page that should not open with it.
  useEffect(() => {
    dialog.current?.close();
  }, [pathname]);

  return (
    <>
      <header className="sticky top-0 z-30 flex items-center gap-3 border-b border-zinc-200 bg-white px-4 py-2.5 lg:hidden" data-testid="mobile-top-bar">
        <button
          ref={menu}
          type="button"
          onClick={() => setOpen(true)}
          aria-expanded={open}
          aria-controls="app-drawer"
          aria-label="Open navigation"
          data-testid="open-drawer"
          className="inline-flex size-10 items-center justify-center rounded-md border border-zinc-300 bg-white hover:bg-zinc-100"
        >
          <svg aria-hidden viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
            <path d="M3 5h14M3 10h14M3 15h14" />
          </svg>
        </button>
        <span className="min-w-0 truncate text-sm font-semibold" data-testid="mobile-workspace-name">
          {title}
        </span>
      </header>
      {open ? (
        <dialog
          ref={dialog}
          id="app-drawer"
          aria-label="Navigation"
          data-testid="app-drawer"
          onClose={() => setOpen(false)}
          // A click on the backdrop lands on the dialog itself, outside its panel; a followed link
          // closes it too (also one to the page already shown, which changes no path).
          onClick={(event) => {
            if (event.target === event.currentTarget || (event.target as Element).closest("a[href]")) dialog.current?.close();
          }}
          className="fixed inset-y-0 left-0 m-0 h-dvh max-h-none w-72 max-w-[85vw] border-r border-zinc-200 bg-zinc-50 p-0 shadow-xl backdrop:bg-zinc-900/40 lg:hidden"
        >
          <div className="flex min-h-full flex-col gap-6 p-4">
            <div className="flex justify-end">
              <button
                type="button"
                onClick={() => dialog.current?.close()}
                aria-label="Close navigation"
                data-testid="close-drawer"
                className="inline-flex size-9 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-200/60"
              >
                <svg aria-hidden viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
                  <path d="M5 5l10 10M15 5L5 15" />
                </svg>
              </button>
            </div>
            {children}
          </div>
        </dialog>
      ) : null}
    </>
  );
}
