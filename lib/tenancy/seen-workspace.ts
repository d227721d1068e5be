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
  /**
   * The ancestor's name when the user was in it as a delegate, no member of
   * it: losing it then means the delegated access ended (turned off, their
   * role in the ancestor changed) rather than a removal.
   */
  via?: string;
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
  const fields = [workspace.tenantId, workspace.name.slice(0, MAX_NAME), ...(workspace.via ? [workspace.via.slice(0, MAX_NAME)] : [])];
  const payload = Buffer.from(JSON.stringify(fields)).toString("base64url");
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
    if (!Array.isArray(parsed) || (parsed.length !== 2 && parsed.length !== 3) || !parsed.every((field) => typeof field === "string")) return null;
    const [tenantId, name, via] = parsed as string[];
    return via === undefined ? { tenantId: tenantId!, name: name! } : { tenantId: tenantId!, name: name!, via };
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

/** The workspace a page shows, as its receipt records it: `via` names the ancestor when the user is in it as a delegate. */
export interface ShownWorkspace {
  id: string;
  name: string;
  via?: string | null;
}

/**
 * Compares the receipt with what this request resolved: `current` is the
 * workspace the page shows (null on onboarding), `memberships` every
 * workspace the user still belongs to, or may enter as a delegate.
 */
export function judgeSeenWorkspace(seen: SeenWorkspace | null, current: ShownWorkspace | null, memberships: ReadonlyArray<{ tenantId: string }>): SeenWorkspaceVerdict {
  const lost = seen && !memberships.some((m) => m.tenantId === seen.tenantId) ? seen : null;
  const same = (shown: ShownWorkspace) =>
    seen !== null &&
    seen.tenantId === shown.id &&
    seen.name === shown.name.slice(0, MAX_NAME) &&
    (seen.via ?? null) === (shown.via ? shown.via.slice(0, MAX_NAME) : null);
  const renew = current ? !same(current) : seen !== null;
  return { lost, renew };
}

/**
 * What is said of a workspace lost since it was last shown, with `name` to
 * set off the workspaces' names (bold on a page, as they are in text): "You
 * no longer have access to Acme: you were removed from it, or it was
 * deleted." — or, for one the user was in as a delegate (no one removed them;
 * the access their role in the ancestor gave ended), "You can no longer
 * enter Customer as a delegate of Reseller: delegated access was turned off,
 * your role in Reseller changed, or Customer was deleted." The
 * lost-workspace notice and tenantAction's refusal of a form of that
 * workspace both say it so.
 */
export function lostWorkspaceSentence<N>(lost: SeenWorkspace, name: (text: string) => N): Array<string | N> {
  if (lost.via) {
    return [
      "You can no longer enter ",
      name(lost.name),
      " as a delegate of ",
      name(lost.via),
      `: delegated access was turned off, your role in ${lost.via} changed, or ${lost.name} was deleted.`,
    ];
  }
  return ["You no longer have access to ", name(lost.name), ": you were removed from it, or it was deleted."];
}

/** The secret the receipt is sealed with; none configured means no receipts (and no notices). */
export function seenWorkspaceSecret(): string | null {
  return process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET || null;
}
