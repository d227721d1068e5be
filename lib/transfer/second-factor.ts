// The second factor a transfer's two signed steps ask for (seed 001: "password
// + TOTP"; here a fresh sign-in + TOTP), behind a small interface.
//
// WIRING POINT for two-factor (lib/two-factor.ts, another branch): replace
// `secondFactor` below with
//   { isEnabled: hasTwoFactor, verify: verifySecondFactor }
// Until then no user has a second factor and none is asked for. Tests pass
// their own implementation (startTransfer/acceptTransfer take `secondFactor`).

export interface SecondFactor {
  /** Whether the user has a second factor enrolled (then every signed step asks for a code). */
  isEnabled(userId: string): Promise<boolean>;
  /** Whether `code` is a valid code (or unused recovery code) of the user's second factor. */
  verify(userId: string, code: string): Promise<boolean>;
}

export const secondFactor: SecondFactor = {
  isEnabled: async () => false,
  verify: async () => false,
};
