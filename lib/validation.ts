// Input rules shared by forms (client-side hints) and server actions (the
// authority). Pure: no server-only imports.
import { z } from "zod";

export const EMAIL_MAX = 254;
export const TENANT_NAME_MAX = 80;
export const SLUG_MIN = 3;
export const SLUG_MAX = 48;

export const emailSchema = z
  .string({ error: "Enter an email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter an email address.")
  .max(EMAIL_MAX, `An email address has at most ${EMAIL_MAX} characters.`)
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }));

/**
 * Control characters and invisible formatting characters (text-direction
 * overrides and isolates, zero-width spaces, soft hyphens, line separators):
 * in a name shown to others they hide or disguise what it says. The joiners
 * (U+200C, U+200D) and the tag characters of subdivision flags stay allowed:
 * joined emoji, flags and some scripts need them. The database refuses the
 * same in a workspace's name (tenants_name_characters) and in a display name
 * the app sets (users_name_rules).
 */
const HIDDEN_CHARACTER = /[\p{Cc}\u2028\u2029]|(?![\u200c\u200d\u{e0020}-\u{e007f}])\p{Cf}/u;

export const tenantNameSchema = z
  .string({ error: "Enter a workspace name." })
  .trim()
  .min(1, "Enter a workspace name.")
  .max(TENANT_NAME_MAX, `Keep the name to ${TENANT_NAME_MAX} characters or fewer.`)
  .refine(
    (value) => !HIDDEN_CHARACTER.test(value),
    "A workspace name cannot contain line breaks, tabs, or invisible characters such as text-direction marks.",
  );

export const slugSchema = z
  .string({ error: "Enter a URL slug." })
  .trim()
  .min(SLUG_MIN, `The slug needs at least ${SLUG_MIN} characters.`)
  .max(SLUG_MAX, `Keep the slug to ${SLUG_MAX} characters or fewer.`)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens, with no hyphen at either end.");

export const uuidSchema = (message: string) => z.uuid({ error: message });

/** Whether two UUIDs are the same one, however each is spelt (the schemas accept capitals; the database answers in lower case). */
export const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A slug suggestion for a name: "Acme Production!" → "acme-production". */
export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/g, "");
  return base.length >= SLUG_MIN ? base : `${base}${base ? "-" : ""}workspace`.slice(0, SLUG_MAX);
}

export const createTenantSchema = z
  .object({ name: tenantNameSchema, slug: z.string().trim().toLowerCase().optional() })
  .transform((v) => ({ name: v.name, slug: v.slug || slugify(v.name) }))
  .pipe(z.object({ name: z.string(), slug: slugSchema }));

export type CreateTenantInput = z.output<typeof createTenantSchema>;

/**
 * Postgres text cannot hold a NUL byte (it refuses the statement), so input
 * carrying one is refused where it enters, as a form error or an ignored
 * query parameter, never sent to a query.
 */
export const hasNulByte = (value: string): boolean => value.includes("\u0000");
export const NUL_BYTE_MESSAGE = "Text cannot contain NUL characters. Remove them and try again.";

/**
 * A list page's search box as it arrives in the URL: trimmed and capped, and
 * read as no search when it is not text Postgres can hold (a NUL byte) — a
 * page never answers 500 to its own query string.
 */
export const searchQuerySchema = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((q) => !hasNulByte(q))
    .catch("");

export const DISPLAY_NAME_MAX = 80;

/**
 * A person's display name: trimmed, inner runs of spaces made one, at most
 * 80 characters, no control characters. Empty clears it (null).
 */
export const displayNameSchema = z
  .string({ error: "Enter a name." })
  .transform((value) => value.trim().replace(/\s+/g, " "))
  .refine((value) => !HIDDEN_CHARACTER.test(value), "A name cannot contain control or formatting characters.")
  .refine((value) => value.length <= DISPLAY_NAME_MAX, `Keep the name to ${DISPLAY_NAME_MAX} characters or fewer.`)
  .transform((value) => (value === "" ? null : value));
