import { describe, expect, it } from "vitest";
import { removeMember } from "@/lib/members";
import { resolveTenantContext, type TenantResolution } from "@/lib/tenancy";
import { actorFor, addMember, createTenantRow, createUser, createWorkspace, credentialOf, owner, setTenantStatus, type TestUser } from "@/test/fixtures";
import { judgeSeenWorkspace, openSeenWorkspace, sealSeenWorkspace } from "./seen-workspace";

const SECRET = "test-secret-of-the-app";
const ACME = { tenantId: "6f1c3c9e-3f7a-4a55-9d43-0f3b5a8f2b10", name: "Acme" };

describe("the receipt of the last workspace shown", () => {
  it("opens for the user and secret it was sealed with", () => {
    const sealed = sealSeenWorkspace(SECRET, "user-1", ACME);
    expect(openSeenWorkspace(SECRET, "user-1", sealed)).toEqual(ACME);
  });

  it("keeps the ancestor a delegate was in it through, and is refused when that is altered", () => {
    const asDelegate = { ...ACME, via: "Reseller Co" };
    const sealed = sealSeenWorkspace(SECRET, "user-1", asDelegate);
    expect(openSeenWorkspace(SECRET, "user-1", sealed)).toEqual(asDelegate);
    const [, tag] = sealed.split(".");
    const forged = `${Buffer.from(JSON.stringify([ACME.tenantId, ACME.name, "Evil Corp"])).toString("base64url")}.${tag}`;
    expect(openSeenWorkspace(SECRET, "user-1", forged)).toBeNull();
    const plain = sealSeenWorkspace(SECRET, "user-1", ACME);
    const addedVia = `${Buffer.from(JSON.stringify([ACME.tenantId, ACME.name, "Reseller Co"])).toString("base64url")}.${plain.split(".")[1]}`;
    expect(openSeenWorkspace(SECRET, "user-1", addedVia)).toBeNull();
  });

  it("is refused for another user, another secret, an altered name or garbage", () => {
    const sealed = sealSeenWorkspace(SECRET, "user-1", ACME);
    expect(openSeenWorkspace(SECRET, "user-2", sealed)).toBeNull();
    expect(openSeenWorkspace("another-secret", "user-1", sealed)).toBeNull();
    const [, tag] = sealed.split(".");
    const forged = `${Buffer.from(JSON.stringify([ACME.tenantId, "Evil Corp"])).toString("base64url")}.${tag}`;
    expect(openSeenWorkspace(SECRET, "user-1", forged)).toBeNull();
    for (const junk of ["", "abc", "a.b.c", `${sealed}x`, ".", "x".repeat(5000), undefined, null]) {
      expect(openSeenWorkspace(SECRET, "user-1", junk)).toBeNull();
    }
  });
});

/** What a page shows `user` after resolving with their tenant cookie, and what the receipt says about it. */
async function nextPage(user: TestUser, cookieTenantId: string, receipt: string | null) {
  const resolution: TenantResolution = await resolveTenantContext(credentialOf(user), cookieTenantId);
  if (resolution.kind !== "tenant" && resolution.kind !== "no-tenant") throw new Error(`unexpected ${resolution.kind}`);
  const current = resolution.kind === "tenant" ? resolution.tenant : null;
  return { resolution, current, verdict: judgeSeenWorkspace(openSeenWorkspace(SECRET, user.id, receipt), current, resolution.memberships) };
}

describe("the notice after losing one's workspace", () => {
  it("names the workspace a removed member was last shown, once, on the workspace they fall back to", async () => {
    const ws = await createWorkspace();
    const other = await createTenantRow({ name: "Other Place" });
    await addMember(other.id, ws.member.id, "member");

    // A page of the workspace seals the receipt.
    const before = await nextPage(ws.member, ws.tenant.id, null);
    expect(before.current?.id).toBe(ws.tenant.id);
    expect(before.verdict).toEqual({ lost: null, renew: true });
    const receipt = sealSeenWorkspace(SECRET, ws.member.id, { tenantId: ws.tenant.id, name: ws.tenant.name });
    expect((await nextPage(ws.member, ws.tenant.id, receipt)).verdict).toEqual({ lost: null, renew: false });

    await removeMember(actorFor(ws.tenant, ws.admin), ws.member.id);

    // The cookie still names the lost workspace; the request falls back to the other one.
    const after = await nextPage(ws.member, ws.tenant.id, receipt);
    expect(after.current?.id).toBe(other.id);
    expect(after.verdict).toEqual({ lost: { tenantId: ws.tenant.id, name: ws.tenant.name }, renew: true });
    // The page renews the receipt: the page after says nothing.
    const renewed = sealSeenWorkspace(SECRET, ws.member.id, { tenantId: other.id, name: other.name });
    expect((await nextPage(ws.member, ws.tenant.id, renewed)).verdict).toEqual({ lost: null, renew: false });
  });

  it("tells a member removed from their only workspace on onboarding", async () => {
    const ws = await createWorkspace();
    const receipt = sealSeenWorkspace(SECRET, ws.member.id, { tenantId: ws.tenant.id, name: ws.tenant.name });
    await removeMember(actorFor(ws.tenant, ws.owner), ws.member.id);
    const after = await nextPage(ws.member, ws.tenant.id, receipt);
    expect(after.resolution.kind).toBe("no-tenant");
    expect(after.verdict).toEqual({ lost: { tenantId: ws.tenant.id, name: ws.tenant.name }, renew: true });
  });

  it("tells the members of a deleted workspace too", async () => {
    const ws = await createWorkspace();
    const receipt = sealSeenWorkspace(SECRET, ws.auditor.id, { tenantId: ws.tenant.id, name: ws.tenant.name });
    await setTenantStatus(ws.tenant.id, "deleted");
    const after = await nextPage(ws.auditor, ws.tenant.id, receipt);
    expect(after.verdict.lost).toEqual({ tenantId: ws.tenant.id, name: ws.tenant.name });
  });

  it("says nothing to a member who switched or whose workspace was renamed, and only renews the receipt", async () => {
    const ws = await createWorkspace();
    const other = await createTenantRow();
    await addMember(other.id, ws.member.id, "member");
    const receipt = sealSeenWorkspace(SECRET, ws.member.id, { tenantId: ws.tenant.id, name: ws.tenant.name });

    const switched = await nextPage(ws.member, other.id, receipt);
    expect(switched.current?.id).toBe(other.id);
    expect(switched.verdict).toEqual({ lost: null, renew: true });

    await owner().query("UPDATE tenants SET name = 'Renamed Place' WHERE id = $1", [ws.tenant.id]);
    const renamed = await nextPage(ws.member, ws.tenant.id, receipt);
    expect(renamed.current?.name).toBe("Renamed Place");
    expect(renamed.verdict).toEqual({ lost: null, renew: true });
  });

  it("tells a delegate whose delegated access ended which ancestor they were in it through", async () => {
    const reseller = await createWorkspace();
    const customer = await createTenantRow({ name: "Customer Place" });
    await owner().query("UPDATE tenants SET parent_id = $1, delegate_role = 'admin' WHERE id = $2", [reseller.tenant.id, customer.id]);

    // The reseller's admin is in the customer as a delegate: the page's receipt names the reseller.
    const inside = await nextPage(reseller.admin, customer.id, null);
    expect(inside.resolution.kind === "tenant" && inside.resolution.delegation?.viaTenantName).toBe(reseller.tenant.name);
    const shown = { id: customer.id, name: customer.name, via: reseller.tenant.name };
    const receipt = sealSeenWorkspace(SECRET, reseller.admin.id, { tenantId: customer.id, name: customer.name, via: reseller.tenant.name });
    expect(judgeSeenWorkspace(openSeenWorkspace(SECRET, reseller.admin.id, receipt), shown, inside.resolution.memberships)).toEqual({ lost: null, renew: false });
    // A receipt of the same workspace as a member (or from before it said how) is renewed.
    const asMember = sealSeenWorkspace(SECRET, reseller.admin.id, { tenantId: customer.id, name: customer.name });
    expect(judgeSeenWorkspace(openSeenWorkspace(SECRET, reseller.admin.id, asMember), shown, inside.resolution.memberships).renew).toBe(true);

    await owner().query("UPDATE tenants SET delegate_role = NULL WHERE id = $1", [customer.id]);

    const after = await nextPage(reseller.admin, customer.id, receipt);
    expect(after.current?.id).toBe(reseller.tenant.id);
    expect(after.verdict).toEqual({ lost: { tenantId: customer.id, name: customer.name, via: reseller.tenant.name }, renew: true });
  });

  it("never shows one account's workspace to another signed in on the same browser", async () => {
    const ws = await createWorkspace();
    const stranger = await createUser();
    const receipt = sealSeenWorkspace(SECRET, ws.member.id, { tenantId: ws.tenant.id, name: ws.tenant.name });
    const seen = await nextPage(stranger, ws.tenant.id, receipt);
    expect(seen.resolution.kind).toBe("no-tenant");
    expect(seen.verdict).toEqual({ lost: null, renew: false });
  });
});
