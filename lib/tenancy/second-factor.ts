import "server-only";
import { single, sql } from "@/lib/db";
import type { Credential } from "./resolve";

/**
 * Whether the request's session is one awaiting its second factor (started
 * less than 15 minutes ago). Such a session enters nothing — the database
 * refuses it as no session at all — so a page it reaches sends it to
 * /sign-in/two-factor instead of the sign-in form. Asked only of a session
 * that the entry found signed out.
 */
export async function awaitingSecondFactor(credential: Credential | null): Promise<boolean> {
  if (!credential) return false;
  const rows = await single<{ pending: boolean }>(sql`SELECT app_second_factor_pending(${credential.token}) AS pending`);
  return rows[0]?.pending === true;
}

export const SECOND_FACTOR_PATH = "/sign-in/two-factor";
