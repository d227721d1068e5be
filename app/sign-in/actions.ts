"use server";

import { AuthError } from "next-auth";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { signIn, signOut } from "@/lib/auth";
import { limitSignInLink } from "@/lib/rate-limit";
import { currentRequestInfo, failureFrom, formDataToObject, validationFailure, type ActionResult, type ActionState } from "@/lib/tenancy";
import { safeNextPath } from "@/lib/urls";
import { emailSchema } from "@/lib/validation";

const schema = z.object({ email: emailSchema, next: z.string().max(2048).optional() });

export async function requestMagicLink(_prev: ActionState, formData: FormData): Promise<ActionResult> {
  const parsed = schema.safeParse(formDataToObject(formData));
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

export async function signInWithGitHub(formData: FormData) {
  const next = formData.get("next");
  await signIn("github", { redirectTo: safeNextPath(typeof next === "string" ? next : null) });
}

/** Signs out so another address can sign in, keeping where they were headed (an invitation link, say). */
export async function signOutForSwitch(formData: FormData) {
  const next = formData.get("next");
  const keep = typeof next === "string" && safeNextPath(next, "") ? `?next=${encodeURIComponent(next)}` : "";
  await signOut({ redirectTo: `/sign-in${keep}` });
}
