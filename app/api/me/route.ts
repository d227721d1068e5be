import { NextResponse } from "next/server";
import { isPlatformAdmin } from "@/lib/platform/admin";
import { getTenantContext } from "@/lib/tenancy";

/** The signed-in user and every workspace they belong to, with their role in each (seeds 000, 003). */
export async function GET() {
  const resolved = await getTenantContext();
  if (resolved.kind === "signed-out" || resolved.kind === "inactive") {
    return NextResponse.json({ error: "unauthenticated" }, { status: 401 });
  }
  const memberships = resolved.kind === "tenant" ? resolved.memberships : [];
  return NextResponse.json(
    {
      user: resolved.user,
      activeTenantId: resolved.kind === "tenant" ? resolved.tenantId : null,
      tenants: memberships.map((m) => ({ id: m.tenantId, name: m.tenantName, slug: m.tenantSlug, role: m.role })),
      // Set only by an operator (npm run users -- grant-platform-admin); checked in the database.
      platformAdmin: await isPlatformAdmin(resolved.credential),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
