import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { TimeZoneProvider } from "@/components/local-time";
import { TIME_ZONE_COOKIE, viewerTimeZone } from "@/lib/time-zone";
import "./globals.css";

// Rendered per request, every page: Next.js can only put the request's CSP
// nonce (middleware.ts) on the scripts of a page it renders then.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Tenantry", template: "%s · Tenantry" },
  description: "Workspaces, members, invitations, roles and an audit log.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const timeZone = viewerTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value);
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <TimeZoneProvider timeZone={timeZone}>{children}</TimeZoneProvider>
      </body>
    </html>
  );
}
