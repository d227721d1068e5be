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
    expect(
      describeAuditEvent("tenant.delegate.act", { tenant_name: "Customer", role: "admin", action: "member.remove", target_type: "user", target_id: "u1" }),
    ).toBe("In the child workspace “Customer”, as a delegate (admin): member.remove on user u1");
    expect(describeAuditEvent("tenant.child.create", { name: "Customer", slug: "customer" })).toBe("Created the child workspace “Customer” (customer)");
    expect(describeAuditEvent("tenant.delegation.change", { from: "admin", to: null })).toBe(
      "Changed what the parent workspace's admins get here from admin to no access",
    );
  });
});
