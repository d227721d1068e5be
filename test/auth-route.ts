// Auth.js's own route, reached as any client reaches it.
import { NextRequest } from "next/server";
import { GET } from "@/app/api/auth/[...nextauth]/route";

/** A CSRF token and its cookie from the route at `origin` (the app's own, or the Host a request names). */
export async function authCsrf(origin: string): Promise<{ csrfToken: string; cookie: string }> {
  const response = await GET(new NextRequest(`${origin}/api/auth/csrf`));
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { csrfToken, cookie };
}
