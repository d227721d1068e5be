import "server-only";
import { render } from "@react-email/render";
import type { ReactElement } from "react";

export interface OutgoingEmail {
  to: string;
  subject: string;
  react: ReactElement;
}

export type EmailResult = { delivered: true } | { delivered: false; error: string };

const from = () => process.env.EMAIL_FROM || "Tenantry <no-reply@tenantry.localhost>";

/**
 * Sends through Resend when RESEND_API_KEY is set, otherwise over SMTP to
 * SMTP_URL (in development: the local mail catcher `npm run dev` starts).
 * Never throws: callers record whether the email went out.
 */
export async function sendEmail(email: OutgoingEmail): Promise<EmailResult> {
  try {
    const [html, text] = await Promise.all([render(email.react), render(email.react, { plainText: true })]);
    const apiKey = process.env.RESEND_API_KEY;
    if (apiKey) {
      const { Resend } = await import("resend");
      const { error } = await new Resend(apiKey).emails.send({ from: from(), to: email.to, subject: email.subject, html, text });
      if (error) return { delivered: false, error: error.message };
      return { delivered: true };
    }
    const smtpUrl = process.env.SMTP_URL;
    if (!smtpUrl) return { delivered: false, error: "No email transport configured (set RESEND_API_KEY or SMTP_URL)." };
    const nodemailer = await import("nodemailer");
    const transport = nodemailer.createTransport(smtpUrl);
    await transport.sendMail({ from: from(), to: email.to, subject: email.subject, html, text });
    return { delivered: true };
  } catch (error) {
    return { delivered: false, error: error instanceof Error ? error.message : String(error) };
  }
}
