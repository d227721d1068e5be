// The members page's invitation actions as its forms call them: the session
// and the tenant are resolved for real; only the request's cookie jar and
// headers, and the page's revalidation, are given here.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { actorFor, createWorkspace, uniqueEmail, withBrokenSmtp } from "@/test/fixtures";

const jar = new Map<string, string>();
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", "x-forwarded-for": "203.0.113.7", "user-agent": "vitest" }),
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { resendInvitationAction } = await import("./actions");
const { inviteMember } = await import("@/lib/invitations");
const { SESSION_COOKIES, TENANT_COOKIE } = await import("@/lib/tenancy/cookie");

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

beforeEach(() => jar.clear());

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
