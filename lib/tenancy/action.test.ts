// The action wrappers as a form calls them: the session and the tenant are
// resolved for real (app_enter on the test database); only the request's
// cookie jar and headers, which Next.js provides inside a request, are given
// here.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { DomainError } from "@/lib/errors";
import { createWorkspace, owner, randomUUID } from "@/test/fixtures";

import { clearCookies, form, jar } from "@/test/next-request";

vi.mock("next/headers", async () => (await import("@/test/next-request")).nextHeaders);

const { failureFrom, tenantAction, userAction, workspaceMismatch } = await import("./action");
const { SIGNED_OUT, SIGNED_OUT_CODE, signInAgainHref } = await import("./signed-out");
const { lostWorkspaceSentence, sealSeenWorkspace, seenWorkspaceSecret, SEEN_WORKSPACE_COOKIE } = await import("./seen-workspace");
const { SESSION_COOKIES } = await import("./cookie");
const { TENANT_COOKIE } = await import("./cookie");

const handled = vi.fn(async () => ({ ok: true as const, data: undefined }));
const inTenant = tenantAction({ schema: z.object({}), permission: "members.read" }, handled);
const asUser = userAction({ schema: z.object({}) }, handled);

beforeEach(() => {
  clearCookies();
  handled.mockClear();
});

describe("a form sent after the session ended", () => {
  it("is refused alike by tenantAction and userAction, with the one message and its code", async () => {
    const ws = await createWorkspace();
    jar.set(SESSION_COOKIES[1], ws.member.sessionToken);
    jar.set(TENANT_COOKIE, ws.tenant.id);
    await owner().query("DELETE FROM sessions WHERE user_id = $1", [ws.member.id]);
    const refusal = { ok: false, error: SIGNED_OUT, code: SIGNED_OUT_CODE };
    expect(await inTenant(null, form({ _tenant: ws.tenant.id }))).toEqual(refusal);
    expect(await asUser(null, form())).toEqual(refusal);
    // With no session cookie at all, and for a deactivated account, the same.
    clearCookies();
    expect(await inTenant(null, form())).toEqual(refusal);
    expect(await asUser(null, form())).toEqual(refusal);
    jar.set(SESSION_COOKIES[1], ws.admin.sessionToken);
    await owner().query("UPDATE users SET active = false WHERE id = $1", [ws.admin.id]);
    expect(await inTenant(null, form({ _tenant: ws.tenant.id }))).toEqual(refusal);
    expect(await asUser(null, form())).toEqual(refusal);
    expect(handled).not.toHaveBeenCalled();
    expect(SIGNED_OUT).toBe("Your session has ended. Sign in again.");
  });

  it("is said so when the database finds the session gone inside a handler (withTenant's entry)", () => {
    expect(failureFrom(new DomainError(SIGNED_OUT_CODE, "anything the entry said"))).toEqual({ ok: false, error: SIGNED_OUT, code: SIGNED_OUT_CODE });
    // Other refusals carry no code.
    expect(failureFrom(new DomainError("not_member", "Not a member."))).toEqual({ ok: false, error: "Not a member.", fieldErrors: undefined });
  });

  it("offers the sign-in page, back to the page the form is on", () => {
    expect(signInAgainHref("/app/settings?q=ann&page=2")).toBe("/sign-in?next=%2Fapp%2Fsettings%3Fq%3Dann%26page%3D2");
    expect(signInAgainHref("//evil.example/x")).toBe("/sign-in");
    expect(signInAgainHref(null)).toBe("/sign-in");
  });
});

describe("a form of a workspace the user can no longer enter", () => {
  it("says the delegated access ended when the receipt names it as entered as a delegate, as the lost-workspace notice does", async () => {
    const ws = await createWorkspace();
    const child = { tenantId: randomUUID(), name: "Customer Co", via: "Reseller Co" };
    jar.set(SESSION_COOKIES[1], ws.admin.sessionToken);
    jar.set(TENANT_COOKIE, ws.tenant.id);
    jar.set(SEEN_WORKSPACE_COOKIE, sealSeenWorkspace(seenWorkspaceSecret()!, ws.admin.id, child));
    const notice = lostWorkspaceSentence(child, (name) => name).join("");
    expect(notice).toBe(
      "You can no longer enter Customer Co as a delegate of Reseller Co: delegated access was turned off, your role in Reseller Co changed, or Customer Co was deleted.",
    );
    expect(await inTenant(null, form({ _tenant: child.tenantId }))).toEqual({
      ok: false,
      error: `${notice} You are now in ${ws.tenant.name}. Reload to continue.`,
    });
    // A receipt of another workspace, or none: the member's wording, which names no workspace it cannot read.
    jar.set(SEEN_WORKSPACE_COOKIE, sealSeenWorkspace(seenWorkspaceSecret()!, ws.admin.id, { ...child, tenantId: randomUUID() }));
    const removed = await inTenant(null, form({ _tenant: child.tenantId }));
    expect(removed).toMatchObject({ ok: false, error: expect.stringMatching(/^You no longer have access to the workspace this page belongs to \(you were removed/) });
    expect(handled).not.toHaveBeenCalled();
  });

  it("words a member's loss and a delegate's from one function", () => {
    const lost = { tenantId: randomUUID(), name: "Acme" };
    expect(lostWorkspaceSentence(lost, (name) => `*${name}*`).join("")).toBe("You no longer have access to *Acme*: you were removed from it, or it was deleted.");
    const ctx = { tenantId: randomUUID(), tenant: { id: "", name: "Home", slug: "home" }, memberships: [] } as unknown as Parameters<typeof workspaceMismatch>[0];
    expect(workspaceMismatch(ctx, lost.tenantId, { ...lost, via: "Parent" })).toBe(
      "You can no longer enter Acme as a delegate of Parent: delegated access was turned off, your role in Parent changed, or Acme was deleted. You are now in Home. Reload to continue.",
    );
  });
});
