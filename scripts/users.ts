// `npm run users -- deactivate <email>` / `reactivate <email>` /
// `grant-platform-admin <email>` / `revoke-platform-admin <email>`: operator
// commands on DATABASE_URL (a role that sees every tenant).
import "dotenv/config";
import pg from "pg";
import { DomainError } from "@/lib/errors";
import { deactivateUser, reactivateUser, setPlatformAdmin } from "@/lib/users";

const COMMANDS = ["deactivate", "reactivate", "grant-platform-admin", "revoke-platform-admin"];
const [command, email] = process.argv.slice(2);
if (!email || !command || !COMMANDS.includes(command)) {
  console.error("usage: npm run users -- deactivate|reactivate|grant-platform-admin|revoke-platform-admin <email>");
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
  } else if (command === "reactivate") {
    await reactivateUser(client, email);
    console.log(`Reactivated ${email}.`);
  } else {
    const grant = command === "grant-platform-admin";
    const { changed } = await setPlatformAdmin(client, email, grant);
    if (grant) console.log(changed ? `${email} is now a platform administrator (/admin).` : `${email} already is a platform administrator.`);
    else console.log(changed ? `${email} is no longer a platform administrator.` : `${email} was not a platform administrator.`);
  }
} catch (error) {
  if (error instanceof DomainError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
} finally {
  await client.end();
}
