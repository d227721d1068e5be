"use client";

import { useActionState, useTransition, type FormEvent } from "react";

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

/**
 * A form's onSubmit that runs `action` itself instead of letting React
 * submit the form. React resets a form after its action: every uncontrolled
 * field goes back to its default, and a <select> — controlled or not — shows
 * its default option while the state (and the next submission) keeps the
 * user's choice. The form keeps `action={action}` for its submit button's
 * pending state (and a submission before hydration).
 */
export function useSubmitByHand(action: (data: FormData) => void) {
  const [, startTransition] = useTransition();
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  };
}
