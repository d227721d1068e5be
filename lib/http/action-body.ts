// How large a server action's form may be. Next.js reads an action's body up
// to experimental.serverActions.bodySizeLimit (next.config.ts takes it from
// here) and answers a larger one with a 500. A logo may be 1 MB
// (lib/branding.ts), so the limit leaves room for it and the form's other
// fields; middleware.ts refuses a POST that says it is larger with a 413
// before Next.js reads it. Pure and import-free: next.config.ts and
// middleware.ts both load it.

export const ACTION_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

export const ACTION_BODY_TOO_LARGE = "This form is too large to send: at most 2 MB (a logo may be at most 1 MB).";

/** Why a POST that may be a server action is refused for its declared size, or null to let it through. */
export function oversizedAction(method: string, headers: Headers): string | null {
  if (method !== "POST") return null;
  const mayBeAction = headers.has("next-action") || (headers.get("content-type") ?? "").startsWith("multipart/form-data");
  if (!mayBeAction) return null;
  const declared = Number(headers.get("content-length"));
  return Number.isFinite(declared) && declared > ACTION_BODY_LIMIT_BYTES ? ACTION_BODY_TOO_LARGE : null;
}
