import { redirect } from "next/navigation";
import { LEFT_PARAM, leftWorkspace } from "@/components/members/left-workspace-notice";
import { getTenantContext } from "@/lib/tenancy";

type Search = Promise<Record<string, string | string[] | undefined>>;

/**
 * The app's home: the dashboard. After leaving a workspace (`?left=` its
 * name, sealed for the user by the leave action) the page one lands on says
 * so: the dashboard of the workspace one is in now or, with none left to
 * enter, the welcome page.
 */
export default async function AppIndex({ searchParams }: { searchParams: Search }) {
  const given = (await searchParams)[LEFT_PARAM];
  const value = Array.isArray(given) ? given[0] : given;
  if (!value) redirect("/app/dashboard");
  const resolved = await getTenantContext();
  const userId = resolved.kind === "tenant" ? resolved.userId : resolved.kind === "no-tenant" ? resolved.user.id : null;
  const landing = resolved.kind === "tenant" ? "/app/dashboard" : "/app/onboarding";
  // Only a value sealed for this user goes on; anything else (signed out, a suspended workspace) is the dashboard's to answer, as before.
  redirect(userId && leftWorkspace(value, userId) ? `${landing}?${LEFT_PARAM}=${encodeURIComponent(value)}` : "/app/dashboard");
}
