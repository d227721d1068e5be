import { redirect } from "next/navigation";
import { LEFT_PARAM, leftWorkspace } from "@/components/members/left-workspace-notice";
import { getTenantContext } from "@/lib/tenancy";

type Search = Promise<Record<string, string | string[] | undefined>>;

/**
 * The app's home: the dashboard. After leaving a workspace (`?left=` its
 * name) the page one lands on says so: the dashboard of the workspace one is
 * in now or, with none left to enter, the welcome page.
 */
export default async function AppIndex({ searchParams }: { searchParams: Search }) {
  const left = leftWorkspace((await searchParams)[LEFT_PARAM]);
  if (!left) redirect("/app/dashboard");
  const resolved = await getTenantContext();
  const landing = resolved.kind === "tenant" ? "/app/dashboard" : resolved.kind === "no-tenant" ? "/app/onboarding" : null;
  // Anything else (signed out, a suspended workspace) is the dashboard's to answer, as before.
  redirect(landing ? `${landing}?${LEFT_PARAM}=${encodeURIComponent(left)}` : "/app/dashboard");
}
