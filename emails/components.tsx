import { Body, Container, Head, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

export const emailStyles = {
  body: { backgroundColor: "#f4f4f5", fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" },
  container: { backgroundColor: "#ffffff", margin: "40px auto", padding: "32px", borderRadius: "8px", maxWidth: "480px" },
  heading: { fontSize: "20px", fontWeight: 600, color: "#18181b", margin: "0 0 16px" },
  text: { fontSize: "14px", lineHeight: "22px", color: "#3f3f46" },
  button: {
    backgroundColor: "#18181b",
    color: "#ffffff",
    padding: "10px 18px",
    borderRadius: "6px",
    fontSize: "14px",
    fontWeight: 600,
    textDecoration: "none",
    display: "inline-block",
  },
  muted: { fontSize: "12px", lineHeight: "18px", color: "#71717a" },
  link: { fontSize: "12px", color: "#52525b", wordBreak: "break-all" as const },
};

export function EmailLayout({ preview, children }: { preview: string; children: ReactNode }) {
  return (
    <Html>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={emailStyles.body}>
        <Container style={emailStyles.container}>
          {children}
          <Section>
            <Text style={emailStyles.muted}>Tenantry</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}
