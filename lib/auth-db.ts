import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { createPool } from "@/lib/pg-pool";

// Auth.js's own connection, as tenantry_auth: the one role with privileges on
// users, accounts, sessions and verification_tokens, and on no tenant's rows.
// The app role cannot read or mint sessions; this role cannot read tenants.
function createClient(): PrismaClient {
  const connectionString = process.env.AUTH_DATABASE_URL;
  if (!connectionString) {
    throw new Error(
      "AUTH_DATABASE_URL is not set. `npm run dev` sets it for you; in production point it at the tenantry_auth role (see .env.example).",
    );
  }
  // Sign-in and sign-out only: a small pool.
  return new PrismaClient({ adapter: new PrismaPg(createPool({ connectionString, max: 3 })) });
}

const globalForAuthDb = globalThis as unknown as { tenantryAuthDb?: PrismaClient };
export function getAuthDb(): PrismaClient {
  globalForAuthDb.tenantryAuthDb ??= createClient();
  return globalForAuthDb.tenantryAuthDb;
}
