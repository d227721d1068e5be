import "server-only";
import { transaction, type Tx } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import type { Role } from "./permissions";
import type { Credential } from "./resolve";
import { entering } from "./with-tenant";

/**
 * Acting as a delegate (seed 001's X-Act-As-Tenant). An admin (anyone holding
 * tenant.children.manage) of a workspace may enter any of its descendants
 * with the role the descendant's owners grant delegates (tenants.delegate_role:
 * admin by default, never owner, or none). The database decides, in the entry
 * statement itself: app_enter does it for the browser (the active-workspace
 * cookie naming a descendant), app_enter_act_as for a caller that names the
 * ancestor it acts from — what the public API does with the header:
 *
 *     const actAs = actAsTenantFromHeaders(request.headers);
 *     if (!actAs.ok) return problem(400, "validation-error", actAs.error);
 *     // key's workspace = the ancestor; header's = where the request acts
 *     await withActAs({ credential, viaTenantId: key.tenantId, tenantId: actAs.tenantId }, (tx, entered) => …);
 *
 * An API entry of its own credential (an API key rather than a session) calls
 * `app_private.delegation(user_id, tenant_id, via)` in its own entry function
 * the same way app_enter_act_as does. Refusals map to seed 001's error table
 * with `actAsRefusal`.
 */
export const ACT_AS_HEADER = "x-act-as-tenant";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The header's workspace id: absent (act in the credential's own workspace), a workspace id, or malformed (a 400). */
export function actAsTenantFromHeaders(headers: Headers): { ok: true; tenantId: string | null } | { ok: false; error: string } {
  const value = headers.get(ACT_AS_HEADER);
  if (value === null) return { ok: true, tenantId: null };
  const trimmed = value.trim();
  if (!UUID.test(trimmed)) return { ok: false, error: `${ACT_AS_HEADER} must be a workspace id.` };
  return { ok: true, tenantId: trimmed.toLowerCase() };
}

/** What the entry established: the delegated role and the ancestor's name (for the audit trail and any banner). */
export interface ActAsEntered {
  role: Role;
  viaTenantName: string;
}

/**
 * Runs `fn` in `tenantId` as a delegate acting from `viaTenantId`, in one
 * transaction whose first statement is the entry: exactly that workspace
 * through exactly that ancestor, or a DomainError whose code `actAsRefusal`
 * maps to an HTTP answer. Every audit row written inside names the ancestor
 * and is copied into its log by the database.
 */
export function withActAs<T>(
  scope: { credential: Credential; viaTenantId: string; tenantId: string },
  fn: (tx: Tx, entered: ActAsEntered) => Promise<T>,
): Promise<T> {
  return entering(() =>
    transaction<{ role: Role; via_name: string }, T>(
      (literal) =>
        `SELECT * FROM app_enter_act_as(${literal(scope.credential.token)}, ${literal(scope.viaTenantId)}::uuid, ${literal(scope.tenantId)}::uuid)`,
      (tx, entered) => fn(tx, { role: entered.role, viaTenantName: entered.via_name }),
    ),
  );
}

/** Seed 001's error table for an act-as refusal (the DomainError codes withActAs and withTenant throw). */
export function actAsRefusal(error: unknown): { status: 401 | 402 | 403 | 404; type: "unauthorized" | "tenant-suspended" | "forbidden" | "not-found" } | null {
  if (!(error instanceof DomainError)) return null;
  switch (error.code) {
    case "signed_out":
      return { status: 401, type: "unauthorized" };
    case "not_member":
    case "forbidden":
      return { status: 403, type: "forbidden" };
    case "tenant_suspended":
      return { status: 402, type: "tenant-suspended" };
    case "not_found":
      return { status: 404, type: "not-found" };
    default:
      return null;
  }
}
