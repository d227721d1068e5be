// `npm run db:migrate`: applies pending migrations to DATABASE_URL (the
// owner role), recorded in _prisma_migrations as `prisma migrate deploy` would.
import "dotenv/config";
import { migrate } from "./migrate";

const [command] = process.argv.slice(2);
if (command !== "migrate") {
  console.error("usage: tsx scripts/db/cli.ts migrate");
  process.exit(2);
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: point it at the database, as the role that owns the tables.");
  process.exit(2);
}
const result = await migrate(url);
for (const name of result.applied) console.log(`applied  ${name}`);
console.log(`${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
