import { createHmac, timingSafeEqual } from "node:crypto";

// Signed cursors: what a list's next page starts after, in text the client
// carries back unchanged. Signed (HMAC with AUTH_SECRET, under a purpose of
// their own) so that a hand-edited cursor, or one made for another list, is
// refused rather than trusted. The audit log's cursors (lib/audit/cursor.ts)
// and the API's keyset cursors (lib/api/keyset.ts) are these.

const secret = () => process.env.AUTH_SECRET || "tenantry-development-cursor-key";
const sign = (purpose: string, payload: string) => createHmac("sha256", secret()).update(`${purpose}:${payload}`).digest().subarray(0, 16);

/** `text` as a cursor: its base64url, a dot, and its signature for `purpose`. */
export function sealCursor(purpose: string, text: string): string {
  const payload = Buffer.from(text).toString("base64url");
  return `${payload}.${sign(purpose, payload).toString("base64url")}`;
}

/** The text a cursor sealed for `purpose` holds; null for anything else (malformed, edited, another purpose's, over 200 characters). */
export function openCursor(purpose: string, value: string): string | null {
  const [payload, signature, extra] = value.split(".");
  if (!payload || !signature || extra !== undefined || value.length > 200) return null;
  const expected = sign(purpose, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return Buffer.from(payload, "base64url").toString();
}
