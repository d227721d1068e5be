"use server";

import { AuthError } from "next-auth";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { signIn, signOut } from "@/lib/auth";
import { limitSignInLink } from "@/lib/rate-limit";
import { currentRequestInfo, failureFrom, readForm, validationFailure, type ActionResult, type ActionState } from "@/lib/tenancy";
import { safeNextPath } from "@/lib/urls";
import { emailSchema } from "@/lib/validation";

const schema = z.object({ email: emailSchema, next: z.string().max(2048).optional() });

export async function requestMagicLink(_prev: ActionState, formData: FormData): Promise<ActionResult> {
  const form = readForm(formData);
  if (!form.ok) return form.refusal;
  const parsed = schema.safeParse(form.fields);
  if (!parsed.success) return validationFailure(parsed.error);
  try {
    await limitSignInLink(parsed.data.email, (await currentRequestInfo()).ip);
    await signIn("email", { email: parsed.data.email, redirectTo: safeNextPath(parsed.data.next) });
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof AuthError) {
      console.error("[sign-in] magic link not sent", error);
      return { ok: false, error: "We could not send the sign-in email just now. Try again in a moment." };
    }
    return failureFrom(error);
  }
  return { ok: true, data: undefined };
}

// These two are plain form actions, with no form state to show an error in:
// what is not a form, or holds a NUL byte, does nothing at all.

export async function signInWithGitHub(formData: FormData) {
  const form = readForm(formData);
  if (!form.ok) return;
  await signIn("github", { redirectTo: safeNextPath(form.fields.next) });
}

/** Signs out so another address can sign in, keeping where they were headed (an invitation link, say). */
export async function signOutForSwitch(formData: FormData) {
  const form = readForm(formData);
  if (!form.ok) return;
  const next = safeNextPath(form.fields.next, "");
  await signOut({ redirectTo: next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in" });
}
