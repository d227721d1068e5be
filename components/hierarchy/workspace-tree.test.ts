import { describe, expect, it } from "vitest";
import { nestWorkspaces } from "./workspace-tree";

const names = (items: Array<{ item: { id: string }; depth: number }>) => items.map(({ item, depth }) => `${"  ".repeat(depth)}${item.id}`);

describe("nestWorkspaces: the switcher's tree", () => {
  it("puts each child under its parent, at any depth, keeping the given order among siblings", () => {
    const list = [
      { id: "acme", parentId: null },
      { id: "zeta", parentId: null },
      { id: "customer-b", parentId: "acme" },
      { id: "customer-a", parentId: "acme" },
      { id: "sub", parentId: "customer-b" },
    ];
    expect(names(nestWorkspaces(list))).toEqual(["acme", "  customer-b", "    sub", "  customer-a", "zeta"]);
  });

  it("shows a workspace whose parent is not listed as a root, and survives a self-reference", () => {
    expect(names(nestWorkspaces([{ id: "orphan", parentId: "gone" }, { id: "self", parentId: "self" }]))).toEqual(["orphan", "self"]);
  });
});
