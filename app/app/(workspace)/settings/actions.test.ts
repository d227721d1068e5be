// The members page's invitation actions as its forms call them: the session
// and the tenant are resolved for real; only the request's cookie jar and
// headers, and the page's revalidation, are given here.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { actorFor, createWorkspace, uniqueEmail, withBrokenSmtp } from "@/test/fixtures";

import { clearCookies, form, jar } from "@/test/next-request";

vi.mock("next/headers", async () => (await import("@/test/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { resendInvitationAction } = await import("./actions");
const { inviteMember } = await import("@/lib/invitations");
const { SESSION_COOKIES, TENANT_COOKIE } = await import("@/lib/tenancy/cookie");

beforeEach(() => clearCookies());

describe("Resend", () => {
  async function pendingInvitation() {
    const ws = await createWorkspace();
    jar.set(SESSION_COOKIES[1], ws.owner.sessionToken);
    jar.set(TENANT_COOKIE, ws.tenant.id);
    const email = uniqueEmail("resent");
    const { invitationId } = await inviteMember(actorFor(ws.tenant, ws.owner), { email, role: "member" });
    return { ws, email, invitationId };
  }

  it("says a new link was sent and the previous one no longer works", async () => {
    const { ws, email, invitationId } = await pendingInvitation();
    const result = await resendInvitationAction(null, form({ _tenant: ws.tenant.id, invitationId }));
    expect(result).toMatchObject({ ok: true, data: { emailDispatched: true } });
    expect(result.ok && result.message).toBe(
      `A new invitation link was sent to ${email}. The link is valid for 7 days. The previous link no longer works.`,
    );
  });

  it("with the mail server down, says a new link was made, the previous one no longer works, and the new one is to be copied", async () => {
    const { ws, email, invitationId } = await pendingInvitation();
    const result = await withBrokenSmtp(() => resendInvitationAction(null, form({ _tenant: ws.tenant.id, invitationId })));
    expect(result).toMatchObject({ ok: true, data: { emailDispatched: false, link: expect.stringMatching(/\/invite\//) } });
    expect(result.ok && result.message).toBe(
      `A new invitation link for ${email} was made and the previous link no longer works, but the email could not be sent. Copy the new link below and send it yourself.`,
    );
  });
});
