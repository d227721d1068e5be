import { Button, Section, Text } from "@react-email/components";
import { EmailLayout, emailStyles } from "./components";

export interface MagicLinkEmailProps {
  url: string;
  host: string;
  expiresInMinutes: number;
}

export default function MagicLinkEmail({ url, host, expiresInMinutes }: MagicLinkEmailProps) {
  return (
    <EmailLayout preview={`Sign in to ${host}`}>
      <Text style={emailStyles.heading}>Sign in to Tenantry</Text>
      <Text style={emailStyles.text}>Click the button below to sign in. The link works once and expires in {expiresInMinutes} minutes.</Text>
      <Section style={{ margin: "24px 0" }}>
        <Button href={url} style={emailStyles.button}>
          Sign in
        </Button>
      </Section>
      <Text style={emailStyles.muted}>Or paste this link into your browser:</Text>
      <Text style={emailStyles.link}>{url}</Text>
      <Text style={emailStyles.muted}>If you did not ask to sign in, you can ignore this email.</Text>
    </EmailLayout>
  );
}

MagicLinkEmail.PreviewProps = {
  url: "http://localhost:3000/api/auth/callback/email?token=example",
  host: "localhost:3000",
  expiresInMinutes: 60,
} satisfies MagicLinkEmailProps;
