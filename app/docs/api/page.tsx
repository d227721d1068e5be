import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import Script from "next/script";
import type { CSSProperties } from "react";

export const metadata: Metadata = { title: "API reference" };

/**
 * The interactive reference of /api/v1 (Scalar), served from this app: the
 * script is the package's own standalone bundle (app/docs/api/reference.js),
 * the document is /api/v1/openapi.json. Nothing is loaded from a CDN. The
 * mount point's id is not "api-reference": the bundle, as it loads, mounts
 * an app of its own (its older HTML API) beside any element of that id, which
 * put an empty reference above ours.
 *
 * A bar above it leads back to the app (Scalar's layout leaves it room
 * through --scalar-custom-header-height). Scalar's hosted features are off:
 * its agent ("Ask AI", which uploads the API description to Scalar's
 * servers), its MCP and SDK generation buttons and its developer tools (whose
 * share and deploy would upload the document too), all of which it offers on
 * a local address; telemetry too. The page talks to this origin only.
 */
export default async function ApiReferencePage() {
  const policy = (await headers()).get("content-security-policy") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  return (
    <div style={{ "--scalar-custom-header-height": "2.5rem" } as CSSProperties}>
      <header className="sticky top-0 z-50 flex h-10 items-center gap-4 border-b border-zinc-200 bg-white px-4 text-sm" data-testid="api-reference-bar">
        <Link href="/app" className="font-medium text-zinc-800 underline-offset-4 hover:underline">
          <span aria-hidden>← </span>Back to the app
        </Link>
        <a href="/api/v1/openapi.json" className="text-zinc-600 underline-offset-4 hover:underline">
          OpenAPI document
        </a>
      </header>
      <div id="api-docs" data-testid="api-reference" />
      <noscript>
        The reference needs JavaScript. The OpenAPI document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
      </noscript>
      <Script src="/docs/api/reference.js" nonce={nonce} strategy="afterInteractive" />
      <Script id="api-reference-init" nonce={nonce} strategy="afterInteractive">
        {`(function start(){ if (!window.Scalar) return setTimeout(start, 50); window.Scalar.createApiReference('#api-docs', { url: '/api/v1/openapi.json', hideClientButton: true, withDefaultFonts: false, telemetry: false, agent: { disabled: true }, mcp: { disabled: true }, showDeveloperTools: 'never' }); })();`}
      </Script>
    </div>
  );
}
