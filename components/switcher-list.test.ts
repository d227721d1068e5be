import { describe, expect, it } from "vitest";
import { SWITCHER_INLINE_LIMIT, switcherList } from "@/components/switcher-list";
import type { Membership } from "@/lib/tenancy";

function memberships(n: number): Membership[] {
  return Array.from({ length: n }, (_, i) => ({
    tenantId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    tenantName: `Workspace ${i}`,
    tenantSlug: `workspace-${i}`,
    role: "member",
    status: "active",
    accent: null,
    logoVersion: null,
  }));
}

describe("switcherList", () => {
  it("carries the list with the page up to the limit, and none of it beyond", () => {
    const atLimit = switcherList(memberships(SWITCHER_INLINE_LIMIT));
    expect(atLimit.workspaces).toHaveLength(SWITCHER_INLINE_LIMIT);
    expect(atLimit.total).toBe(SWITCHER_INLINE_LIMIT);

    const beyond = switcherList(memberships(SWITCHER_INLINE_LIMIT + 1));
    expect(beyond.workspaces).toBeNull();
    expect(beyond.total).toBe(SWITCHER_INLINE_LIMIT + 1);
  });

  it("lists only what differs from the usual: a parent, a delegation", () => {
    const [plain, child, delegated] = memberships(3);
    const { workspaces } = switcherList([
      plain!,
      { ...child!, parentId: plain!.tenantId },
      { ...delegated!, parentId: child!.tenantId, delegatedVia: plain!.tenantId, delegatedViaName: "Workspace 0" },
    ]);
    expect(workspaces).toEqual([
      { id: plain!.tenantId, name: "Workspace 0", role: "member" },
      { id: child!.tenantId, name: "Workspace 1", role: "member", parentId: plain!.tenantId },
      { id: delegated!.tenantId, name: "Workspace 2", role: "member", parentId: child!.tenantId, delegate: true },
    ]);
  });

  it("names a list it does not carry by a version that changes with any change a loaded list would miss", () => {
    const base = memberships(SWITCHER_INLINE_LIMIT + 5);
    const version = switcherList(base).version;
    expect(switcherList(memberships(SWITCHER_INLINE_LIMIT + 5)).version).toBe(version);

    const changed: Membership[][] = [
      base.slice(1), // left one
      [...base, ...memberships(SWITCHER_INLINE_LIMIT + 6).slice(-1)], // joined one
      base.map((m, i) => (i === 3 ? { ...m, tenantName: "Renamed" } : m)),
      base.map((m, i) => (i === 3 ? { ...m, role: "admin" as const } : m)),
      base.map((m, i) => (i === 3 ? { ...m, parentId: base[0]!.tenantId } : m)),
      base.map((m, i) => (i === 3 ? { ...m, delegatedVia: base[0]!.tenantId } : m)),
    ];
    for (const list of changed) expect(switcherList(list).version).not.toBe(version);
  });
});
