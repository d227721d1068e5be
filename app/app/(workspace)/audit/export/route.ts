import type { NextRequest } from "next/server";
import { EXPORT_FORMATS, ExportBusyError, exportAuditEvents, exportFileName, readAuditFilters, type ExportFormat } from "@/lib/audit";
import { EXPORT_REFUSED_PARAM, EXPORT_RETRY_PARAM, type ExportRefusal } from "@/lib/audit/export-refusals";
import { EXPORT_NOT_IN_PLAN, workspaceMayExport } from "@/lib/billing/limits";
import { DomainError, planLimitFrom } from "@/lib/errors";
import { refusedByLimit } from "@/lib/http/rate-limited";
import { limitAuditExport } from "@/lib/rate-limit";
import { can, getTenantContext, SUSPENDED } from "@/lib/tenancy";

const refuse = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers } });

/**
 * A person's click on the audit page's Export link is a navigation: its
 * refusal goes back to the page (its filters kept), which says why, instead
 * of becoming a downloaded file holding the sentence. Scripts and other
 * clients get the status, Retry-After and the sentence.
 */
function refuseTo(request: NextRequest, refusal: Response, reason: ExportRefusal): Response {
  const navigation = request.headers.get("sec-fetch-mode") === "navigate" && request.headers.get("sec-fetch-dest") === "document";
  if (!navigation) return refusal;
  const params = new URLSearchParams(request.nextUrl.searchParams);
  params.delete("format");
  params.delete(EXPORT_REFUSED_PARAM);
  params.delete(EXPORT_RETRY_PARAM);
  params.set(EXPORT_REFUSED_PARAM, reason);
  const retry = refusal.headers.get("Retry-After");
  if (retry) params.set(EXPORT_RETRY_PARAM, retry);
  return new Response(null, { status: 303, headers: { Location: `/app/audit?${params}`, "Cache-Control": "no-store" } });
}

/**
 * GET /app/audit/export?format=csv|jsonl&<the page's filters>: exactly the
 * filtered events, streamed. Owners, admins and auditors only (the RLS policy
 * on audit_log agrees). Every refusal comes before the first byte: 400 for
 * filters (checked here, then by the database), 403, or 429 with
 * Retry-After when too many exports run — on this server, for this user or
 * for this workspace. A 200 has its audit.export row already committed.
 */
export async function GET(request: NextRequest) {
  const resolved = await getTenantContext();
  if (resolved.kind === "signed-out" || resolved.kind === "inactive") return refuse(401, "Sign in to export the audit log.");
  if (resolved.kind === "no-tenant") return refuse(403, "You do not belong to a workspace.");
  if (resolved.kind === "suspended") return refuse(402, SUSPENDED);
  if (!can(resolved.role, "audit.export")) return refuseTo(request, refuse(403, "Your role in this workspace does not allow exporting the audit log."), "role");

  const params = request.nextUrl.searchParams;
  const format = (params.get("format") ?? "csv") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return refuse(400, "Choose an export format: csv or jsonl.");
  // Every filter is checked here, before the export starts: once its first
  // byte is sent, a failure can only break the download off.
  const parsed = await readAuditFilters(params);
  if (!parsed.ok) return refuseTo(request, refuse(400, parsed.error), "filters");
  // The plan (seed 003): 402 plan-limit before anything starts (the database refuses the export's first row too).
  if (!(await workspaceMayExport(resolved))) return refuseTo(request, refuse(402, EXPORT_NOT_IN_PLAN), "plan");
  const limited = await refusedByLimit(limitAuditExport(resolved.userId));
  if (limited) return refuseTo(request, limited, "limit");

  let body: ReadableStream<Uint8Array>;
  try {
    body = await exportAuditEvents(resolved, parsed.filters, format);
  } catch (error) {
    if (error instanceof ExportBusyError) {
      return refuseTo(request, refuse(429, error.message, { "Retry-After": String(error.retryAfterSeconds) }), `busy-${error.limit}`);
    }
    if (error instanceof DomainError && error.code === "invalid_filters") return refuseTo(request, refuse(400, error.message), "filters");
    if (error instanceof DomainError && error.code === "not_member") return refuse(403, error.message);
    if (planLimitFrom(error) || String(error).includes(EXPORT_NOT_IN_PLAN)) return refuseTo(request, refuse(402, EXPORT_NOT_IN_PLAN), "plan");
    console.error("[audit export] could not start", error);
    return refuseTo(request, refuse(500, "The export could not start. Try again in a moment."), "failed");
  }
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFileName(resolved.tenant.slug, parsed.filters, format)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/**
 * Not a GET without its body: an export is audited and counted against the
 * export limits, so asking only for its headers would cost an export.
 */
export function HEAD() {
  return new Response(null, { status: 405, headers: { Allow: "GET", "Cache-Control": "no-store" } });
}
