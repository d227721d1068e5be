import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLES, can, type Permission, type Role } from "./permissions";

// DESIGN.md's roles matrix, restated independently so a change to the code's
// table has to be a deliberate change here too.
const EXPECTED: Record<Permission, Role[]> = {
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
  "tenant.children.manage": ["owner", "admin"],
  "tenant.delegation.manage": ["owner"],
};

describe("can(role, permission)", () => {
  it("covers exactly the permissions of the matrix", () => {
    expect([...PERMISSIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(PERMISSIONS.flatMap((p) => ROLES.map((r) => [r, p] as const)))("%s may %s only as the matrix says", (role, permission) => {
    expect(can(role, permission)).toBe(EXPECTED[permission].includes(role));
  });

  it("grants nothing without a role", () => {
    for (const p of PERMISSIONS) {
      expect(can(null, p)).toBe(false);
      expect(can(undefined, p)).toBe(false);
    }
  });
});
