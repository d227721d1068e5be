// Operator commands on DATABASE_URL (the owner's role, which sees every tenant):
//   `npm run tenants -- block <slug> [reason]` / `unblock <slug>`: suspend a
//   workspace or lift its suspension;
//   `npm run tenants -- apply-retention [slug]`: delete now what is older than
//   the plan's audit retention, in one workspace or in every one that has any
//   (what the worker does daily).
import "dotenv/config";
import pg from "pg";
import { DomainError } from "@/lib/errors";
import { applyAuditRetention, workspacesDueForRetention } from "@/lib/jobs/retention";
import { setTenantBlocked } from "@/lib/tenant-status";

const USAGE = "usage: npm run tenants -- block <slug> [reason] | unblock <slug> | apply-retention [slug]";
const [command, slug, ...reason] = process.argv.slice(2);
if (!(command === "apply-retention" || (slug && (command === "block" || command === "unblock")))) {
  console.error(USAGE);
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL is not set (the owner connection; see .env.example).");
  process.exit(2);
}

async function applyRetention(db: pg.Pool, only: string | undefined) {
  let ids: { id: string; slug: string }[];
  if (only) {
    const { rows } = await db.query<{ id: string; slug: string }>("SELECT id, slug FROM tenants WHERE slug = $1", [only]);
    if (!rows[0]) throw new DomainError("not_found", `There is no workspace “${only}”.`);
    ids = rows;
  } else {
    const due = await workspacesDueForRetention(db, new Date());
    const { rows } = await db.query<{ id: string; slug: string }>("SELECT id, slug FROM tenants WHERE id = ANY($1::uuid[]) ORDER BY slug", [due]);
    ids = rows;
  }
  if (!ids.length) console.log("No workspace has events older than its plan's retention.");
  for (const { id, slug: name } of ids) {
    const outcome = await applyAuditRetention(db, id);
    if (!outcome.applied) console.log(`${name}: another run is applying its retention now; skipped.`);
    else if (outcome.retentionDays === null) console.log(`${name}: its plan keeps the audit log forever; nothing deleted.`);
    else console.log(`${name}: deleted ${outcome.deleted.toLocaleString("en")} events older than ${outcome.retentionDays} days.`);
  }
}

const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
try {
  if (command === "apply-retention") await applyRetention(db, slug);
  else {
    const client = await db.connect();
    try {
      const tenant = await setTenantBlocked(client, slug!, command === "block", reason.join(" ") || undefined);
      console.log(command === "block" ? `Suspended “${tenant.name}”: its members lose access at their next request.` : `Lifted the suspension of “${tenant.name}”.`);
    } finally {
      client.release();
    }
  }
} catch (error) {
  if (error instanceof DomainError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
} finally {
  await db.end();
}
