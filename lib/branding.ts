// A workspace's branding rules (seed 002: a logo and a colour), shared by the
// settings forms (hints as one types) and the server (the authority). Pure:
// no server-only imports.
import { z } from "zod";

/** WCAG 2's AA minimum for normal text: white text must stay this readable on the accent colour. */
export const MIN_ACCENT_CONTRAST = 4.5;

/** An upload larger than this is refused before it is decoded. */
export const LOGO_MAX_BYTES = 1024 * 1024;
/** Width × height an upload may declare; a larger image is refused from its header, never decoded. */
export const LOGO_MAX_PIXELS = 25_000_000;
/** The stored logo fits in a square this many pixels wide (twice the largest size it is shown at, for sharp screens). */
export const LOGO_MAX_SIDE = 256;
/** What the file picker offers; the server trusts only the bytes' own signature. */
export const LOGO_ACCEPT = "image/png,image/jpeg,image/webp";

export const NOTES_MAX = 2000;

const HEX = /^#[0-9a-f]{6}$/;

/** sRGB channel (0–255) to linear light, as WCAG 2 defines relative luminance. */
function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/**
 * The contrast ratio of white text on `#rrggbb` (1 to 21). The database's
 * app_contrast_with_white() computes the same for its CHECK.
 */
export function contrastWithWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => linear(Number.parseInt(hex.slice(i, i + 2), 16)));
  return 1.05 / (0.2126 * r! + 0.7152 * g! + 0.0722 * b! + 0.05);
}

/** A ratio as people read it, never rounded up past a threshold: 4.4999 is "4.49:1". */
export function formatContrast(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}

/**
 * Why an accent colour is refused, or null when it is fine. Takes what a
 * person typed: `#4F46E5` is the same colour as `#4f46e5`.
 */
export function accentProblem(value: string): string | null {
  const hex = value.trim().toLowerCase();
  if (!HEX.test(hex)) return "Enter the colour as # and six hexadecimal digits, like #4f46e5.";
  const ratio = contrastWithWhite(hex);
  if (ratio < MIN_ACCENT_CONTRAST) {
    return `White text on ${hex} has a contrast of only ${formatContrast(ratio)}; it needs at least ${MIN_ACCENT_CONTRAST}:1. Choose a darker colour.`;
  }
  return null;
}

/** The accent colour field: empty for none (the plain look), else a colour white text is readable on, stored lowercase. */
export const accentSchema = z
  .string({ error: "Enter a colour like #4f46e5, or leave it empty." })
  .trim()
  .toLowerCase()
  .superRefine((value, ctx) => {
    const problem = value === "" ? null : accentProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((value) => (value === "" ? null : value));

/** Kilobytes or megabytes, for messages about sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why a chosen file cannot be a logo, judged from what the browser knows before sending it (the server checks again). */
export function logoFileProblem(file: { size: number }): string | null {
  if (file.size > LOGO_MAX_BYTES) return `The file is ${formatBytes(file.size)}; a logo may be at most ${formatBytes(LOGO_MAX_BYTES)}.`;
  return null;
}

/** Where a workspace's logo is served: the version in the URL lets browsers keep it until it changes. */
export function logoUrl(tenantId: string, version: string): string {
  return `/app/logo/${tenantId}?v=${encodeURIComponent(version)}`;
}
