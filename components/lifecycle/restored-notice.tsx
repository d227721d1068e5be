import { ForgetParam } from "@/components/forget-param";
import { TakeFocus } from "@/components/take-focus";
import { Alert } from "@/components/ui";

/** The query parameter that names the workspace just restored from the trash, on its dashboard. */
export const RESTORED_PARAM = "restored";

/**
 * "“Acme” was restored.": on the dashboard a restore from the trash lands on,
 * when `restored` names the workspace shown (not another one's id). It takes
 * the focus: the Restore button that led here went away with the trash.
 */
export function RestoredNotice({ restored, tenant, className }: { restored: string | string[] | undefined; tenant: { id: string; name: string }; className?: string }) {
  if (restored !== tenant.id) return null;
  return (
    <TakeFocus>
      <Alert variant="success" className={className}>
        <span data-testid="restored-workspace-notice">“{tenant.name}” was restored from the trash. Its members have their access back, with everything it held when it was deleted.</span>
        {/* Said once: a reload of the dashboard does not say it again. */}
        <ForgetParam name={RESTORED_PARAM} />
      </Alert>
    </TakeFocus>
  );
}
