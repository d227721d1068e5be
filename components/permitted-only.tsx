"use client";

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import type { ActionResult, ActionState } from "@/lib/tenancy/client";
import { FormError, type Refusal } from "./form-error";
import { useFocusOn } from "./use-focus-on";

type Report = (refusal: Refusal | null) => void;

const RefusalOutlet = createContext<Report | null>(null);

/**
 * A form the page shows only with a permission (the invite form, to those
 * who manage members; the danger zone's delete, to owners). When a submission finds the permission gone — the
 * user's role was lowered since the page was shown — tenantAction refuses it
 * and renders the page again with the role as it is now, and the page leaves
 * the form out: the refusal would go with the form, in the same render that
 * brings it. So the form's action tells this wrapper of each refusal as it
 * returns (useReportedAction; every ConfirmAction's dialog does so itself),
 * and once the page no longer `allowed` the
 * form, its last refusal stays where the form was, and takes the focus the
 * form's button had.
 */
export function PermittedOnly({ allowed, children }: { allowed: boolean; children: ReactNode }) {
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  // Permitted again (another render): what was refused then is past.
  const [wasAllowed, setWasAllowed] = useState(allowed);
  if (wasAllowed !== allowed) {
    setWasAllowed(allowed);
    if (allowed) setRefusal(null);
  }
  const shown = allowed ? null : refusal;
  const focus = useFocusOn<HTMLDivElement>(shown);
  if (allowed) return <RefusalOutlet.Provider value={setRefusal}>{children}</RefusalOutlet.Provider>;
  return shown ? (
    <div ref={focus} tabIndex={-1} className="outline-none" data-testid="refused-form">
      <FormError refusal={shown} />
    </div>
  ) : null;
}

/**
 * A form's action that tells the enclosing PermittedOnly (if any) of its
 * outcome as soon as it returns, before the render it brings: a refusal to
 * hold, or none after a success.
 */
export function useReportedAction<T>(
  action: (state: ActionState<T>, formData: FormData) => Promise<ActionResult<T>>,
): (state: ActionState<T>, formData: FormData) => Promise<ActionResult<T>> {
  const report = useContext(RefusalOutlet);
  return useCallback(
    async (state: ActionState<T>, formData: FormData) => {
      const result = await action(state, formData);
      report?.(result.ok ? null : result);
      return result;
    },
    [action, report],
  );
}

/**
 * The enclosing PermittedOnly's report (a no-op outside one): a form that
 * stops showing its refusal without a new answer (a dialog closed) says so
 * with `null`.
 */
export function useRefusalReport(): Report {
  const report = useContext(RefusalOutlet);
  return useCallback((refusal: Refusal | null) => report?.(refusal), [report]);
}

/**
 * The refusal the form shows now: once it stops showing it (its notice went,
 * see useListNotice), the enclosing PermittedOnly no longer holds it either,
 * so a refusal the user no longer sees never comes back in the form's place.
 */
export function useShownRefusal(shown: Refusal | null): void {
  const report = useContext(RefusalOutlet);
  useEffect(() => {
    if (!shown) report?.(null);
  }, [report, shown]);
}
