import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { AcceptTransfer, CancelTransfer, FinalConfirm, FreshSignIn, ResendConfirmation, StartTransferForm, StepNotice } from "@/components/transfer/transfer-controls";
import { Alert, Card, PageHeader, RoleBadge } from "@/components/ui";
import { WorkspaceShell } from "@/components/workspace-shell";
import { can, currentRequest, requireTenantWith } from "@/lib/tenancy";
import { transferPage, type Person, type TransferView } from "@/lib/transfer";
import { STEP_OF, timeLeft, type TransferStatus } from "@/lib/transfer/steps";

export const metadata: Metadata = { title: "Transfer ownership" };

type Search = Promise<Record<string, string | string[] | undefined>>;

const STEPS = [
  "Started by the owner, freshly signed in",
  "Confirmed from the emailed link (within 24 hours)",
  "Confirmed as irreversible (asked 24 hours later)",
  "72-hour cooling period; admins and owners are told",
  "Accepted by the new owner, freshly signed in",
  "Ownership moves: the new owner is an owner, the former owner a member",
];

const ENDED: Record<string, string> = {
  completed: "Ownership was transferred",
  cancelled: "The transfer was cancelled",
  expired: "The transfer expired: a step was not taken in time",
};

/** The transfer's status each step leaves: a step's message is shown only while the transfer is still there. */
const STEP_LEAVES: Record<string, TransferStatus> = {
  started: "pending_confirmation",
  unsent: "pending_confirmation",
  resent: "pending_confirmation",
  confirmed: "confirmed",
  cooling: "cooling",
  cancelled: "cancelled",
  completed: "completed",
};

/**
 * What the page says after each step (the actions redirect here with ?step=…),
 * as long as the transfer is where that step left it: once someone else has
 * moved it on (cancelled it, say), the address's step is history, not news.
 */
const STEP_MESSAGES: Record<string, (email: string, workspace: string) => string> = {
  started: (email) => `We emailed ${email} a link to confirm the transfer. It works for 24 hours.`,
  unsent: () => "The confirmation email could not be sent just now. Send the link again in a moment.",
  resent: (email) => `We emailed ${email} a new link; the previous one no longer works.`,
  confirmed: () => "Confirmed. We will ask you for a final confirmation in 24 hours.",
  cooling: () => "Confirmed. The 72-hour cooling period has begun; the admins and owners are being told.",
  cancelled: () => "The transfer is cancelled. Nobody's role changed.",
  completed: (_email, workspace) => `You are now an owner of ${workspace}.`,
};

const who = (p: Person) => (p.name ? `${p.name} (${p.email})` : p.email);

/**
 * How the transfer ended, naming who ended a cancelled one — the person
 * ("you" to themselves), the platform's operators when they deleted the
 * workspace from the platform console, or the schedule when a party left —
 * and why, when it was not simply cancelled.
 */
function ending(t: TransferView, viewerId: string): { headline: string; why: string | null } {
  if (t.status !== "cancelled") return { headline: ENDED[t.status] ?? "The transfer ended", why: null };
  if (!t.endedBy && t.endReason === "workspace_deleted") {
    return { headline: "The transfer was cancelled by the platform's operators", why: "It ended when the workspace was deleted." };
  }
  if (!t.endedBy) {
    return {
      headline: "The transfer was cancelled automatically",
      why: "The owner who started it is no longer an owner, or the new owner is no longer a member.",
    };
  }
  const by = t.endedBy.id === viewerId ? "you" : (t.endedBy.name ?? t.endedBy.email ?? "a former member");
  // The new owner ending it declined it.
  const verb = t.endedBy.id === t.to.id && t.endReason === "cancelled" ? "declined" : "cancelled";
  return { headline: `The transfer was ${verb} by ${by}`, why: t.endReason === "workspace_deleted" ? "It ended when the workspace was deleted." : null };
}

function Steps({ transfer }: { transfer: TransferView }) {
  return (
    <ol className="space-y-1 text-sm" data-testid="transfer-steps">
      {STEPS.map((label, i) => {
        const n = i + 1;
        const done = transfer.status === "completed" || n < transfer.step;
        const current = transfer.live && n === transfer.step;
        return (
          <li key={label} className={current ? "font-semibold text-zinc-900" : done ? "text-zinc-500" : "text-zinc-400"} aria-current={current ? "step" : undefined}>
            {done ? "✓" : current ? "→" : "·"} {n}. {label}
          </li>
        );
      })}
    </ol>
  );
}

/** The time left of the session's fresh sign-in (10 minutes after it), at `now`; nothing left without one. */
const freshFor = (freshUntil: Date | null, now: Date) => (freshUntil ? freshUntil.getTime() - now.getTime() : 0);

export default async function TransferPage({ searchParams }: { searchParams: Search }) {
  const raw = await searchParams;
  // One statement, sent with the entry (one round trip): it names the session
  // by the request's own token, known before the entry (React's cache: the
  // entry reads the same credential).
  const { credential } = await currentRequest();
  const { ctx, data } = await requireTenantWith(transferPage(credential));
  const now = new Date();
  const needsCode = data.needsCode;
  const t = data.transfer;
  const isOwner = can(ctx.role, "ownership.transfer");
  const isFrom = t?.from.id === ctx.userId;
  const isTo = t?.to.id === ctx.userId;
  const asked = typeof raw.step === "string" ? raw.step : null;
  const step = asked && t && STEP_LEAVES[asked] === t.status ? asked : null;
  const ended = t && !t.live ? ending(t, ctx.userId) : null;

  return (
    <WorkspaceShell ctx={ctx}>
      <div className="max-w-3xl space-y-6">
        <PageHeader
          title="Transfer ownership"
          description={`Hand ${ctx.tenant.name} to another member, with both sides' consent. It takes at least four days, and either side — or any other owner — can cancel it until it completes.`}
        />
        {step && STEP_MESSAGES[step] ? (
          <StepNotice step={step} variant={step === "unsent" ? "warning" : "success"}>
            {step === "cancelled" && isTo ? "You declined the transfer. Nobody's role changed." : STEP_MESSAGES[step](ctx.user.email, ctx.tenant.name)}
          </StepNotice>
        ) : null}

        {t && t.live ? (
          <Card className="space-y-4 p-5">
            <section aria-labelledby="transfer-live-title" data-testid="transfer-live" className="space-y-4">
              <div>
                <h2 id="transfer-live-title" className="text-sm font-semibold">
                  Transfer in progress
                </h2>
                <p className="mt-1 text-sm text-zinc-600">
                  From {who(t.from)} to {who(t.to)}, started <LocalTime iso={t.createdAt.toISOString()} />.
                </p>
              </div>
              <Steps transfer={t} />
              {t.dueAt ? (
                <p className="text-sm" data-testid="transfer-time-left">
                  {STEP_OF[t.status].dueIsSending ? (
                    // Not a deadline: when the next request goes out.
                    <>
                      Waiting for {t.waitingFor}: sent in <strong>{timeLeft(t.dueAt, now)}</strong> (at <LocalTime iso={t.dueAt.toISOString()} />).
                    </>
                  ) : (
                    <>
                      Waiting for {t.waitingFor}: <strong>{timeLeft(t.dueAt, now)}</strong> left (until <LocalTime iso={t.dueAt.toISOString()} />).
                    </>
                  )}
                </p>
              ) : null}

              {isFrom && t.status === "pending_confirmation" ? (
                <div className="space-y-2">
                  <Alert variant="info">Check your email ({ctx.user.email}) for the link that confirms the transfer.</Alert>
                  <ResendConfirmation transferId={t.id} />
                </div>
              ) : null}
              {isFrom && t.status === "awaiting_final" ? (
                <FinalConfirm transferId={t.id} workspaceName={ctx.tenant.name} toName={t.to.name ?? t.to.email} />
              ) : null}
              {isTo && t.status === "awaiting_acceptance" ? (
                <FreshSignIn msLeft={freshFor(data.freshUntil, now)}>
                  <AcceptTransfer transferId={t.id} needsCode={needsCode} workspaceName={ctx.tenant.name} />
                </FreshSignIn>
              ) : null}
              {isTo && t.status !== "awaiting_acceptance" ? (
                <p className="text-sm text-zinc-600">You will be asked to accept once the cooling period is over.</p>
              ) : null}
              {isFrom || isTo || isOwner ? (
                <div className="border-t border-zinc-200 pt-4">
                  <CancelTransfer transferId={t.id} asNewOwner={isTo} fromName={t.from.name ?? t.from.email} />
                </div>
              ) : null}
            </section>
          </Card>
        ) : null}

        {t && !t.live ? (
          <Alert variant={t.status === "completed" ? "success" : "info"}>
            <span data-testid="transfer-ended">
              {ended?.headline} (from {who(t.from)} to {who(t.to)}){t.endedAt ? <>, <LocalTime iso={t.endedAt.toISOString()} /></> : null}.
              {ended?.why ? ` ${ended.why}` : null}
            </span>
          </Alert>
        ) : null}

        {isOwner && !(t && t.live) ? (
          <Card className="p-5">
            <section aria-labelledby="transfer-start-title" className="space-y-4">
              <h2 id="transfer-start-title" className="text-sm font-semibold">
                Start a transfer
              </h2>
              {data.candidates.length === 0 ? (
                <p className="text-sm text-zinc-600">
                  Nobody to transfer to: the new owner must already be a member who is not an owner. <Link href="/app/settings" className="underline">Invite them first</Link>.
                </p>
              ) : (
                <FreshSignIn msLeft={freshFor(data.freshUntil, now)}>
                  <StartTransferForm
                    needsCode={needsCode}
                    candidates={data.candidates.map((c) => ({ id: c.id, label: `${c.name ? `${c.name} — ` : ""}${c.email} (${c.role})` }))}
                  />
                </FreshSignIn>
              )}
            </section>
          </Card>
        ) : null}

        {!isOwner && !(t && t.live) ? (
          <p className="text-sm text-zinc-600">
            Only an owner can transfer ownership. Your role here: <RoleBadge role={ctx.role} />
          </p>
        ) : null}
      </div>
    </WorkspaceShell>
  );
}
