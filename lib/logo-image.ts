import "server-only";
// A logo upload becomes a new image the app made itself: the uploaded bytes
// are checked (size, then their own signature — never the declared type or
// the file name), the image's dimensions are read from its header and
// refused above LOGO_MAX_PIXELS before any pixel is decoded, and what passes
// is decoded by sharp (libvips), turned upright, scaled to fit
// LOGO_MAX_SIDE and encoded afresh as PNG without metadata. Only that PNG is
// stored and served, so nothing of the upload — a script in an SVG, text
// appended after the image, EXIF with a location — reaches anyone.
import sharp, { type Metadata } from "sharp";
import { formatBytes, LOGO_MAX_BYTES, LOGO_MAX_PIXELS, LOGO_MAX_SIDE } from "@/lib/branding";
import { DomainError } from "@/lib/errors";

// An upload is decoded once; libvips' operation cache would only keep its
// pixels in memory afterwards.
sharp.cache(false);

export type LogoFormat = "png" | "jpeg" | "webp";

export interface ProcessedLogo {
  /** The re-encoded image: what is stored and served. */
  content: Buffer;
  mime: "image/png";
  width: number;
  height: number;
  /** What was uploaded, for the audit log. */
  source: { format: LogoFormat; bytes: number; width: number; height: number };
}

const ACCEPTED = "Upload a PNG, JPEG or WebP image.";

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The format the bytes' signature names, among those accepted; null for anything else. */
export function sniffLogoFormat(bytes: Uint8Array): LogoFormat | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "webp";
  return null;
}

/** What a refused file appears to be, to say so; null when it is nothing recognisable. */
function refusedKind(bytes: Uint8Array): string | null {
  const head = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, "").trimStart();
  if (/<svg[\s>/]/i.test(head) || (head.startsWith("<?xml") && /<svg/i.test(head))) return "svg";
  if (startsWith(bytes, ascii("GIF8"))) return "a GIF";
  if (startsWith(bytes, ascii("BM"))) return "a BMP";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "a TIFF";
  if (startsWith(bytes, ascii("ftyp"), 4)) return "a HEIC, AVIF or video file";
  if (startsWith(bytes, ascii("%PDF"))) return "a PDF";
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return "an icon (ICO)";
  if (head.startsWith("<")) return "HTML or XML text";
  return null;
}

function refuse(code: string, message: string): never {
  throw new DomainError(code, message, "logo");
}

const NAMES: Record<LogoFormat, string> = { png: "PNG", jpeg: "JPEG", webp: "WebP" };

/**
 * Checks an upload and returns the logo to store, or throws a DomainError
 * (field "logo") saying what is wrong with it. Nothing is decoded before the
 * size, the signature and the declared dimensions have passed.
 */
export async function processLogo(input: Uint8Array): Promise<ProcessedLogo> {
  if (input.byteLength === 0) refuse("logo_empty", "The file is empty. " + ACCEPTED);
  if (input.byteLength > LOGO_MAX_BYTES) {
    refuse("logo_too_big", `The file is ${formatBytes(input.byteLength)}; a logo may be at most ${formatBytes(LOGO_MAX_BYTES)}.`);
  }
  const format = sniffLogoFormat(input);
  if (!format) {
    const kind = refusedKind(input);
    if (kind === "svg") refuse("logo_svg", "SVG images are not accepted: they can carry scripts. " + ACCEPTED);
    refuse("logo_format", `This file is not a PNG, JPEG or WebP image${kind ? ` (it looks like ${kind})` : ""}. ${ACCEPTED}`);
  }
  const unreadable = () => `This file begins like a ${NAMES[format]} image but cannot be read as one (it may be damaged). ${ACCEPTED}`;

  // The header alone: libvips reads the dimensions without decoding pixels.
  let header: Metadata;
  try {
    header = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return refuse("logo_unreadable", unreadable());
  }
  if (header.format !== format || !header.width || !header.height) return refuse("logo_unreadable", unreadable());
  const pixels = header.width * header.height;
  if (pixels > LOGO_MAX_PIXELS) {
    refuse(
      "logo_too_many_pixels",
      `The image is ${header.width.toLocaleString("en")} × ${header.height.toLocaleString("en")} pixels ` +
        `(${(pixels / 1_000_000).toFixed(1)} megapixels); a logo may have at most ${LOGO_MAX_PIXELS / 1_000_000} megapixels. Scale it down and try again.`,
    );
  }

  try {
    const { data, info } = await sharp(input, { limitInputPixels: LOGO_MAX_PIXELS, autoOrient: true, failOn: "warning" })
      .resize({ width: LOGO_MAX_SIDE, height: LOGO_MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .png({ compressionLevel: 9 })
      .toBuffer({ resolveWithObject: true });
    return {
      content: data,
      mime: "image/png",
      width: info.width,
      height: info.height,
      source: { format, bytes: input.byteLength, width: header.width, height: header.height },
    };
  } catch {
    return refuse("logo_unreadable", unreadable());
  }
}
