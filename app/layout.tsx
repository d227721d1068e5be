import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// Rendered per request, every page: Next.js can only put the request's CSP
// nonce (middleware.ts) on the scripts of a page it renders then.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Tenantry", template: "%s · Tenantry" },
  description: "Workspaces, members, invitations, roles and an audit log.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
