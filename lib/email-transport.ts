// Sending email: the app (through lib/email.ts) and the background worker,
// which runs outside Next.js and so cannot import a "server-only" module.
import { render } from "@react-email/render";
import type { ReactElement } from "react";

export interface OutgoingEmail {
  to: string;
  subject: string;
  react: ReactElement;
}

export type EmailResult = { delivered: true } | { delivered: false; error: string };

/**
 * The longest a send may take. Invitations are sent inside their transaction
 * (so the audit row records whether the email went out), which holds the
 * tenant's lock: a hanging mail server must fail fast, not stall the tenant.
 */
export const EMAIL_DEADLINE_MS = 8_000;

function deadline(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer from the mail service within ${ms / 1000} s`)), ms).unref());
}

const from = () => process.env.EMAIL_FROM || "Tenantry <no-reply@tenantry.localhost>";

/**
 * Sends through Resend when RESEND_API_KEY is set, otherwise over SMTP to
 * SMTP_URL (in development: the local mail catcher `npm run dev` starts).
 * Never throws: callers record whether the email went out.
 */
export async function sendEmail(email: OutgoingEmail): Promise<EmailResult> {
  try {
    return await Promise.race([deliver(email), deadline(EMAIL_DEADLINE_MS)]);
  } catch (error) {
    return { delivered: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function deliver(email: OutgoingEmail): Promise<EmailResult> {
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
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: EMAIL_DEADLINE_MS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  await transport.sendMail({ from: from(), to: email.to, subject: email.subject, html, text });
  return { delivered: true };
}
