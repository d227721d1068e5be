import { Button, Section, Text } from "@react-email/components";
import { EmailLayout, emailStyles } from "./components";

export interface InvitationEmailProps {
  url: string;
  workspaceName: string;
  inviterName: string;
  role: string;
  expiresAt: Date;
}

export default function InvitationEmail({ url, workspaceName, inviterName, role, expiresAt }: InvitationEmailProps) {
  const expires = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" }).format(expiresAt);
  return (
    <EmailLayout preview={`${inviterName} invited you to ${workspaceName}`}>
      <Text style={emailStyles.heading}>Join {workspaceName} on Tenantry</Text>
      <Text style={emailStyles.text}>
        {inviterName} invited you to the workspace <strong>{workspaceName}</strong> as {role === "admin" || role === "auditor" ? "an" : "a"}{" "}
        {role}.
      </Text>
      <Section style={{ margin: "24px 0" }}>
        <Button href={url} style={emailStyles.button}>
          Accept invitation
        </Button>
      </Section>
      <Text style={emailStyles.muted}>Or paste this link into your browser:</Text>
      <Text style={emailStyles.link}>{url}</Text>
      <Text style={emailStyles.muted}>
        The invitation expires on {expires} (UTC) and works only for this email address. If you were not expecting it,
        you can ignore this email.
      </Text>
    </EmailLayout>
  );
}

InvitationEmail.PreviewProps = {
  url: "http://localhost:3000/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  workspaceName: "Acme Production",
  inviterName: "Ada Lovelace",
  role: "admin",
  expiresAt: new Date("2026-12-01T00:00:00Z"),
} satisfies InvitationEmailProps;
