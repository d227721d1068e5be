import { describe, expect, it } from "vitest";
import { hierarchyModule } from "@/lib/hierarchy/definition";
import { ROLES, can } from "@/lib/tenancy";

// The hierarchy's rows of the roles matrix, restated: changing who may create
// children or choose the delegates' access is a deliberate change here too.
describe("the hierarchy's permissions", () => {
  it("lets owners and admins create children and enter them as delegates; only owners choose the delegates' access", () => {
    expect(Object.keys(hierarchyModule.permissions).sort()).toEqual(["tenant.children.manage", "tenant.delegation.manage"]);
    expect(ROLES.filter((r) => can(r, "tenant.children.manage"))).toEqual(["owner", "admin"]);
    expect(ROLES.filter((r) => can(r, "tenant.delegation.manage"))).toEqual(["owner"]);
  });
});
