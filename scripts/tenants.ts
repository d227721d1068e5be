// `npm run tenants -- block <slug> [reason]` / `unblock <slug>`: suspend a
// workspace or lift its suspension, as an operator, on DATABASE_URL (the
// owner's role, which sees every tenant).
import "dotenv/config";
import pg from "pg";
import { DomainError } from "@/lib/errors";
import { setTenantBlocked } from "@/lib/tenant-status";

const [command, slug, ...reason] = process.argv.slice(2);
if (!slug || (command !== "block" && command !== "unblock")) {
  console.error("usage: npm run tenants -- block <slug> [reason] | unblock <slug>");
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL is not set (the owner connection; see .env.example).");
  process.exit(2);
}
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
try {
  const tenant = await setTenantBlocked(client, slug, command === "block", reason.join(" ") || undefined);
  console.log(command === "block" ? `Suspended “${tenant.name}”: its members lose access at their next request.` : `Lifted the suspension of “${tenant.name}”.`);
} catch (error) {
  if (error instanceof DomainError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
} finally {
  await client.end();
}
