import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmTransferForm, SwitchForTransfer } from "@/components/transfer/confirm-transfer-form";
import { Alert, Card, PageHeader } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { can, currentRequest, requireTenantWith } from "@/lib/tenancy";
import { transferPage, type TransferView } from "@/lib/transfer";
import { TRANSFER_PAGE } from "@/lib/transfer/steps";

export const metadata: Metadata = { title: "Confirm the transfer" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where the confirmation email's link lands (step 2): the owner confirms with a button. */
export default async function ConfirmTransferPage({ searchParams }: { searchParams: Search }) {
  const raw = await searchParams;
  const param = (name: string) => (typeof raw[name] === "string" ? (raw[name] as string) : "");
  const tenant = param("tenant");
  const transfer = param("transfer");
  const token = param("token");
  // The workspace's transfer, read with the entry (one round trip): the link may be opened again after its step.
  const { credential } = await currentRequest();
  const { ctx, data } = await requireTenantWith(transferPage(credential));
  const passed = stepPassed(data.transfer, transfer);
  const valid = UUID.test(tenant) && UUID.test(transfer) && /^[A-Za-z0-9_-]{20,128}$/.test(token);
  const other = ctx.memberships.find((m) => m.tenantId === tenant.toLowerCase());
  const here = `${TRANSFER_PAGE}/confirm?${new URLSearchParams({ tenant, transfer, token })}`;
  // Only an owner starts a transfer, and every owner may read it: anyone else who cannot see the
  // linked transfer (a member, an auditor) is not the one who started it, whatever it is.
  const unseen = !can(ctx.role, "ownership.transfer") && data.transfer?.id !== transfer.toLowerCase();

  return (
    <WorkspaceShell ctx={ctx}>
      <div className="max-w-xl space-y-6">
        <PageHeader title="Confirm the transfer" description="Step 2 of the ownership transfer: confirm that you asked for it." />
        <Card className="space-y-4 p-5">
          {!valid ? (
            <Alert variant="error">This confirmation link is incomplete. Open the latest link we emailed you, or start again.</Alert>
          ) : ctx.tenantId !== tenant.toLowerCase() ? (
            other ? (
              <SwitchForTransfer tenantId={other.tenantId} tenantName={other.tenantName} returnTo={here} />
            ) : (
              <Alert variant="error">This link belongs to a workspace you are not a member of, signed in as {ctx.user.email}.</Alert>
            )
          ) : unseen ? (
            // Someone who cannot see the transfer learns nothing of it: not whose it is, nor where it stands.
            <Alert variant="error" data-testid="transfer-confirm-not-yours">
              This link is for the owner who started the transfer: only they can confirm it. You are signed in as {ctx.user.email}.
            </Alert>
          ) : passed ? (
            <Alert variant="info">{passed}</Alert>
          ) : data.transfer && data.transfer.from.id !== ctx.userId ? (
            // Someone else's link (forwarded, or opened on a shared computer): only the owner who started it confirms.
            <Alert variant="error" data-testid="transfer-confirm-not-yours">
              This link is for {data.transfer.from.name ?? data.transfer.from.email}, who started the transfer: only they can confirm it. You are signed in as{" "}
              {ctx.user.email}.
            </Alert>
          ) : (
            <>
              <p className="text-sm text-zinc-600">
                You asked to transfer ownership of <strong>{ctx.tenant.name}</strong>. Confirm it here; a final confirmation follows in 24 hours,
                then a 72-hour cooling period.
              </p>
              <ConfirmTransferForm transferId={transfer} token={token} />
            </>
          )}
          <p className="text-sm">
            <Link href={TRANSFER_PAGE} className="underline">
              See the transfer
            </Link>
          </p>
        </Card>
      </div>
    </WorkspaceShell>
  );
}

/**
 * Why there is nothing to confirm any more, when the link is opened again
 * after its step: the transfer (the workspace's latest) is past it or has
 * ended, or the link is for an earlier transfer. Null while it awaits this
 * confirmation — the form's answer then says whether the link is still good.
 */
function stepPassed(latest: TransferView | null, linked: string): string | null {
  if (!latest || latest.id !== linked.toLowerCase()) {
    return latest ? "This link is for an earlier transfer, which has ended. See the transfer page for the current one." : null;
  }
  if (latest.status === "pending_confirmation") return null;
  if (latest.status === "completed") return "This transfer has completed: ownership was transferred. There is nothing to confirm.";
  if (!latest.live) return `This transfer has ${latest.status === "cancelled" ? "been cancelled" : "expired"}; there is nothing to confirm.`;
  return `You have confirmed this transfer already. It now waits for ${latest.waitingFor}.`;
}
