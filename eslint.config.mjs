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
      // Pages, components and actions reach the database only through the
      // domain modules in lib/, which enter a tenant with lib/tenancy: a page
      // that queried on its own would run outside withTenant, where RLS
      // returns nothing (or, on the owner's connection, everything).
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@/lib/db", message: "Pages and components reach the database through a domain module in lib/ (withTenant)." },
            { name: "@/lib/auth-db", message: "Only lib/auth.ts talks to Auth.js's tables." },
            { name: "pg", message: "Pages and components reach the database through a domain module in lib/ (withTenant)." },
            { name: "@prisma/client", message: "Pages and components reach the database through a domain module in lib/ (withTenant)." },
            { name: "@prisma/adapter-pg", message: "Pages and components reach the database through a domain module in lib/ (withTenant)." },
          ],
          patterns: [
            { group: ["@/lib/generated/*"], message: "Use the domain modules in lib/." },
            {
              group: ["@/lib/tenancy/*", "!@/lib/tenancy/client"],
              message: 'Import from "@/lib/tenancy" (server code) or "@/lib/tenancy/client" (client components), never its files.',
            },
          ],
        },
      ],
    },
  },
  {
    // Domain modules may use the database; they still take lib/tenancy from its index.
    files: ["lib/**"],
    ignores: ["lib/tenancy/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/tenancy/*", "!@/lib/tenancy/client", "./tenancy/*", "../tenancy/*"],
              message: 'Import from "@/lib/tenancy", never its files.',
            },
          ],
        },
      ],
    },
  },
  {
    // Operator commands, the worker, tests and benchmarks run on purpose on
    // connections of their own.
    files: ["lib/tenancy/**", "scripts/**", "bench/**", "e2e/**", "prisma/**", "test/**", "**/*.test.ts", "**/*.test.tsx"],
    rules: { "no-restricted-imports": "off" },
  },
];

export default config;
