import type { NextRequest } from "next/server";
import { logoResponse } from "@/lib/http/logo-response";
import { currentRequest } from "@/lib/tenancy";

/**
 * GET /app/logo/<tenantId>[?v=<version>]: a workspace's logo, for its
 * members (lib/http/logo-response.ts). Without a session cookie the
 * middleware sends the visitor to sign in, as for every path under /app.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ tenantId: string }> }) {
  const { credential } = await currentRequest();
  return logoResponse(credential, (await params).tenantId, request);
}
