// The API key's format (issue 12): `tnty_`, 32 random bytes in base62 (43
// characters) and their CRC32 in base62 (6 characters) — a recognisable
// prefix and a checksum, as GitHub's tokens have, so secret scanners find a
// leaked key and a mistyped one is refused before any database work.
import { crc32 } from "node:zlib";
import { randomBytes } from "node:crypto";

export const API_KEY_PREFIX = "tnty_";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 43; // 62^43 > 2^256
const CHECK_LENGTH = 6; // 62^6 > 2^32
export const API_KEY_LENGTH = API_KEY_PREFIX.length + BODY_LENGTH + CHECK_LENGTH;
/** How many characters of a key are kept and shown to tell keys apart. */
export const API_KEY_VISIBLE = API_KEY_PREFIX.length + 8;
const SHAPE = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECK_LENGTH}}$`);

function base62(value: bigint, width: number): string {
  let out = "";
  while (value > 0n) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(width, "0");
}

const checksum = (body: string) => base62(BigInt(crc32(body)), CHECK_LENGTH);

/** A new key, from 32 random bytes (or the ones given, for tests). */
export function mintApiKey(bytes: Uint8Array = randomBytes(32)): string {
  const body = base62(BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`), BODY_LENGTH);
  return `${API_KEY_PREFIX}${body}${checksum(body)}`;
}

/** Whether a string has a key's shape and a matching checksum (no I/O). */
export function isWellFormedApiKey(candidate: string): boolean {
  if (!SHAPE.test(candidate)) return false;
  const body = candidate.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_LENGTH);
  return candidate.slice(-CHECK_LENGTH) === checksum(body);
}

/** The visible part stored beside the hash and shown in lists. */
export const apiKeyPrefix = (key: string): string => key.slice(0, API_KEY_VISIBLE);
