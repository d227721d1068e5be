"use client";

import { useActionState } from "react";

/**
 * useActionState for the app's forms, with one rule for all of them: while
 * the next submission is pending, the previous outcome (an error, a success
 * message) is not shown — an old error beside a new attempt reads as its
 * answer. Returns [state to show, action, pending].
 */
export function useFormAction<State, Payload>(
  action: (state: Awaited<State>, payload: Payload) => State | Promise<State>,
  initialState: Awaited<State>,
) {
  const [state, dispatch, pending] = useActionState(action, initialState);
  return [pending ? initialState : state, dispatch, pending] as const;
}
