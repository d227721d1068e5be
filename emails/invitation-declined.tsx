import { Button, Section, Text } from "@react-email/components";
import { EmailLayout, emailStyles } from "./components";

export interface InvitationDeclinedEmailProps {
  /** The invitee as the workspace knows them: their name and address, or the address. */
  invitee: string;
  workspaceName: string;
  role: string;
  /** The workspace's members page, where the declined invitation is listed and can be sent again. */
  url: string;
}

export const invitationDeclinedSubject = ({ invitee, workspaceName }: Pick<InvitationDeclinedEmailProps, "invitee" | "workspaceName">) =>
  `${invitee} declined your invitation to ${workspaceName}`;

export default function InvitationDeclinedEmail({ invitee, workspaceName, role, url }: InvitationDeclinedEmailProps) {
  return (
    <EmailLayout preview={invitationDeclinedSubject({ invitee, workspaceName })}>
      <Text style={emailStyles.heading}>Invitation declined</Text>
      <Text style={emailStyles.text}>
        {invitee} declined your invitation to join <strong>{workspaceName}</strong> as {role === "admin" || role === "auditor" ? "an" : "a"} {role}.
        Their invitation link no longer works, and it no longer takes a seat.
      </Text>
      <Section style={{ margin: "24px 0" }}>
        <Button href={url} style={emailStyles.button}>
          Open Members
        </Button>
      </Section>
      <Text style={emailStyles.muted}>
        The Members page of {workspaceName} lists it as declined for 30 days; from there, whoever may invite people can invite them
        again.
      </Text>
    </EmailLayout>
  );
}

InvitationDeclinedEmail.PreviewProps = {
  invitee: "Grace Hopper (grace@example.com)",
  workspaceName: "Acme Production",
  role: "admin",
  url: "http://localhost:3000/app/settings",
} satisfies InvitationDeclinedEmailProps;
