import { describe, expect, it } from "vitest";
import { auditModule, membersModule, workspaceModule } from "@/lib/registry/core";
import { PERMISSION_DEFINITIONS } from "@/lib/registry";
import { PERMISSIONS, ROLES, allows, can, type Permission, type Role } from "./permissions";

// DESIGN.md's roles matrix, restated independently so a change to the code's
// table has to be a deliberate change here too. These are the foundation's
// permissions; a resource's test restates its own (npm run new:resource writes it).
const FOUNDATION = [workspaceModule, membersModule, auditModule].flatMap((m) => Object.keys(m.permissions)) as Permission[];
const EXPECTED: Partial<Record<Permission, Role[]>> = {
  "dashboard.read": ["owner", "admin", "auditor", "member"],
  "members.read": ["owner", "admin", "auditor", "member"],
  "audit.read": ["owner", "admin", "auditor"],
  "audit.export": ["owner", "admin", "auditor"],
  "apikeys.manage": ["owner", "admin"],
  "members.manage": ["owner", "admin"],
  "tenant.rename": ["owner"],
  "tenant.settings": ["owner"],
  "tenant.notes.read": ["owner", "admin"],
  "tenant.delete": ["owner"],
  "ownership.transfer": ["owner"],
};

describe("can(role, permission)", () => {
  it("covers exactly the foundation's permissions, all in the matrix", () => {
    expect([...FOUNDATION].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(PERMISSIONS).toEqual(expect.arrayContaining(FOUNDATION));
  });

  it.each(FOUNDATION.flatMap((p) => ROLES.map((r) => [r, p] as const)))("%s may %s only as the matrix says", (role, permission) => {
    expect(can(role, permission)).toBe(EXPECTED[permission]!.includes(role));
  });

  it("grants nothing without a role", () => {
    for (const p of PERMISSIONS) {
      expect(can(null, p)).toBe(false);
      expect(can(undefined, p)).toBe(false);
    }
  });
});

describe("allows(here, permission)", () => {
  const delegate = { role: "admin" as const, delegation: { viaTenantId: "p", viaTenantName: "Parent" } };
  const member = { role: "admin" as const, delegation: null };

  it("keeps from a delegate what only members use, whatever the delegated role, and gives the rest as the role does", () => {
    // Only members use these: an API key works where its user is a member; children are created from the workspace one belongs to.
    const membersOnly = PERMISSIONS.filter((p) => PERMISSION_DEFINITIONS[p].delegates === false).sort();
    expect(membersOnly).toEqual(["apikeys.create", "tenant.children.manage"]);
    for (const p of PERMISSIONS) {
      expect(allows(member, p)).toBe(can("admin", p));
      expect(allows(delegate, p)).toBe(can("admin", p) && !membersOnly.includes(p));
    }
    expect(allows({ role: null, delegation: null }, "dashboard.read")).toBe(false);
  });
});
