// `npm run worker`: the background jobs (lib/jobs) for production, on
// DATABASE_URL (the owner's role). `npm run dev` starts the same worker itself.
import "dotenv/config";
import { startJobsWorker } from "../lib/jobs/worker";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("Set DATABASE_URL (the role that owns the tables) to run the worker.");
  process.exit(1);
}
try {
  const worker = await startJobsWorker(url);
  console.log("Tenantry worker running (purges of deleted workspaces, ownership transfers). Ctrl-C to stop.");
  const stop = async () => {
    await worker.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
