import { Button, Section, Text } from "@react-email/components";
import { EmailLayout, emailStyles } from "./components";

// The ownership transfer's emails (seed 001's steps 2 to 5): each names the
// workspace and both parties and says how to stop the transfer. A party who
// receives one is spoken to as "you", never named in the third person.

const when = (date: Date) => new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(date);

interface Parties {
  workspaceName: string;
  fromName: string;
  toName: string;
  /** The link the email's button leads to. */
  url: string;
  /** Which party the email goes to, when it goes to one of them: it speaks of them as "you". */
  you?: "from" | "to";
}

const fromOf = (p: Parties) => (p.you === "from" ? "you" : p.fromName);
const toOf = (p: Parties) => (p.you === "to" ? "you" : p.toName);

function Link({ url, label }: { url: string; label: string }) {
  return (
    <>
      <Section style={{ margin: "24px 0" }}>
        <Button href={url} style={emailStyles.button}>
          {label}
        </Button>
      </Section>
      <Text style={emailStyles.muted}>Or paste this link into your browser:</Text>
      <Text style={emailStyles.link}>{url}</Text>
    </>
  );
}

/** Step 2, to the owner: confirm from this link within 24 hours. */
export function TransferConfirmEmail({ workspaceName, toName, url, expiresAt }: Parties & { expiresAt: Date }) {
  return (
    <EmailLayout preview={`Confirm the transfer of ${workspaceName} to ${toName}`}>
      <Text style={emailStyles.heading}>Confirm the transfer</Text>
      <Text style={emailStyles.text}>
        You asked to transfer ownership of <strong>{workspaceName}</strong> to {toName}. Open this link, signed in as yourself,
        to confirm it. Nothing changes yet: a final confirmation and a 72-hour cooling period follow.
      </Text>
      <Link url={url} label="Confirm the transfer" />
      <Text style={emailStyles.muted}>
        The link works until {when(expiresAt)} (UTC). If you did not ask for this, ignore this email or cancel the transfer in the
        workspace&apos;s settings.
      </Text>
    </EmailLayout>
  );
}

/** Step 3, to the owner: the irreversible confirmation. */
export function TransferFinalEmail({ workspaceName, toName, url, expiresAt }: Parties & { expiresAt: Date }) {
  return (
    <EmailLayout preview={`Are you sure? Transferring ${workspaceName} is irreversible`}>
      <Text style={emailStyles.heading}>Are you sure? This is irreversible.</Text>
      <Text style={emailStyles.text}>
        Once it completes, {toName} becomes an owner of <strong>{workspaceName}</strong> and you become a member. Only a new owner
        can give you a role back. Confirm in the workspace&apos;s settings to start the 72-hour cooling period; until {toName} accepts, the
        transfer can still be cancelled there.
      </Text>
      <Link url={url} label="Review and confirm" />
      <Text style={emailStyles.muted}>Without your confirmation by {when(expiresAt)} (UTC) the transfer expires.</Text>
    </EmailLayout>
  );
}

/** Step 4, to every admin and other owner (the new owner among them, when they are an admin): a transfer is cooling. */
export function TransferCoolingEmail(props: Parties & { endsAt: Date }) {
  const { workspaceName, fromName, url, endsAt } = props;
  return (
    <EmailLayout preview={`${fromName} is transferring ownership of ${workspaceName}${props.you === "to" ? " to you" : ""}`}>
      <Text style={emailStyles.heading}>Ownership of {workspaceName} is being transferred</Text>
      <Text style={emailStyles.text}>
        {fromName} confirmed the transfer of ownership of <strong>{workspaceName}</strong> to {toOf(props)}. The cooling period ends on{" "}
        {when(endsAt)} (UTC); then {toOf(props)} may accept it, and {fromName} becomes a member.
      </Text>
      <Link url={url} label="See the transfer" />
      <Text style={emailStyles.muted}>Either party, or any other owner, can cancel it until it completes.</Text>
    </EmailLayout>
  );
}

/** Step 5, to the new owner: accept. */
export function TransferAcceptEmail({ workspaceName, fromName, url, expiresAt }: Parties & { expiresAt: Date }) {
  return (
    <EmailLayout preview={`${fromName} is transferring ${workspaceName} to you`}>
      <Text style={emailStyles.heading}>Accept ownership of {workspaceName}</Text>
      <Text style={emailStyles.text}>
        {fromName} is transferring ownership of <strong>{workspaceName}</strong> to you. Accept it in the workspace&apos;s settings
        after signing in again; {fromName} then becomes a member.
      </Text>
      <Link url={url} label="Review and accept" />
      <Text style={emailStyles.muted}>The offer stands until {when(expiresAt)} (UTC).</Text>
    </EmailLayout>
  );
}

interface Ending extends Parties {
  /**
   * Who cancelled it (name or address); null when no member did: the
   * schedule, because a party left — or, with workspaceDeleted, the
   * platform's operators, who deleted the workspace from the platform console.
   */
  cancelledBy?: string | null;
  /** It was cancelled by deleting its workspace (cancelledBy, else the platform's operators, deleted it): the workspace is in its owners' trash. */
  workspaceDeleted?: boolean;
  /** The new owner ended it: they declined it. */
  declined?: boolean;
}

const OUTCOMES = {
  completed: (p: Ending) =>
    p.you === "from"
      ? `${p.toName} accepted: ${p.toName} is now an owner of ${p.workspaceName}, and you are a member.`
      : p.you === "to"
        ? `You accepted: you are now an owner of ${p.workspaceName}, and ${p.fromName} a member.`
        : `${p.toName} accepted: ${p.toName} is now an owner of ${p.workspaceName} and ${p.fromName} a member.`,
  cancelled: (p: Ending) =>
    p.workspaceDeleted
      ? `The transfer of ${p.workspaceName} from ${fromOf(p)} to ${toOf(p)} was cancelled: ${p.cancelledBy ?? "the platform's operators"} deleted the workspace. It is in its owners' trash, where an owner can restore it; a restored workspace does not resume the transfer. Nobody's role changed.`
      : `The transfer of ${p.workspaceName} from ${fromOf(p)} to ${toOf(p)} was ${
          p.cancelledBy
            ? `${p.declined ? "declined" : "cancelled"} by ${p.cancelledBy}`
            : "cancelled automatically: the owner who started it is no longer an owner, or the new owner is no longer a member"
        }. Nobody's role changed.`,
  expired: (p: Ending) => `The transfer of ${p.workspaceName} from ${fromOf(p)} to ${toOf(p)} expired: a step was not taken in time. Nobody's role changed.`,
};

/**
 * To each party who did not end it (the new owner only once they were told of
 * it): how the transfer ended, and who ended it (a person, or the schedule).
 */
export function TransferEndedEmail(props: Ending & { outcome: keyof typeof OUTCOMES }) {
  return (
    <EmailLayout preview={OUTCOMES[props.outcome](props)}>
      <Text style={emailStyles.heading}>
        {props.outcome === "completed" ? "Ownership transferred" : props.outcome === "cancelled" ? "Transfer cancelled" : "Transfer expired"}
      </Text>
      <Text style={emailStyles.text}>{OUTCOMES[props.outcome](props)}</Text>
      {/* A deleted workspace has no settings to open. */}
      {props.workspaceDeleted ? null : <Link url={props.url} label="See the workspace's settings" />}
    </EmailLayout>
  );
}
