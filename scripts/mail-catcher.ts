// The local mail catcher (maildev): an SMTP server that keeps every message,
// with a web UI to read them and a REST API the browser tests read links from.
import { freePort } from "./db/postgres";

export interface MailCatcher {
  smtpUrl: string;
  webUrl: string;
  stop(): Promise<void>;
}

export async function startMailCatcher(options: { smtpPort?: number; webPort?: number } = {}): Promise<MailCatcher> {
  const { MailDev } = await import("maildev");
  const smtp = await freePort(options.smtpPort);
  const web = await freePort(options.webPort);
  const maildev = new MailDev({ smtp, web, ip: "127.0.0.1", webIp: "127.0.0.1", silent: true });
  await maildev.start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtp}`,
    webUrl: `http://localhost:${web}`,
    stop: () => maildev.stop(),
  };
}
