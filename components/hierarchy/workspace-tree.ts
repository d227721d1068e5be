/** A switcher entry's place in the hierarchy: children nested under their parent when both are listed. */
export interface TreeItem {
  id: string;
  parentId?: string | null;
}

/**
 * Orders the list as a tree — each workspace followed by the listed ones under
 * it, at one more level of indentation; a workspace whose parent is not
 * listed is a root — keeping the given order among siblings.
 */
export function nestWorkspaces<T extends TreeItem>(items: readonly T[]): Array<{ item: T; depth: number }> {
  const ids = new Set(items.map((i) => i.id));
  const children = new Map<string | null, T[]>();
  for (const item of items) {
    const parent = item.parentId && ids.has(item.parentId) && item.parentId !== item.id ? item.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), item]);
  }
  const out: Array<{ item: T; depth: number }> = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const item of children.get(parent) ?? []) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      out.push({ item, depth });
      walk(item.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
