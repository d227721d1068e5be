"use client";

import {
  useEffect,
  useId,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactNode,
} from "react";
import { cx } from "@/components/ui";

type Edges = { left: boolean; right: boolean };

/**
 * A wide table's box: the table scrolls sideways inside it on a narrow
 * screen, and the box shows that it does. While columns are out of view to
 * the right, that edge fades and "More columns →" is shown over the box,
 * where the table starts (and read as the region's description; it never
 * covers a row); while the table is scrolled
 * away from its start, the left edge fades. Scrolled to the end, or where the
 * table fits, neither shows. The box is a named region, focusable while it
 * scrolls, so the arrow keys scroll it.
 *
 * The table itself is `children`, as is: the box measures its own scroll
 * position (on scroll and when it or the table is resized, at most once a
 * frame), never the rows, so a table of many rows costs no more.
 */
export function ScrollTable({
  label,
  className,
  children,
  ...props
}: { label: string; className?: string; children: ReactNode } & Omit<
  HTMLAttributes<HTMLDivElement>,
  "className" | "children"
>) {
  const box = useRef<HTMLDivElement>(null);
  const hint = useId();
  const [edges, setEdges] = useState<Edges>({ left: false, right: false });

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      // A pixel's slack: zoomed pages scroll by fractions of one.
      const left = element.scrollLeft > 1;
      const right =
        element.scrollLeft < element.scrollWidth - element.clientWidth - 1;
      setEdges((seen) =>
        seen.left === left && seen.right === right ? seen : { left, right },
      );
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    element.addEventListener("scroll", schedule, { passive: true });
    const resized = new ResizeObserver(schedule);
    resized.observe(element);
    if (element.firstElementChild) resized.observe(element.firstElementChild);
    return () => {
      element.removeEventListener("scroll", schedule);
      resized.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);

  const scrolls = edges.left || edges.right;
  return (
    // The box's corners may inherit the card's round ones (rounded-[inherit]): this wrapper passes them on.
    <div className="rounded-[inherit]">
      {/* Over the box, where the table starts (on a long page its end may be thousands of pixels down), never over a
          row: shown only where the table scrolls at all (a phone), and kept in its place, invisible, once scrolled to
          the end, so nothing moves as the user scrolls. */}
      <span
        id={hint}
        hidden={!scrolls}
        className={cx(
          "mb-1 block px-2 text-right text-xs font-medium text-zinc-500",
          !edges.right && "invisible",
        )}
      >
        More columns<span aria-hidden="true"> →</span>
        <span className="sr-only"> (scroll sideways to see them)</span>
      </span>
      <div
        {...props}
        className={cx(
          // Its own stacking context: the fades lie over the table, never over the page's bars or menus.
          "relative isolate",
          // The edges' fades, which a click or a touch goes through.
          "before:pointer-events-none before:absolute before:inset-y-0 before:left-0 before:z-10 before:w-6 before:rounded-l-[inherit] before:bg-linear-to-r before:from-zinc-900/15 before:opacity-0 before:transition-opacity data-more-left:before:opacity-100",
          "after:pointer-events-none after:absolute after:inset-y-0 after:right-0 after:z-10 after:w-6 after:rounded-r-[inherit] after:bg-linear-to-l after:from-zinc-900/15 after:opacity-0 after:transition-opacity data-more-right:after:opacity-100",
          className,
        )}
        data-more-left={edges.left || undefined}
        data-more-right={edges.right || undefined}
      >
        <div
          ref={box}
          role="region"
          aria-label={label}
          aria-describedby={edges.right ? hint : undefined}
          tabIndex={scrolls ? 0 : undefined}
          className="relative overflow-x-auto rounded-[inherit] focus-visible:-outline-offset-2"
        >
          {children}
        </div>
      </div>
    </div>
  );
}
