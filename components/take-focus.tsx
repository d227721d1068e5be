"use client";

import type { ReactNode } from "react";
import { useFocusOn } from "@/components/use-focus-on";

/**
 * Takes the focus when it is shown: for a notice a page arrives with after an
 * action whose button went away with the page it was on (useFocusOn).
 */
export function TakeFocus({ children }: { children: ReactNode }) {
  const ref = useFocusOn<HTMLDivElement>(true);
  return (
    <div ref={ref} tabIndex={-1} className="outline-none">
      {children}
    </div>
  );
}
