import { readFile } from "node:fs/promises";
import path from "node:path";

let bundle: Promise<Buffer> | undefined;

/**
 * Scalar's standalone API reference bundle (@scalar/api-reference), served
 * by the app itself. Its stylesheet names web fonts on fonts.scalar.com; they
 * become the visitor's local fonts, so the page loads nothing from elsewhere
 * (the Content-Security-Policy would refuse them anyway).
 */
export async function GET() {
  bundle ??= readFile(path.join(process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js"), "utf8").then((text) =>
    Buffer.from(text.replace(/url\(https:\/\/fonts\.scalar\.com\/[^)]+\) format\(\\?"woff2\\?"\)/g, "local(system-ui)")),
  );
  return new Response(new Uint8Array(await bundle), {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600" },
  });
}
