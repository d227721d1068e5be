// The shape of an invitation token: 32 random bytes, base64url without
// padding, so exactly 43 characters of [A-Za-z0-9_-]. Pure, with no I/O, so
// middleware.ts can reject garbage before any database round trip.
export const INVITE_TOKEN_LENGTH = 43;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function isInviteTokenShape(token: string): boolean {
  // 43 base64url characters carry 258 bits; a canonical 32-byte encoding
  // leaves the last character's low 2 bits zero.
  return TOKEN_PATTERN.test(token) && "AEIMQUYcgkosw048".includes(token[42]!);
}
