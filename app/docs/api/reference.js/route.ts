import { readFile } from "node:fs/promises";
import path from "node:path";

let bundle: Promise<Buffer> | undefined;

/**
 * Scalar's standalone API reference bundle (@scalar/api-reference), served
 * by the app itself. Its stylesheet names web fonts on fonts.scalar.com; they
 * become the visitor's local fonts, so the page loads nothing from elsewhere
 * (the Content-Security-Policy would refuse them anyway). The bundle's Zod
 * is told to run without compiling code (its `jitless` setting, read from
 * globalThis before the bundle's first schema): otherwise it probes with
 * Function(""), which the policy refuses, a violation on every visit.
 */
export async function GET() {
  bundle ??= readFile(path.join(process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js"), "utf8").then((text) =>
    Buffer.from(
      "globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });\n" +
        text.replace(/url\(https:\/\/fonts\.scalar\.com\/[^)]+\) format\(\\?"woff2\\?"\)/g, "local(system-ui)"),
    ),
  );
  return new Response(new Uint8Array(await bundle), {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600" },
  });
}
