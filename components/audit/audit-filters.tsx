"use client";

import Link from "next/link";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { Button, Input, buttonClass } from "@/components/ui";

const noSubscription = () => () => {};
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export interface RawFilters {
  actions: string[];
  actor: string;
  target: string;
  from: string;
  to: string;
  q: string;
}

/**
 * A plain GET form: submitting puts the filters in the URL, so a filtered
 * view can be bookmarked and shared, and back/forward just work. The
 * browser's time zone rides along, so dates mean the viewer's days.
 */
export function AuditFiltersForm({
  actions,
  values,
  basePath,
}: {
  actions: readonly { value: string; label: string }[];
  values: RawFilters;
  /** Where the filters are applied: the workspace's audit page, or the platform's view of that workspace's log. */
  basePath: string;
}) {
  // The browser's zone once hydrated; the server renders UTC.
  const zone = useSyncExternalStore(noSubscription, browserTimeZone, () => "UTC");
  const dropdown = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    // The actions list closes like a menu: on a click elsewhere or Escape.
    // On the click, not the press: the open list pushes the form down, so
    // closing it on mousedown moved "Apply filters" from under the pointer
    // before the button was released, and that first click reached nothing.
    // A click has landed by the time this listener runs, and the submit it
    // starts still carries the ticked boxes.
    const close = (event: MouseEvent | KeyboardEvent) => {
      const d = dropdown.current;
      if (!d?.open) return;
      if (event instanceof KeyboardEvent ? event.key !== "Escape" : d.contains(event.target as Node)) return;
      // Escape from a box in the list: focus goes back to the list's summary, not to the page (the boxes go with the list).
      const refocus = event instanceof KeyboardEvent && d.contains(document.activeElement);
      d.open = false;
      if (refocus) d.querySelector("summary")?.focus();
    };
    document.addEventListener("click", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("click", close);
      document.removeEventListener("keydown", close);
    };
  }, []);
  const [chosen, setChosen] = useState(() => new Set(values.actions));
  // The chosen actions the log has, in the list's order: the summary's label and, closed, the hidden fields.
  const chosenActions = actions.filter((a) => chosen.has(a.value));
  // The list of actions is rendered only while it is open: closed, the form
  // carries the chosen ones as hidden fields. A page view then renders a
  // summary, not a checkbox, a label and a code for each of the log's
  // actions (12 KB of the page's HTML). Opened before hydration, it is
  // filled in once the page hydrates.
  const [listed, setListed] = useState(false);
  useEffect(() => setListed(dropdown.current?.open ?? false), []);
  return (
    <form
      method="get"
      action={basePath}
      className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4"
      data-testid="audit-filters"
      onSubmit={(event) => {
        // Leave empty fields (and the time zone, when no date is set) out of the URL.
        const form = event.currentTarget;
        const inputs = [...form.querySelectorAll<HTMLInputElement>("input:not([type=checkbox])")];
        const dated = inputs.some((i) => (i.name === "from" || i.name === "to") && i.value);
        for (const input of inputs) if (!input.value || (input.name === "tz" && !dated)) input.disabled = true;
      }}
    >
      <input type="hidden" name="tz" value={zone} readOnly />
      <div className="grid gap-3 md:grid-cols-3">
        <div className="space-y-1.5">
          <span className="block text-sm font-medium">Actions</span>
          <details ref={dropdown} className="relative" data-testid="audit-actions" onToggle={(event) => setListed(event.currentTarget.open)}>
            <summary className="flex h-10 cursor-pointer list-none items-center rounded-md border border-zinc-300 bg-white px-3 text-sm">
              <span className="truncate">
                {chosenActions.length ? chosenActions.map((a) => a.label).join(", ") : "All actions"}
              </span>
            </summary>
            {/* In the flow of the form, not over it: open, it pushes the dates and the buttons down instead of covering them. */}
            {listed ? (
              <fieldset className="mt-1 max-h-72 w-full space-y-1 overflow-y-auto rounded-md border border-zinc-200 bg-white p-2 shadow-sm" data-testid="audit-actions-list">
                <legend className="sr-only">Actions</legend>
                {actions.map(({ value: action, label }) => (
                  <label key={action} className="flex items-center gap-2 rounded px-1 py-0.5 text-sm hover:bg-zinc-50">
                    <input
                      type="checkbox"
                      name="action"
                      value={action}
                      checked={chosen.has(action)}
                      onChange={(e) => {
                        const next = new Set(chosen);
                        if (e.target.checked) next.add(action);
                        else next.delete(action);
                        setChosen(next);
                      }}
                    />
                    <span>{label}</span>
                    <code className="ml-auto text-xs text-zinc-400">{action}</code>
                  </label>
                ))}
              </fieldset>
            ) : (
              // As the checkboxes would send them: the log's actions, in the list's order.
              chosenActions.map(({ value }) => <input key={value} type="hidden" name="action" value={value} />)
            )}
          </details>
        </div>
        <label className="space-y-1.5">
          <span className="block text-sm font-medium">Actor email</span>
          <Input name="actor" defaultValue={values.actor} placeholder="who did it, or “system”" maxLength={300} />
        </label>
        <label className="space-y-1.5">
          <span className="block text-sm font-medium">Target</span>
          <Input name="target" defaultValue={values.target} placeholder="user or invitation id, or email" maxLength={300} />
        </label>
        <label className="space-y-1.5">
          <span className="block text-sm font-medium">From</span>
          <Input type="date" name="from" defaultValue={values.from} />
        </label>
        <label className="space-y-1.5">
          <span className="block text-sm font-medium">To</span>
          <Input type="date" name="to" defaultValue={values.to} />
        </label>
        <label className="space-y-1.5">
          <span className="block text-sm font-medium">Search</span>
          <Input
            name="q"
            defaultValue={values.q}
            placeholder="names, addresses, ids…"
            title="Finds events that recorded every word (whole words of two or more letters or digits): the target's id and the values stored with the event, such as names, email addresses, ids and roles. The wording of the Details column is not searched."
          />
        </label>
      </div>
      <div className="flex gap-2">
        <Button type="submit">Apply filters</Button>
        <Link href={basePath} className={buttonClass("ghost")}>
          Clear
        </Link>
      </div>
    </form>
  );
}
