"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { currentRequest, publicAction } from "@/lib/tenancy";
import { completeSecondFactor, SECOND_FACTOR_MESSAGES } from "@/lib/two-factor";
import { safeNextPath } from "@/lib/urls";

/**
 * The second step of a sign-in with two-factor on: the session the magic link
 * created awaits a code and enters nothing until it is accepted. Public, as
 * such a session is no signed-in user yet; its token is its only proof.
 */
export const verifySignInCodeAction = publicAction(
  {
    schema: z.object({
      code: z.string({ error: "Enter a code." }).trim().min(1, "Enter a code.").max(64, "That is not a code."),
      // Where the sign-in was headed (an invitation link, say); checked by safeNextPath.
      next: z.string().max(2048).optional(),
    }),
  },
  async (input) => {
    const { credential } = await currentRequest();
    if (!credential) return { ok: false, error: SECOND_FACTOR_MESSAGES.expired };
    const outcome = await completeSecondFactor(credential, input.code);
    if (!outcome.ok) return { ok: false, error: SECOND_FACTOR_MESSAGES[outcome.reason], fieldErrors: outcome.reason === "wrong_code" ? { code: SECOND_FACTOR_MESSAGES.wrong_code } : undefined };
    redirect(safeNextPath(input.next));
  },
);
