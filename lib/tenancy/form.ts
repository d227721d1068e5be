// What a server action receives as its form, checked once for every action
// before any schema sees it. A browser always posts form data; a script may
// call an action with anything React can encode (nothing, null, a string, an
// array, an object), and may put NUL bytes in any field, which Postgres
// refuses to store. Both are answered as a form error and change nothing.
import { hasNulByte, NUL_BYTE_MESSAGE } from "@/lib/validation";

export const NOT_FORM_MESSAGE = "This action takes a form. Reload the page and try again.";

export type FormRefusal = { ok: false; error: string; fieldErrors?: Record<string, string> };
export type FormRead =
  | { ok: true; fields: Record<string, string>; files: Record<string, File> }
  | { ok: false; refusal: FormRefusal };

/**
 * A form's text fields and, apart from them, its files (the last value of a
 * repeated field; React's own `$ACTION…` fields left out), or why the
 * argument is refused: it is not form data, or a text field's name or value
 * holds a NUL byte. A file's bytes may hold anything; what a file must be is
 * for the action that asked for it to decide.
 */
export function readForm(formData: unknown): FormRead {
  if (!(formData instanceof FormData)) return { ok: false, refusal: { ok: false, error: NOT_FORM_MESSAGE } };
  const fields = new Map<string, string>();
  const files = new Map<string, File>();
  const fieldErrors: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (key.startsWith("$ACTION")) continue;
    if (typeof value !== "string") {
      if (!hasNulByte(key)) files.set(key, value);
      continue;
    }
    if (hasNulByte(key) || hasNulByte(value)) fieldErrors[key.replaceAll("\u0000", "")] = NUL_BYTE_MESSAGE;
    else fields.set(key, value);
  }
  if (Object.keys(fieldErrors).length) return { ok: false, refusal: { ok: false, error: NUL_BYTE_MESSAGE, fieldErrors } };
  // fromEntries defines each field as an own property, so a field named
  // "__proto__" is a field like any other rather than a prototype.
  return { ok: true, fields: Object.fromEntries(fields), files: Object.fromEntries(files) };
}
