// The workspace hierarchy (seed 001's B2B2B): child workspaces of a parent,
// and acting in a descendant as a delegate of its ancestor's admins.
import { defineModule, str } from "@/lib/registry/define";

export const hierarchyModule = defineModule({
  name: "hierarchy",
  permissions: {
    /** Create child workspaces, and enter any descendant as a delegate. */
    // A delegate creates children from the workspace they belong to (lib/hierarchy/workspaces.ts refuses it here).
    "tenant.children.manage": { roles: ["owner", "admin"], label: "Create child workspaces and enter them as a delegate", href: "/app/hierarchy", delegates: false },
    /** What role (if any) the admins of the parent workspaces get here. */
    "tenant.delegation.manage": { roles: ["owner"], label: "Choose what access the parent workspace's admins have here", href: "/app/hierarchy" },
  },
  targetTypes: [],
  auditEvents: {
    "tenant.child.create": {
      label: "Child workspace created",
      describe: (m) => `Created the child workspace “${str(m.name)}” (${str(m.slug)})`,
    },
    "tenant.delegation.change": {
      label: "Delegated access changed",
      describe: (m) => `Changed what the parent workspace's admins get here from ${str(m.from) || "no access"} to ${str(m.to) || "no access"}`,
    },
    "tenant.delegate.act": {
      label: "Action in a child workspace",
      // The child's event in its own words (its details, as the child's log has them), or its name when they were too long to copy.
      describe: (m, log) => {
        const details = m.details && typeof m.details === "object" && !Array.isArray(m.details) ? (m.details as Record<string, unknown>) : null;
        const what = details && details.truncated !== true ? log.describe(str(m.action), details) : log.label(str(m.action));
        return `In the child workspace “${str(m.tenant_name)}”, as a delegate (${str(m.role)}): ${what}`;
      },
    },
  },
});
