// Logo uploads are hostile until proven otherwise: only PNG, JPEG and WebP
// by their own signature, at most 1 MB, at most 25 megapixels by their
// header (refused before any pixel is decoded), and what passes is a new PNG
// the app encoded — upright, at most 256 px, with nothing of the upload's
// metadata or trailing bytes.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { LOGO_MAX_BYTES } from "@/lib/branding";
import { DomainError } from "@/lib/errors";
import { processLogo, sniffLogoFormat } from "./logo-image";

const PNG_SIGNATURE = Buffer.from("89504e470d0a1a0a", "hex");

const image = (width: number, height: number, background = "#3366cc") =>
  sharp({ create: { width, height, channels: 4, background } });

/** The DomainError a processing attempt is refused with: its code and message. */
async function refusal(bytes: Uint8Array): Promise<{ code: string; message: string; field?: string }> {
  try {
    await processLogo(bytes);
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message, field: error.field };
    throw error;
  }
  throw new Error("the upload was accepted");
}

const isPng = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 8)).equals(PNG_SIGNATURE);

describe("processLogo: what it accepts, it re-encodes", () => {
  it("turns a PNG into a new PNG that fits in 256 × 256, keeping its proportions and transparency", async () => {
    const upload = await image(600, 300, "#ff000080").png().toBuffer();
    const logo = await processLogo(upload);
    expect(logo).toMatchObject({ mime: "image/png", width: 256, height: 128, source: { format: "png", width: 600, height: 300, bytes: upload.byteLength } });
    expect(isPng(logo.content)).toBe(true);
    const stored = await sharp(logo.content).metadata();
    expect(stored).toMatchObject({ format: "png", width: 256, height: 128, hasAlpha: true });
  });

  it("turns a JPEG upright by its EXIF orientation and keeps none of its EXIF", async () => {
    // 400 × 200 stored sideways: orientation 6 says to turn it a quarter clockwise.
    const upload = await sharp({ create: { width: 400, height: 200, channels: 3, background: "#336699" } })
      .jpeg()
      .withExif({ IFD0: { Copyright: "SecretCo", ImageDescription: "Taken at home, 51.5 N" } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(upload).metadata()).exif).toBeDefined();
    expect(upload.includes("SecretCo")).toBe(true);

    const logo = await processLogo(upload);
    expect(logo).toMatchObject({ width: 128, height: 256, source: { format: "jpeg" } });
    const stored = await sharp(logo.content).metadata();
    expect(stored.format).toBe("png");
    expect(stored.exif).toBeUndefined();
    expect(stored.orientation).toBeUndefined();
    expect(logo.content.includes("SecretCo")).toBe(false);
    expect(logo.content.includes("51.5 N")).toBe(false);
  });

  it("re-encodes a WebP as PNG", async () => {
    const upload = await image(300, 100).webp().toBuffer();
    const logo = await processLogo(upload);
    expect(logo).toMatchObject({ width: 256, height: 85, source: { format: "webp" } });
    expect(isPng(logo.content)).toBe(true);
  });

  it("never enlarges a small image", async () => {
    const logo = await processLogo(await image(64, 48).png().toBuffer());
    expect(logo).toMatchObject({ width: 64, height: 48 });
  });

  it("drops whatever was hidden after the image (a PNG with a script appended)", async () => {
    const payload = "<script>alert(document.cookie)</script>";
    const upload = Buffer.concat([await image(32, 32).png().toBuffer(), Buffer.from(payload)]);
    const logo = await processLogo(upload);
    expect(logo.content.includes(payload)).toBe(false);
    expect(logo.content.includes("<script")).toBe(false);
  });
});

describe("processLogo: hostile files are refused, with a reason", () => {
  it("refuses a PNG signature followed by garbage (wrong magic bytes for what follows)", async () => {
    const upload = Buffer.concat([PNG_SIGNATURE, Buffer.alloc(2_000, 0x41)]);
    expect(sniffLogoFormat(upload)).toBe("png");
    expect(await refusal(upload)).toEqual({
      code: "logo_unreadable",
      field: "logo",
      message: "This file begins like a PNG image but cannot be read as one (it may be damaged). Upload a PNG, JPEG or WebP image.",
    });
  });

  it("refuses a JPEG cut short", async () => {
    const whole = await sharp({ create: { width: 300, height: 300, channels: 3, background: "#aa3300" } }).jpeg().toBuffer();
    expect((await refusal(whole.subarray(0, Math.floor(whole.length / 2)))).code).toBe("logo_unreadable");
  });

  it("refuses a text file, whatever it is called (the name and declared type are never read)", async () => {
    const upload = new TextEncoder().encode("just some notes, saved as logo.png\n");
    expect(await refusal(upload)).toMatchObject({ code: "logo_format", message: "This file is not a PNG, JPEG or WebP image. Upload a PNG, JPEG or WebP image." });
  });

  it("refuses an SVG carrying a script, with or without an XML prolog, and saying why SVG is refused", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>';
    for (const text of [svg, `<?xml version="1.0" encoding="UTF-8"?>\n<!-- logo -->\n${svg}`, `\uFEFF  ${svg}`]) {
      expect(await refusal(new TextEncoder().encode(text))).toEqual({
        code: "logo_svg",
        field: "logo",
        message: "SVG images are not accepted: they can carry scripts. Upload a PNG, JPEG or WebP image.",
      });
    }
  });

  it("refuses other image formats by name", async () => {
    const gif = await image(10, 10).gif().toBuffer();
    expect(await refusal(gif)).toMatchObject({ code: "logo_format", message: expect.stringContaining("(it looks like a GIF)") });
    const tiff = await image(10, 10).tiff().toBuffer();
    expect(await refusal(tiff)).toMatchObject({ code: "logo_format", message: expect.stringContaining("(it looks like a TIFF)") });
  });

  it("refuses a file over 1 MB by its size alone, and takes one of exactly 1 MB", async () => {
    // A PNG signature and then nothing readable: refused for its size, never looked into.
    const over = Buffer.concat([PNG_SIGNATURE, Buffer.alloc(LOGO_MAX_BYTES - PNG_SIGNATURE.length + 1)]);
    expect(await refusal(over)).toEqual({ code: "logo_too_big", field: "logo", message: "The file is 1.0 MB; a logo may be at most 1.0 MB." });
    const small = await image(16, 16).png().toBuffer();
    const exactly = Buffer.concat([small, Buffer.alloc(LOGO_MAX_BYTES - small.byteLength)]);
    expect(exactly.byteLength).toBe(LOGO_MAX_BYTES);
    expect((await processLogo(exactly)).width).toBe(16);
  });

  it("refuses an empty file", async () => {
    expect((await refusal(new Uint8Array())).code).toBe("logo_empty");
  });

  describe("a 50-megapixel PNG", () => {
    // 7,072 × 7,072 of one grey: some 60 KB compressed, 150 MB once decoded.
    const huge = () =>
      sharp({ create: { width: 7072, height: 7072, channels: 3, background: "#ffffff" } })
        .toColourspace("b-w")
        .png({ compressionLevel: 9 })
        .toBuffer();

    it("is refused for its pixel count, though it is small as a file", async () => {
      const upload = await huge();
      expect(upload.byteLength).toBeLessThan(LOGO_MAX_BYTES);
      expect(await refusal(upload)).toEqual({
        code: "logo_too_many_pixels",
        field: "logo",
        message: "The image is 7,072 × 7,072 pixels (50.0 megapixels); a logo may have at most 25 megapixels. Scale it down and try again.",
      });
    });

    it("is refused from its header alone: the same header over pixel data that could not be decoded gets the same answer", async () => {
      // The signature and the IHDR chunk (8 + 25 bytes) of the real image,
      // then an IDAT chunk of garbage: decoding it would fail, so a refusal
      // for the pixel count proves nothing was decoded.
      const header = (await huge()).subarray(0, 33);
      const garbage = Buffer.concat([Buffer.from([0, 0, 0x10, 0]), Buffer.from("IDAT"), Buffer.alloc(0x1000, 0x5a), Buffer.alloc(4)]);
      const crafted = Buffer.concat([header, garbage]);
      await expect(sharp(crafted, { limitInputPixels: false }).raw().toBuffer()).rejects.toThrow();
      expect(await refusal(crafted)).toMatchObject({ code: "logo_too_many_pixels" });
    });
  });
});
