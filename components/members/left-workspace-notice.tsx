import { Alert } from "@/components/ui";
import { TENANT_NAME_MAX } from "@/lib/validation";

/** The query parameter that names the workspace one just left, on the page one lands on. */
export const LEFT_PARAM = "left";

/** The workspace a page's `left` parameter names, if any (anything longer than a workspace's name is not one). */
export function leftWorkspace(value: string | string[] | undefined): string | null {
  const name = Array.isArray(value) ? value[0] : value;
  return name && name.length <= TENANT_NAME_MAX ? name : null;
}

/** "You left Acme.": on the page one lands on after leaving a workspace (another one's dashboard, or the welcome page). */
export function LeftWorkspaceNotice({ name, className }: { name: string | null; className?: string }) {
  if (!name) return null;
  return (
    <Alert variant="success" className={className}>
      <span data-testid="left-workspace-notice">You left {name}.</span>
    </Alert>
  );
}
