import "server-only";
// The answer to GET /app/logo/<tenantId>: the workspace's re-encoded logo,
// for its members only. Whoever else asks — signed out, not a member, a
// suspended or deleted workspace, a malformed id, no logo — gets the same
// 404, which says nothing about which it was.
import { DomainError } from "@/lib/errors";
import { IMAGE_CONTENT_SECURITY_POLICY } from "@/lib/http/edge.mjs";
import type { Credential } from "@/lib/tenancy";
import { readLogo } from "@/lib/workspace-settings";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A versioned URL names one image for ever; any other is checked with the ETag each time. */
const IMMUTABLE = "private, max-age=31536000, immutable";
const REVALIDATE = "private, no-cache";

const notFound = () =>
  new Response("Not found\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

/** The entity tags an If-None-Match header lists (weak or strong alike, as RFC 9110 compares them for it), or "*". */
function requestedTags(header: string | null): string[] | "*" {
  if (!header) return [];
  if (header.trim() === "*") return "*";
  return [...header.matchAll(/(?:W\/)?"([^"]*)"/g)].map((m) => m[1]!);
}

export async function logoResponse(credential: Credential | null, tenantId: string, request: Request): Promise<Response> {
  if (!credential || !UUID.test(tenantId)) return notFound();
  const tags = requestedTags(request.headers.get("if-none-match"));
  let logo;
  try {
    logo = await readLogo({ tenantId: tenantId.toLowerCase(), credential }, tags === "*" ? null : (tags.find((t) => /^[0-9a-f]{16}$/.test(t)) ?? null));
  } catch (error) {
    if (error instanceof DomainError) return notFound();
    throw error;
  }
  if (!logo) return notFound();

  const version = new URL(request.url).searchParams.get("v");
  const headers: Record<string, string> = {
    ETag: `"${logo.version}"`,
    "Cache-Control": version === logo.version ? IMMUTABLE : REVALIDATE,
    // Never interpreted as anything but the image it says it is, nor embedded by another site.
    "X-Content-Type-Options": "nosniff",
    // middleware.ts sets the same policy on this path, where its headers win over these.
    "Content-Security-Policy": IMAGE_CONTENT_SECURITY_POLICY,
    "Cross-Origin-Resource-Policy": "same-origin",
  };
  if (tags === "*" || tags.includes(logo.version)) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(logo.content!), {
    headers: { ...headers, "Content-Type": logo.mime, "Content-Length": String(logo.content!.byteLength) },
  });
}
