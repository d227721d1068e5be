import { CopyLink } from "@/components/copy-link";
import { ForgetParam } from "@/components/forget-param";
import { TakeFocus } from "@/components/take-focus";
import { Alert } from "@/components/ui";
import { UNSENT_PARAM } from "@/lib/platform/created-notice";

/** After creating a workspace whose first owner was not emailed: the link to send them by hand, said once (the flag leaves the address). */
export function OwnerEmailUnsent({ email, link }: { email: string; link: string }) {
  return (
    <TakeFocus>
      <Alert variant="warning" className="space-y-2" data-testid="owner-email-unsent">
        <p>The email to {email} could not be sent: send them this link yourself.</p>
        <CopyLink link={link} label="Sign-in link" />
        <ForgetParam name={UNSENT_PARAM} />
      </Alert>
    </TakeFocus>
  );
}
