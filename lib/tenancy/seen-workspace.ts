// "You no longer have access to Acme": how the app tells a member, on their
// next page, that the workspace they were last shown is gone from their list.
//
// Once a member is removed (or the workspace deleted), nothing of it is
// readable to them under RLS any more, not even its name, and app_enter
// quietly falls back to another workspace or to onboarding. So the browser
// keeps a receipt of the last workspace a page showed it: its id and name,
// sealed with an HMAC (keyed from AUTH_SECRET) over the signed-in user's id,
// so it cannot be forged to say something else, nor read back by another
// account signed in on the same browser. A page whose memberships no longer
// list the receipt's workspace says so; the page then renews the receipt
// (POST /app/workspace-seen), so the notice is shown once.
//
// Leaving a workspace or deleting it clears the receipt: those are one's own
// doing and need no notice.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SEEN_WORKSPACE_COOKIE = "prom_seen";

export interface SeenWorkspace {
  tenantId: string;
  name: string;
}

const MAX_NAME = 200;

function key(secret: string): Buffer {
  // A key of its own, derived from the app's secret, for this one purpose.
  return createHmac("sha256", secret).update("tenantry:seen-workspace").digest();
}

function mac(secret: string, userId: string, payload: string): string {
  return createHmac("sha256", key(secret)).update(`${userId}\0${payload}`).digest("base64url");
}

/** The cookie value naming `workspace` as the last one `userId` was shown. */
export function sealSeenWorkspace(secret: string, userId: string, workspace: SeenWorkspace): string {
  const payload = Buffer.from(JSON.stringify([workspace.tenantId, workspace.name.slice(0, MAX_NAME)])).toString("base64url");
  return `${payload}.${mac(secret, userId, payload)}`;
}

/** The workspace a cookie names, if it was sealed for this user with this secret; anything else is as if absent. */
export function openSeenWorkspace(secret: string, userId: string, value: string | null | undefined): SeenWorkspace | null {
  if (!value || value.length > 1024) return null;
  const [payload, tag, extra] = value.split(".");
  if (!payload || !tag || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, userId, payload));
  const given = Buffer.from(tag);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== "string" || typeof parsed[1] !== "string") return null;
    return { tenantId: parsed[0], name: parsed[1] };
  } catch {
    return null;
  }
}

export interface SeenWorkspaceVerdict {
  /** The workspace the user was last shown and no longer belongs to (removed, or it was deleted), to be told about. */
  lost: SeenWorkspace | null;
  /** Whether the receipt should be renewed: it names another workspace than the one shown now, or an old name. */
  renew: boolean;
}

/**
 * Compares the receipt with what this request resolved: `current` is the
 * workspace the page shows (null on onboarding), `memberships` every
 * workspace the user still belongs to.
 */
export function judgeSeenWorkspace(
  seen: SeenWorkspace | null,
  current: { id: string; name: string } | null,
  memberships: ReadonlyArray<{ tenantId: string }>,
): SeenWorkspaceVerdict {
  const lost = seen && !memberships.some((m) => m.tenantId === seen.tenantId) ? seen : null;
  const renew = current ? !(seen && seen.tenantId === current.id && seen.name === current.name.slice(0, MAX_NAME)) : seen !== null;
  return { lost, renew };
}

/** The secret the receipt is sealed with; none configured means no receipts (and no notices). */
export function seenWorkspaceSecret(): string | null {
  return process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET || null;
}
