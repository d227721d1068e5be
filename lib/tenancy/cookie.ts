/** The active tenant's id (seed 004). httpOnly, SameSite=Lax, Secure in production. */
export const TENANT_COOKIE = "prom_tenant";

export function tenantCookieOptions() {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: process.env.NODE_ENV === "production" && !process.env.AUTH_URL?.startsWith("http://"),
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  };
}

export { SESSION_COOKIES } from "@/lib/session-cookie";
