// API keys (issue 12): personal keys of one user in one workspace, for the
// REST API under /api/v1. Registered in lib/registry/index.ts.
import { defineModule, str } from "@/lib/registry/define";

const scopeText = (v: unknown) => (v === "read" ? "read-only" : v === "read_write" ? "read and write" : "?");

export const apiKeysModule = defineModule({
  name: "api-keys",
  // apikeys.manage (owners and admins see and revoke every key) is the workspace module's (lib/registry/core.ts).
  permissions: {
    // A key is its user's in a workspace they belong to (the API enters with it there); a delegate acts in a child
    // with a key of the parent workspace and X-Act-As-Tenant, so creates none in the child.
    "apikeys.create": {
      roles: ["owner", "admin", "auditor", "member"],
      label: "Create, see and revoke your own API keys",
      href: "/app/settings/api-keys",
      delegates: false,
    },
  },
  targetTypes: ["api_key"],
  nav: [{ href: "/app/settings/api-keys", label: "API keys", permission: "apikeys.create" }],
  auditEvents: {
    "apikey.create": {
      label: "API key created",
      describe: (m) => `Created the ${scopeText(m.scope)} API key “${str(m.name)}” (${str(m.prefix)}…), expiring ${str(m.expires_at).slice(0, 10)}`,
    },
    "apikey.revoke": {
      label: "API key revoked",
      describe: (m) => `Revoked the API key “${str(m.name)}” (${str(m.prefix)}…)${m.owner_email ? ` of ${str(m.owner_email)}` : ""}`,
    },
    "apikey.first_use": { label: "API key first used", describe: (m) => `Used a ${scopeText(m.scope)} API key for the first time` },
  },
});
