import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    // bench/baseline is the benchmark's measuring stick, a copy of a minimal
    // app kept as it was measured, not project code.
    ignores: ["node_modules/**", ".scratch/**", ".next/**", ".next-*/**", ".data/**", "lib/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bench/baseline/**"],
  },
  {
    rules: {
      // Pages and actions reach the database only through lib/.
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/lib/generated/*"], message: "Use lib/db and the domain modules in lib/." }] },
      ],
    },
  },
  {
    files: ["lib/**", "scripts/**", "bench/**", "e2e/**", "prisma/**"],
    rules: { "no-restricted-imports": "off" },
  },
];

export default config;
