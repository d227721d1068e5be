import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The browser suite builds into its own directory so it never disturbs a
  // running `npm run dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "nodemailer"],
  typedRoutes: false,
};

export default nextConfig;
