// "Your session has ended. Sign in again.": what every refusal of a request
// whose session is gone (signed out, expired, the account deactivated) says —
// the action wrappers, the database's entry refusals, the REST API. Its code
// travels with an action's refusal, so that a form can offer the way back
// (components/form-error.tsx links "Sign in again" to the sign-in page, and
// back to the page the form is on). No server state: client components may
// import it (through lib/tenancy/client.ts).

/** The refusal's code: in an ActionResult's `code` and a DomainError's. */
export const SIGNED_OUT_CODE = "signed_out";

/** The sentence, in the two parts a form shows: what happened, and what to do (the link). */
export const SIGNED_OUT_PARTS = { happened: "Your session has ended.", signIn: "Sign in again" } as const;

/** The refusal as one sentence: "Your session has ended. Sign in again." */
export const SIGNED_OUT = `${SIGNED_OUT_PARTS.happened} ${SIGNED_OUT_PARTS.signIn}.`;

/** Where "Sign in again" goes: the sign-in page, then back to `here` (a path with its query) once signed in. */
export function signInAgainHref(here: string | null | undefined): string {
  return here && here.startsWith("/") && !here.startsWith("//") ? `/sign-in?next=${encodeURIComponent(here)}` : "/sign-in";
}
