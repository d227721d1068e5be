// Prisma CLI configuration. Prisma 7 reads no .env on its own.
import "dotenv/config";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Migrations run as the role that owns the tables (DATABASE_URL), never as
  // the app role. `prisma generate` needs no database, so an unset URL is fine.
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
