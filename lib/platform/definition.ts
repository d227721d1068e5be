// The platform administrators' module (seeds 001, 002, 003): no permission of
// a workspace role (platform administrators are a flag on the user, set by an
// operator), and the audit events their visits and changes leave in a
// workspace's own log. Registered in lib/registry/index.ts.
import { defineModule, str } from "@/lib/registry/define";

/** What a cross-view visit looked at (app_enter_cross_view's area), as its sentence names it. */
export const CROSS_VIEW_AREAS = {
  overview: "the workspace overview (members, usage and audit log)",
  members: "members",
  audit: "the audit log",
} as const;
export type CrossViewArea = keyof typeof CROSS_VIEW_AREAS;

export const platformModule = defineModule({
  name: "platform",
  permissions: {},
  targetTypes: ["plan"],
  auditEvents: {
    "platform.cross_view": {
      label: "Viewed by a platform admin",
      describe: (m) => `Platform admin ${str(m.admin)} viewed ${CROSS_VIEW_AREAS[str(m.area) as CrossViewArea] ?? str(m.area)} (read-only)`,
    },
    "plan.change": {
      label: "Plan changed",
      // Events written since the plans' names are in their metadata name them; earlier ones, their ids.
      describe: (m) => `The platform moved this workspace from the ${str(m.from_name) || str(m.from)} plan to the ${str(m.to_name) || str(m.to)} plan`,
    },
  },
});
