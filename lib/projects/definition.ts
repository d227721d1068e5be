// Projects: who may do what, how the audit log reads, where the sidebar
// links. Registered by one line in lib/registry/index.ts. The roles here and
// role_permissions in the migration (projects) must agree
// (prisma/roles-matrix.test.ts): change both together, in a new migration.
import { defineModule, str, type AuditMetadata } from "@/lib/registry/define";

/** What a project.update changed: its name, its description, or both. */
function updateSentence(m: AuditMetadata): string {
  const renamed = typeof m.from === "string" && typeof m.to === "string" && m.from !== m.to;
  const described = m.description_changed === true;
  const name = str(renamed ? m.to : m.name);
  if (renamed && described) return `Renamed the project “${str(m.from)}” to “${name}” and changed its description`;
  if (renamed) return `Renamed the project “${str(m.from)}” to “${name}”`;
  return `Changed the description of the project “${name}”`;
}

export const projectsModule = defineModule({
  name: "projects",
  permissions: {
    "projects.read": { roles: ["owner", "admin", "auditor", "member"], label: "See the workspace's projects", href: "/app/projects" },
    "projects.manage": { roles: ["owner", "admin", "member"], label: "Create, edit, archive and delete projects", href: "/app/projects" },
  },
  targetTypes: ["project"],
  auditEvents: {
    "project.create": { label: "Project created", describe: (m) => `Created the project “${str(m.name)}”` },
    "project.update": { label: "Project edited", describe: updateSentence },
    "project.archive": { label: "Project archived", describe: (m) => `Archived the project “${str(m.name)}”` },
    "project.unarchive": { label: "Project unarchived", describe: (m) => `Brought the project “${str(m.name)}” back from the archive` },
    "project.delete": { label: "Project deleted", describe: (m) => `Deleted the project “${str(m.name)}”` },
  },
  nav: [{ href: "/app/projects", label: "Projects", permission: "projects.read" }],
});
