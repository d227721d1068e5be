import { NextResponse, type NextRequest } from "next/server";
import { acceptInvitationByToken, inspectInvitationToken } from "@/lib/invitations";
import { isInviteTokenShape } from "@/lib/invite-token";
import { TENANT_COOKIE, getTenantContext, tenantCookieOptions } from "@/lib/tenancy";

/**
 * The link in an invitation email. Stateless until the last step: a
 * signed-out visitor is sent to sign in with the invited address filled in;
 * a signed-in one joins the workspace (idempotently), which becomes their
 * active one, and lands on its dashboard. Every refusal redirects to
 * /sign-in?invite=<reason> and changes nothing.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const to = (path: string) => NextResponse.redirect(new URL(path, request.url), { status: 303 });
  if (!isInviteTokenShape(token)) return to("/sign-in?invite=invalid");

  const here = `/invite/${token}`;
  const resolved = await getTenantContext();
  if (resolved.kind === "signed-out" || resolved.kind === "inactive") {
    const inspected = await inspectInvitationToken(token);
    if (!inspected.ok) return to(`/sign-in?invite=${inspected.reason}`);
    return to(`/sign-in?next=${encodeURIComponent(here)}&email=${encodeURIComponent(inspected.email)}`);
  }

  const outcome = await acceptInvitationByToken(resolved, token);
  if (!outcome.ok) {
    // Someone signed in with another address can switch accounts and come back.
    const back = outcome.reason === "email_mismatch" ? `&next=${encodeURIComponent(here)}` : "";
    return to(`/sign-in?invite=${outcome.reason}${back}`);
  }
  const response = to("/app/dashboard");
  response.cookies.set(TENANT_COOKIE, outcome.tenantId, tenantCookieOptions());
  return response;
}
