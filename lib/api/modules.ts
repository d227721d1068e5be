import "server-only";
import { endpoints as projectsApi } from "@/lib/projects/api";

// The modules' endpoints in the REST API, one line each (npm run new:resource
// adds it, beside the module's line in lib/registry/index.ts). They cannot be
// named by the module's definition: definitions reach client components (the
// roles matrix, `can`), and the bundler follows even a lazy import() into
// them. lib/api/catalog.ts adds these to the foundation's endpoints.
export const MODULE_APIS: ReadonlyArray<{ module: string; endpoints: readonly object[] }> = [
  { module: "projects", endpoints: projectsApi },
  // new:resource registers its API here
];
