import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

export { Prisma };
export type { MemberRole, InvitationStatus, TenantStatus } from "@/lib/generated/prisma/client";
export type Tx = Prisma.TransactionClient;

// The app connects as tenantry_app: NOBYPASSRLS, owns no table. Row-level
// security policies decide what each transaction can see.
function createClient(): PrismaClient {
  const connectionString = process.env.APP_DATABASE_URL;
  if (!connectionString) {
    throw new Error(
      "APP_DATABASE_URL is not set. `npm run dev` sets it for you; in production point it at the tenantry_app role (see .env.example).",
    );
  }
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { tenantryDb?: PrismaClient };

/** One client per process (a dev server's hot reload would otherwise leak pools). */
export function getDb(): PrismaClient {
  globalForDb.tenantryDb ??= createClient();
  return globalForDb.tenantryDb;
}
