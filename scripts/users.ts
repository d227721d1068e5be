// `npm run users -- deactivate <email>` / `reactivate <email>`: operator
// commands on DATABASE_URL (a role that sees every tenant).
import "dotenv/config";
import pg from "pg";
import { DomainError } from "@/lib/errors";
import { deactivateUser, reactivateUser } from "@/lib/users";

const [command, email] = process.argv.slice(2);
if (!email || (command !== "deactivate" && command !== "reactivate")) {
  console.error("usage: npm run users -- deactivate|reactivate <email>");
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL is not set (the owner connection; see .env.example).");
  process.exit(2);
}
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
try {
  if (command === "deactivate") {
    const result = await deactivateUser(client, email);
    console.log(`Deactivated ${result.email}; ${result.sessionsEnded} session(s) ended.`);
  } else {
    await reactivateUser(client, email);
    console.log(`Reactivated ${email}.`);
  }
} catch (error) {
  if (error instanceof DomainError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
} finally {
  await client.end();
}
