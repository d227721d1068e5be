// "You left Acme.": the page one lands on after leaving a workspace says so.
// The name travels in the URL (`?left=`), so a link anyone can send must not
// make the app say it: the value is the name sealed with an HMAC (keyed from
// AUTH_SECRET, for this purpose only) over the user's id, made by the leave
// action. A crafted value, or another person's, is as if absent.
import { createHmac, timingSafeEqual } from "node:crypto";
import { seenWorkspaceSecret } from "./seen-workspace";

const MAX_NAME = 200;

function mac(secret: string, userId: string, payload: string): string {
  const key = createHmac("sha256", secret).update("tenantry:left-workspace").digest();
  return createHmac("sha256", key).update(`${userId}\0${payload}`).digest("base64url");
}

/** The `left` value saying `userId` left the workspace named `name`; null with no secret configured. */
export function sealLeftWorkspace(userId: string, name: string, secret = seenWorkspaceSecret()): string | null {
  if (!secret) return null;
  const payload = Buffer.from(name.slice(0, MAX_NAME), "utf8").toString("base64url");
  return `${payload}.${mac(secret, userId, payload)}`;
}

/** The name a `left` value carries, if it was sealed for this user; anything else is null. */
export function openLeftWorkspace(userId: string, value: string | string[] | undefined, secret = seenWorkspaceSecret()): string | null {
  const given = Array.isArray(value) ? value[0] : value;
  if (!secret || !given || given.length > 1024) return null;
  const [payload, tag, extra] = given.split(".");
  if (!payload || !tag || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, userId, payload));
  const actual = Buffer.from(tag);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  return Buffer.from(payload, "base64url").toString("utf8") || null;
}
