// Projects: who may do what, how the audit log reads, where the sidebar
// links. Registered by one line in lib/registry/index.ts. The roles here and
// role_permissions in the migration (projects) must agree
// (prisma/roles-matrix.test.ts): change both together, in a new migration.
import { defineModule, str } from "@/lib/registry/define";

export const projectsModule = defineModule({
  name: "projects",
  permissions: {
    "projects.read": { roles: ["owner", "admin", "auditor", "member"], label: "See the workspace's projects" },
    "projects.manage": { roles: ["owner", "admin", "member"], label: "Create, rename and delete projects" },
  },
  targetTypes: ["project"],
  auditEvents: {
    "project.create": { label: "Project created", describe: (m) => `Created the project “${str(m.name)}”` },
    "project.update": {
      label: "Project renamed",
      describe: (m) => `Renamed the project “${str(m.from)}” to “${str(m.to)}”`,
    },
    "project.delete": { label: "Project deleted", describe: (m) => `Deleted the project “${str(m.name)}”` },
  },
  nav: [{ href: "/app/projects", label: "Projects", permission: "projects.read" }],
});
