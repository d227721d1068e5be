import { Alert } from "@/components/ui";
import { openLeftWorkspace } from "@/lib/tenancy";

/** The query parameter that names the workspace one just left (sealed for the user), on the page one lands on. */
export const LEFT_PARAM = "left";

/** The workspace a page's `left` parameter says `userId` left, if the leave action sealed it for them (lib/tenancy/left-workspace.ts). */
export function leftWorkspace(value: string | string[] | undefined, userId: string): string | null {
  return openLeftWorkspace(userId, value);
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
