"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { DomainError } from "@/lib/errors";
import { signOutOtherSessions, signOutSession, updateDisplayName } from "@/lib/profile";
import { userAction } from "@/lib/tenancy";
import { cancelEnrolment, confirmEnrolment, disableTwoFactor, regenerateRecoveryCodes, startEnrolment } from "@/lib/two-factor";
import { uuidSchema } from "@/lib/validation";

// The signed-in user's own account: no workspace is involved, so these are
// user actions (the session alone), and the page re-renders after each.
const PROFILE = "/app/profile";
const code = z.object({ code: z.string({ error: "Enter a code." }).max(64, "That is not a code.") });

export const updateNameAction = userAction({ schema: z.object({ name: z.string({ error: "Enter a name." }).max(1000) }) }, async (input, actor) => {
  const name = await updateDisplayName(actor, input.name);
  revalidatePath("/app", "layout");
  return { ok: true, data: { name }, message: name ? "Your name is saved." : "Your name is cleared." };
});

export const signOutSessionAction = userAction({ schema: z.object({ sessionId: uuidSchema("That session does not exist.") }) }, async (input, actor) => {
  try {
    await signOutSession(actor, input.sessionId);
  } catch (error) {
    // A session that had already ended: the list is rendered again without it, beside the refusal.
    if (error instanceof DomainError && error.code === "no_session") revalidatePath(PROFILE);
    throw error;
  }
  revalidatePath(PROFILE);
  return { ok: true, data: undefined, message: "That session is signed out." };
});

export const signOutOthersAction = userAction({ schema: z.object({}) }, async (_input, actor) => {
  const ended = await signOutOtherSessions(actor);
  revalidatePath(PROFILE);
  const message =
    ended === 0 ? "Your other sessions had already ended." : ended === 1 ? "1 other session was signed out." : `${ended} other sessions were signed out.`;
  return { ok: true, data: { ended }, message };
});

export const startTwoFactorAction = userAction({ schema: z.object({}) }, async (_input, actor) => {
  await startEnrolment(actor);
  revalidatePath(PROFILE);
  return { ok: true, data: undefined };
});

export const cancelTwoFactorAction = userAction({ schema: z.object({}) }, async (_input, actor) => {
  await cancelEnrolment(actor);
  revalidatePath(PROFILE);
  return { ok: true, data: undefined };
});

/** Confirms enrolment; the recovery codes come back once, in the answer, and are never shown again. */
export const confirmTwoFactorAction = userAction({ schema: code.extend({ enrolment: z.string().max(64).optional() }) }, async (input, actor) => {
  let recoveryCodes: string[];
  try {
    recoveryCodes = await confirmEnrolment(actor, input.code, undefined, input.enrolment);
  } catch (error) {
    // Set up again elsewhere, or cancelled there: the page is rendered again with what is true now.
    if (error instanceof DomainError && (error.code === "enrolment_replaced" || error.code === "no_enrolment")) revalidatePath(PROFILE);
    throw error;
  }
  revalidatePath(PROFILE);
  return { ok: true, data: { recoveryCodes }, message: "Two-factor authentication is on." };
});

export const regenerateRecoveryCodesAction = userAction({ schema: code }, async (input, actor) => {
  const recoveryCodes = await regenerateRecoveryCodes(actor, input.code);
  // The page's count of codes left is the new ones'.
  revalidatePath(PROFILE);
  return { ok: true, data: { recoveryCodes }, message: "New recovery codes: the old ones no longer work." };
});

export const disableTwoFactorAction = userAction({ schema: code }, async (input, actor) => {
  await disableTwoFactor(actor, input.code);
  revalidatePath(PROFILE);
  return { ok: true, data: undefined, message: "Two-factor authentication is off." };
});
