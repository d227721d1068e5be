import "server-only";
import { refresh } from "next/cache";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { DomainError, planLimitFrom } from "@/lib/errors";
import { currentRequestInfo, getTenantContext, type Credential, type Membership, type RequestInfo, type SignedInUser, type TenantContext } from "./context";
import { allows, can, type Permission } from "./permissions";
import { readForm } from "./form";
import { seenWorkspace } from "./seen-notice";
import { lostWorkspaceSentence, type SeenWorkspace } from "./seen-workspace";
import { SIGNED_OUT, SIGNED_OUT_CODE } from "./signed-out";
import { TENANT_FIELD } from "./tenant-field";

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  /** `code` names a refusal a form does more with than show it: SIGNED_OUT_CODE, to which forms add a "Sign in again" link. */
  | { ok: false; error: string; fieldErrors?: Record<string, string>; code?: typeof SIGNED_OUT_CODE };

export type ActionState<T = undefined> = ActionResult<T> | null;

/** The refusal of a request whose session has ended (signed out, expired, the account deactivated): the one message, with its code. */
export function signedOut(): ActionResult<never> {
  return { ok: false, error: SIGNED_OUT, code: SIGNED_OUT_CODE };
}

export function validationFailure(error: z.ZodError): ActionResult<never> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, error: Object.values(fieldErrors)[0] ?? "Check the form and try again.", fieldErrors };
}

/** Turns what a handler threw into something the form can show; bugs are logged, not leaked. */
export function failureFrom(error: unknown): ActionResult<never> {
  unstable_rethrow(error);
  const limited = planLimitFrom(error);
  if (limited) return { ok: false, error: limited.message };
  if (error instanceof DomainError) {
    // The database found the session gone (app_enter and its siblings): said as the wrappers say it.
    if (error.code === SIGNED_OUT_CODE) return signedOut();
    return { ok: false, error: error.forPage, fieldErrors: error.field ? { [error.field]: error.forPage } : undefined };
  }
  console.error("[action] unexpected failure", error);
  return { ok: false, error: "Something went wrong and nothing was changed. Try again." };
}

/**
 * When the workspace a form was rendered for is not the one the request acts
 * in, the action refuses rather than act on a workspace the user did not
 * see, and says why: another tab switched since; the workspace was
 * suspended; or it is gone from the user's workspaces — they were removed,
 * or it was deleted, and the request fell back to another one. Where the
 * browser's receipt of the last workspace shown (`lastSeen`, see
 * seen-workspace.ts) names the form's workspace as one the user was in as a
 * delegate, its loss is said as the lost-workspace notice says it: the
 * delegated access ended, which no removal explains.
 */
export function workspaceMismatch(ctx: TenantContext, formTenantId: string | undefined, lastSeen: SeenWorkspace | null = null): string | null {
  if (formTenantId === ctx.tenantId) return null;
  const now = `you are now in ${ctx.tenant.name}. Reload to continue.`;
  if (formTenantId === undefined) return `This page belongs to another workspace; ${now}`;
  const seen = ctx.memberships.find((m) => m.tenantId === formTenantId);
  if (!seen && lastSeen?.tenantId === formTenantId && lastSeen.via) {
    return `${lostWorkspaceSentence(lastSeen, (name) => name).join("")} You are now in ${ctx.tenant.name}. Reload to continue.`;
  }
  if (!seen) return `You no longer have access to the workspace this page belongs to (you were removed from it, or it was deleted); ${now}`;
  if (seen.status === "blocked") return `${seen.tenantName} has been suspended by the platform; ${now}`;
  return `This page belongs to workspace ${seen.tenantName}; you have since switched to ${ctx.tenant.name}. Reload to continue.`;
}

/**
 * The one wrapper every tenant-scoped server action goes through:
 * refuse what is not a form or holds a NUL byte (readForm) → parse it with
 * zod → resolve the session and active tenant → refuse a form rendered for
 * another workspace (a missing or foreign `_tenant`) → check the permission
 * in the roles matrix (any of them, when several are named), and that a
 * delegate may use it → run the handler (which does its writes inside
 * withTenant, whose entry checks the membership again in the database).
 * Errors come back as typed results, never a 500.
 *
 * Only the file fields named in `files` reach the schema (as File objects,
 * beside the text fields); an action that names none never sees a file.
 */
export function tenantAction<S extends z.ZodType, T = undefined>(
  config: { schema: S; permission: Permission | readonly Permission[]; files?: readonly string[] },
  handler: (input: z.output<S>, ctx: TenantContext) => Promise<ActionResult<T>>,
) {
  return async (_prev: ActionState<T>, formData: FormData): Promise<ActionResult<T>> => {
    const form = readForm(formData);
    if (!form.ok) return form.refusal;
    const fields = form.fields;
    const files = Object.fromEntries((config.files ?? []).flatMap((name) => (Object.hasOwn(form.files, name) ? [[name, form.files[name]!]] : [])));
    const parsed = config.schema.safeParse({ ...fields, ...files });
    if (!parsed.success) return validationFailure(parsed.error);
    try {
      const resolved = await getTenantContext();
      // Suspended since the page was shown: said as such, not as a lost membership (reloading leads to the page saying it too).
      if (resolved.kind === "suspended") {
        return { ok: false, error: `${resolved.tenant.name} is suspended: nothing in it can be changed until the suspension is lifted.` };
      }
      if (resolved.kind === "signed-out" || resolved.kind === "inactive") return signedOut();
      if (resolved.kind !== "tenant") {
        return { ok: false, error: "You no longer belong to this workspace. Reload the page." };
      }
      const formTenantId = fields[TENANT_FIELD];
      // A form of a workspace gone from the user's list: the receipt of the last one shown may say how they were in it.
      const gone = formTenantId !== undefined && formTenantId !== resolved.tenantId && !resolved.memberships.some((m) => m.tenantId === formTenantId);
      const mismatch = workspaceMismatch(resolved, formTenantId, gone ? await seenWorkspace(resolved.userId) : null);
      if (mismatch) return { ok: false, error: mismatch };
      const permissions: readonly Permission[] = typeof config.permission === "string" ? [config.permission] : config.permission;
      if (!permissions.some((p) => can(resolved.role, p))) {
        // The page offered it, so the role changed since the page was shown: the page renders again, with the role as it is now.
        refresh();
        return { ok: false, error: "Your role in this workspace does not allow that (any more): the page now shows your current role." };
      }
      if (!permissions.some((p) => allows(resolved, p))) {
        return {
          ok: false,
          error: `You are in ${resolved.tenant.name} as a delegate of ${resolved.delegation?.viaTenantName ?? "a parent workspace"}: that is done only by its members.`,
        };
      }
      return await handler(parsed.data, resolved);
    } catch (error) {
      return failureFrom(error);
    }
  };
}

/**
 * For actions of a signed-in user that need no active tenant (creating a
 * workspace, switching, accepting an invitation): read the form (readForm) →
 * parse → session → handler.
 */
export function userAction<S extends z.ZodType, T = undefined>(
  config: { schema: S },
  handler: (
    input: z.output<S>,
    who: { user: SignedInUser; request: RequestInfo; credential: Credential; memberships: Membership[] },
  ) => Promise<ActionResult<T>>,
) {
  return async (_prev: ActionState<T>, formData: FormData): Promise<ActionResult<T>> => {
    const form = readForm(formData);
    if (!form.ok) return form.refusal;
    const parsed = config.schema.safeParse(form.fields);
    if (!parsed.success) return validationFailure(parsed.error);
    try {
      const resolved = await getTenantContext();
      if (resolved.kind === "signed-out" || resolved.kind === "inactive") return signedOut();
      const { user, request, credential, memberships } = resolved;
      return await handler(parsed.data, { user, request, credential, memberships });
    } catch (error) {
      return failureFrom(error);
    }
  };
}

/**
 * For actions of someone who may not be signed in (asking for a sign-in
 * link): read the form (readForm) → parse → handler, with the request's
 * client information. No session is looked up; the handler decides what an
 * anonymous caller may do.
 */
export function publicAction<S extends z.ZodType, T = undefined>(
  config: { schema: S },
  handler: (input: z.output<S>, who: { request: RequestInfo }) => Promise<ActionResult<T>>,
) {
  return async (_prev: ActionState<T>, formData: FormData): Promise<ActionResult<T>> => {
    const form = readForm(formData);
    if (!form.ok) return form.refusal;
    const parsed = config.schema.safeParse(form.fields);
    if (!parsed.success) return validationFailure(parsed.error);
    try {
      return await handler(parsed.data, { request: await currentRequestInfo() });
    } catch (error) {
      return failureFrom(error);
    }
  };
}

/**
 * For plain form actions that answer with a redirect and have no form state
 * to show an error in (sign in with GitHub, sign out): what is not a form,
 * holds a NUL byte or does not parse does nothing at all.
 */
export function formAction<S extends z.ZodType>(config: { schema: S }, handler: (input: z.output<S>) => Promise<void>) {
  return async (formData: FormData): Promise<void> => {
    const form = readForm(formData);
    if (!form.ok) return;
    const parsed = config.schema.safeParse(form.fields);
    if (!parsed.success) return;
    await handler(parsed.data);
  };
}
