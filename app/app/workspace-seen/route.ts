import { renewSeenWorkspace } from "@/lib/tenancy";

/**
 * Renews the receipt of the workspace this session is shown (lib/tenancy/
 * seen-workspace.ts), which says "You no longer have access to …" on the
 * page after a removal. Pages call it when their receipt is out of date. It
 * takes no input: it can only record what the session resolves to anyway.
 */
export async function POST(): Promise<Response> {
  const outcome = await renewSeenWorkspace();
  return new Response(null, { status: outcome === "signed-out" ? 401 : 204, headers: { "Cache-Control": "no-store" } });
}
