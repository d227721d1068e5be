import type { NextRequest } from "next/server";
import { EXPORT_FORMATS, ExportBusyError, exportAuditEvents, exportFileName, readAuditFilters, type ExportFormat } from "@/lib/audit";
import { EXPORT_REFUSED_PARAM, EXPORT_RETRY_PARAM, type ExportRefusal } from "@/lib/audit/export-refusals";
import { EXPORT_NOT_IN_PLAN, exportNotInPlan, workspaceMayExport } from "@/lib/billing/limits";
import { DomainError, planLimitFrom } from "@/lib/errors";
import { refusedByLimit } from "@/lib/http/rate-limited";
import { limitAuditExport } from "@/lib/rate-limit";
import { can, getTenantContext, SUSPENDED, TENANT_FIELD, workspaceMismatch } from "@/lib/tenancy";

const refuse = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(`${message}\n`, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers } });

/**
 * Whether the request is a person's click on the audit page's Export link
 * (a navigation), not a script's or another client's: the browser says so
 * (Sec-Fetch-Mode and Sec-Fetch-Dest), or, where it sends no Sec-Fetch
 * headers (a page served over plain HTTP from another host than localhost),
 * it asks for a page (Accept: text/html) as no API client does by default.
 */
function isNavigation(request: NextRequest): boolean {
  const mode = request.headers.get("sec-fetch-mode");
  if (mode) return mode === "navigate" && request.headers.get("sec-fetch-dest") === "document";
  return /\btext\/html\b/.test(request.headers.get("accept") ?? "");
}

/** The audit page's query the export was asked with: its filters, without the export's own parameters. */
function auditQuery(request: NextRequest): URLSearchParams {
  const params = new URLSearchParams(request.nextUrl.searchParams);
  params.delete("format");
  params.delete(TENANT_FIELD);
  params.delete(EXPORT_REFUSED_PARAM);
  params.delete(EXPORT_RETRY_PARAM);
  return params;
}

const seeOther = (location: string) => new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });

/**
 * A person's click on the audit page's Export link is a navigation: its
 * refusal goes back to the page (its filters kept), which says why, instead
 * of becoming a downloaded file holding the sentence. Scripts and other
 * clients get the status, Retry-After and the sentence.
 */
function refuseTo(request: NextRequest, refusal: Response, reason: ExportRefusal): Response {
  if (!isNavigation(request)) return refusal;
  const params = auditQuery(request);
  params.set(EXPORT_REFUSED_PARAM, reason);
  const retry = refusal.headers.get("Retry-After");
  if (retry) params.set(EXPORT_RETRY_PARAM, retry);
  return seeOther(`/app/audit?${params}`);
}

/**
 * A click from a page one can no longer act from — signed out, or no longer
 * in the workspace (removed, or it was deleted or suspended) — goes where the
 * app's pages send such a request, which says what happened: the sign-in
 * page (back to the audit page after), the dashboard (the workspace gone
 * from one's list: the next page says so, or onboarding when none is left),
 * the suspended page. Never a bare sentence with no way on. Scripts get the
 * status and the sentence.
 */
function leaveTo(request: NextRequest, refusal: Response, where: "sign-in" | "dashboard" | "suspended"): Response {
  if (!isNavigation(request)) return refusal;
  if (where === "dashboard") return seeOther("/app/dashboard");
  if (where === "suspended") return seeOther("/app/suspended");
  const query = auditQuery(request).toString();
  return seeOther(`/sign-in?next=${encodeURIComponent(`/app/audit${query ? `?${query}` : ""}`)}`);
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
  if (resolved.kind === "signed-out" || resolved.kind === "inactive") return leaveTo(request, refuse(401, "Sign in to export the audit log."), "sign-in");
  if (resolved.kind === "no-tenant") return leaveTo(request, refuse(403, "You do not belong to a workspace."), "dashboard");
  if (resolved.kind === "suspended") return leaveTo(request, refuse(402, SUSPENDED), "suspended");
  // The page's link names the workspace it was shown for (TENANT_FIELD), as
  // its forms do: an export never answers with another workspace's log
  // because the user switched in another tab, or was removed from the page's
  // workspace and the request fell back to another of theirs.
  const pageTenant = request.nextUrl.searchParams.get(TENANT_FIELD);
  if (pageTenant !== null) {
    const mismatch = workspaceMismatch(resolved, pageTenant);
    if (mismatch) {
      const stillIn = resolved.memberships.some((m) => m.tenantId === pageTenant && m.status !== "blocked");
      return stillIn ? refuseTo(request, refuse(409, mismatch), "workspace") : leaveTo(request, refuse(403, mismatch), "dashboard");
    }
  }
  if (!can(resolved.role, "audit.export")) return refuseTo(request, refuse(403, "Your role in this workspace does not allow exporting the audit log."), "role");

  const params = request.nextUrl.searchParams;
  const format = (params.get("format") ?? "csv") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return refuse(400, "Choose an export format: csv or jsonl.");
  // Every filter is checked here, before the export starts: once its first
  // byte is sent, a failure can only break the download off.
  const parsed = await readAuditFilters(params);
  if (!parsed.ok) return refuseTo(request, refuse(400, parsed.error), "filters");
  // The plan (seed 003): 402 plan-limit before anything starts (the database refuses the export's first row too).
  if (!(await workspaceMayExport(resolved))) return refuseTo(request, refuse(402, exportNotInPlan(resolved.role)), "plan");
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
    if (error instanceof DomainError && error.code === "not_member") return leaveTo(request, refuse(403, error.message), "dashboard");
    if (planLimitFrom(error) || String(error).includes(EXPORT_NOT_IN_PLAN)) return refuseTo(request, refuse(402, exportNotInPlan(resolved.role)), "plan");
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
