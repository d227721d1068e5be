import type { Metadata } from "next";
import { headers } from "next/headers";
import Script from "next/script";

export const metadata: Metadata = { title: "API reference" };

/**
 * The interactive reference of /api/v1 (Scalar), served from this app: the
 * script is the package's own standalone bundle (app/docs/api/reference.js),
 * the document is /api/v1/openapi.json. Nothing is loaded from a CDN. The
 * mount point's id is not "api-reference": the bundle, as it loads, mounts
 * an app of its own (its older HTML API) beside any element of that id, which
 * put an empty reference above ours.
 */
export default async function ApiReferencePage() {
  const policy = (await headers()).get("content-security-policy") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  return (
    <>
      <div id="api-docs" data-testid="api-reference" />
      <noscript>
        The reference needs JavaScript. The OpenAPI document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
      </noscript>
      <Script src="/docs/api/reference.js" nonce={nonce} strategy="afterInteractive" />
      <Script id="api-reference-init" nonce={nonce} strategy="afterInteractive">
        {`(function start(){ if (!window.Scalar) return setTimeout(start, 50); window.Scalar.createApiReference('#api-docs', { url: '/api/v1/openapi.json', hideClientButton: true, withDefaultFonts: false, telemetry: false }); })();`}
      </Script>
    </>
  );
}
