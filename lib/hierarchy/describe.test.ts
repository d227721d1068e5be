import { describe, expect, it } from "vitest";
import { describeAuditEvent } from "@/lib/audit/describe";

describe("describeAuditEvent: the hierarchy", () => {
  it("names the ancestor and the role on an event a delegate wrote, and nothing more on anyone else's", () => {
    const metadata = { email: "a@example.test", role: "member" };
    expect(describeAuditEvent("member.invite", metadata)).toBe("Invited a@example.test as a member");
    expect(
      describeAuditEvent("member.invite", { ...metadata, delegated_from: { tenant_id: "x", tenant_name: "Reseller" }, delegated_role: "admin" }),
    ).toBe("Invited a@example.test as a member — as a delegate of “Reseller” (admin)");
  });

  it("describes the parent's copy, a child's creation and a delegation change", () => {
    // The child's event in its own words, from the details the copy holds; by its name when they were too long to copy.
    const copy = { tenant_name: "Customer", role: "admin", action: "member.invite", target_type: "invitation", target_id: "i1" };
    expect(describeAuditEvent("tenant.delegate.act", { ...copy, details: { email: "a@example.test", role: "member" } })).toBe(
      "In the child workspace “Customer”, as a delegate (admin): Invited a@example.test as a member",
    );
    expect(describeAuditEvent("tenant.delegate.act", { ...copy, details: { truncated: true } })).toBe(
      "In the child workspace “Customer”, as a delegate (admin): Member invited",
    );
    expect(describeAuditEvent("tenant.child.create", { name: "Customer", slug: "customer" })).toBe("Created the child workspace “Customer” (customer)");
    expect(describeAuditEvent("tenant.delegation.change", { from: "admin", to: null })).toBe(
      "Changed what the parent workspace's admins get here from admin to no access",
    );
  });
});
