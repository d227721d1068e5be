import "server-only";
import { createHash } from "node:crypto";
import type { SwitcherWorkspace } from "@/components/workspace-switcher";
import type { Membership } from "@/lib/tenancy";

/**
 * Up to this many workspaces, the switcher's list travels with every page
 * (about 100 bytes each); beyond, the page carries none of it and the
 * switcher asks for the list when it is about to open (listSwitcherWorkspaces).
 * A user of 500 workspaces would otherwise carry ~50 KB in every page for a
 * list shown only when the switcher opens.
 */
export const SWITCHER_INLINE_LIMIT = 50;

/**
 * A membership as the switcher lists it. Only what differs from the usual
 * (a parent, a delegation) is set: the list is sent to the browser.
 */
export function switcherEntry(m: Membership): SwitcherWorkspace {
  const entry: SwitcherWorkspace = { id: m.tenantId, name: m.tenantName, role: m.role };
  if (m.parentId) entry.parentId = m.parentId;
  if (m.delegatedVia) entry.delegate = true;
  return entry;
}

/**
 * What a page gives the switcher: the list itself when it is short; else
 * its size and a digest of it. The page keys the switcher by the digest, so
 * a list loaded earlier is dropped as soon as a page shows the memberships
 * changed (a workspace joined, left, renamed, a role changed).
 */
export function switcherList(memberships: readonly Membership[]): { workspaces: SwitcherWorkspace[] | null; total: number; version: string } {
  const entries = memberships.map(switcherEntry);
  if (entries.length <= SWITCHER_INLINE_LIMIT) return { workspaces: entries, total: entries.length, version: "inline" };
  const digest = createHash("sha256");
  for (const e of entries) digest.update(`${e.id}\u0000${e.name}\u0000${e.role}\u0000${e.parentId ?? ""}\u0000${e.delegate ? 1 : 0}\u0001`);
  return { workspaces: null, total: entries.length, version: digest.digest("base64url").slice(0, 16) };
}
