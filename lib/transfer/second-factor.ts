// The second factor a transfer's two signed steps ask for (seed 001: "password
// + TOTP"; here a fresh sign-in + the user's second factor), behind a small
// interface: lib/two-factor.ts's hasTwoFactor and verifySecondFactor, called
// inside the step's transaction (entered with the user's own session, as
// they require). Tests pass their own implementation (startTransfer and
// acceptTransfer take `secondFactor`).
import type { Tx } from "@/lib/db";
import { hasTwoFactor, verifySecondFactor } from "@/lib/two-factor";

export interface SecondFactor {
  /** Whether the user has a second factor enabled (then every signed step asks for a code). */
  isEnabled(tx: Tx, userId: string): Promise<boolean>;
  /** Whether `code` is a current code (or an unused recovery code, then used up) of the user's second factor. */
  verify(tx: Tx, userId: string, code: string): Promise<boolean>;
}

export const secondFactor: SecondFactor = {
  isEnabled: hasTwoFactor,
  verify: (tx, userId, code) => verifySecondFactor(tx, userId, code),
};
