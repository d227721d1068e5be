"use server";

import { AuthError } from "next-auth";
import { refresh } from "next/cache";
import { cookies } from "next/headers";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { CHECK_EMAIL_PATH, LINK_SENT_TO_COOKIE, linkSentToCookieOptions } from "@/app/sign-in/link-sent";
import { signIn } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { limitSignInLink } from "@/lib/rate-limit";
import { tenantAction } from "@/lib/tenancy";
import {
  acceptTransfer,
  acceptTransferSchema,
  cancelTransfer,
  confirmTransfer,
  confirmTransferSchema,
  finalConfirmTransfer,
  resendTransferConfirmation,
  startTransfer,
  startTransferSchema,
  TRANSFER_PAGE,
  transferIdSchema,
} from "@/lib/transfer";

// Who may take which step is the lib's (and the database's) to say: the
// permission here is the least a caller needs — owners start, confirm and
// give the final confirmation; any member may be the new owner who accepts,
// or a party who cancels.

/**
 * A step that needs a fresh sign-in, refused because the sign-in is no longer
 * fresh: the page renders again, and offers "Email me a sign-in link" in the
 * step's place rather than go on showing time left that is gone.
 */
async function refreshedWhenStale<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    if (error instanceof DomainError && error.code === "reauth_required") refresh();
    throw error;
  }
}

/** Step 1, after a fresh sign-in: emails the owner the confirmation link (the page then says where it went). */
export const startTransferAction = tenantAction({ schema: startTransferSchema, permission: "ownership.transfer" }, async (input, ctx) => {
  const started = await refreshedWhenStale(startTransfer(ctx, input));
  redirect(`${TRANSFER_PAGE}?step=${started.emailDispatched ? "started" : "unsent"}`);
});

/** Step 2's link again, if the email did not arrive. */
export const resendTransferConfirmationAction = tenantAction({ schema: transferIdSchema, permission: "ownership.transfer" }, async (input, ctx) => {
  const sent = await resendTransferConfirmation(ctx, input);
  redirect(`${TRANSFER_PAGE}?step=${sent.emailDispatched ? "resent" : "unsent"}`);
});

/** Step 2: the emailed link's page posts here. */
export const confirmTransferAction = tenantAction({ schema: confirmTransferSchema, permission: "ownership.transfer" }, async (input, ctx) => {
  await confirmTransfer(ctx, input);
  redirect(`${TRANSFER_PAGE}?step=confirmed`);
});

/** Step 3: "this is irreversible" — the cooling period begins. */
export const finalConfirmTransferAction = tenantAction({ schema: transferIdSchema, permission: "ownership.transfer" }, async (input, ctx) => {
  await finalConfirmTransfer(ctx, input);
  redirect(`${TRANSFER_PAGE}?step=cooling`);
});

/** Steps 5 and 6: the new owner accepts and becomes an owner. */
export const acceptTransferAction = tenantAction({ schema: acceptTransferSchema, permission: "dashboard.read" }, async (input, ctx) => {
  await refreshedWhenStale(acceptTransfer(ctx, input));
  redirect(`${TRANSFER_PAGE}?step=completed`);
});

export const cancelTransferAction = tenantAction({ schema: transferIdSchema, permission: "dashboard.read" }, async (input, ctx) => {
  await cancelTransfer(ctx, input);
  redirect(`${TRANSFER_PAGE}?step=cancelled`);
});

/**
 * A fresh sign-in for the steps that need one: a new magic link to one's own
 * address, back to this page. Then on to the page that says to check the
 * inbox, naming the address, as the sign-in form's link does.
 */
export const signInAgainAction = tenantAction({ schema: z.object({}), permission: "dashboard.read" }, async (_input, ctx) => {
  await limitSignInLink(ctx.user.email, ctx.request.ip);
  try {
    await signIn("email", { email: ctx.user.email, redirectTo: TRANSFER_PAGE, redirect: false });
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof AuthError) return { ok: false, error: "We could not send the sign-in email just now. Try again in a moment." };
    throw error;
  }
  (await cookies()).set(LINK_SENT_TO_COOKIE, ctx.user.email, linkSentToCookieOptions());
  redirect(CHECK_EMAIL_PATH);
});
