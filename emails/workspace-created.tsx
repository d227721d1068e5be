import { Button, Section, Text } from "@react-email/components";
import { EmailLayout, emailStyles } from "./components";

export interface WorkspaceCreatedEmailProps {
  /** The sign-in page for the owner's address, which opens the app (its last-used workspace) once they are signed in. */
  url: string;
  workspaceName: string;
  /** The owner's address: the one they sign in with. */
  email: string;
}

/** To the first owner of a workspace the platform created for them (/admin/workspaces/new). */
export default function WorkspaceCreatedEmail({ url, workspaceName, email }: WorkspaceCreatedEmailProps) {
  return (
    <EmailLayout preview={`Your workspace ${workspaceName} is ready`}>
      <Text style={emailStyles.heading}>{workspaceName} is ready on Tenantry</Text>
      <Text style={emailStyles.text}>
        The workspace <strong>{workspaceName}</strong> was created for you, and you are its owner: you can invite your team and
        manage it.
      </Text>
      <Text style={emailStyles.text}>
        Sign in with this address, {email}. If you belong to other workspaces, Tenantry opens the one you used last: choose{" "}
        {workspaceName} in the workspace switcher.
      </Text>
      <Section style={{ margin: "24px 0" }}>
        <Button href={url} style={emailStyles.button}>
          Sign in to Tenantry
        </Button>
      </Section>
      <Text style={emailStyles.muted}>Or paste this link into your browser:</Text>
      <Text style={emailStyles.link}>{url}</Text>
      <Text style={emailStyles.muted}>If you were not expecting this workspace, you can ignore this email.</Text>
    </EmailLayout>
  );
}

WorkspaceCreatedEmail.PreviewProps = {
  url: "http://localhost:3000/sign-in?email=ada%40example.com&next=%2Fapp%2Fdashboard",
  workspaceName: "Acme Production",
  email: "ada@example.com",
} satisfies WorkspaceCreatedEmailProps;
