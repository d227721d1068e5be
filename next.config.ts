import type { NextConfig } from "next";
import { ACTION_BODY_LIMIT_BYTES } from "./lib/http/action-body";
import { STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // The browser suite builds into its own directory so it never disturbs a
  // running `npm run dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // Loaded by Node.js, not bundled: one copy each per process (a bundled copy per
  // chunk would make rate-limiter-flexible's result class fail instanceof).
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "nodemailer", "rate-limiter-flexible"],
  typedRoutes: false,
  // The browser suite's build (scripts/e2e-server.ts) skips the type check:
  // npm test type-checks the project already (scripts/new-resource.test.ts
  // runs tsc on a copy of it), and CI runs npm run typecheck. Every other
  // build checks types.
  typescript: { ignoreBuildErrors: process.env.NEXT_BUILD_SKIP_TYPECHECK === "1" },
  // Room for a 1 MB logo and the rest of its form (lib/http/action-body.ts).
  experimental: { serverActions: { bodySizeLimit: ACTION_BODY_LIMIT_BYTES } },
  // On every path, static files included; server.mjs adds the
  // Content-Security-Policy and HSTS, which vary per request.
  async headers() {
    return [{ source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default nextConfig;
