import "server-only";
import { ENDPOINTS } from "./endpoints";
import { MODULE_APIS } from "./modules";
import type { Endpoint } from "./route";

// Every endpoint of /api/v1: the foundation's (lib/api/endpoints.ts) and
// those of each module registered in lib/api/modules.ts, in that order. The
// OpenAPI document (and /docs/api) and the tests read this list; the route
// files under app/api/v1 export the same endpoints.

function collect(): Endpoint[] {
  const all = [...ENDPOINTS];
  const seen = new Map<string, string>(all.flatMap((e) => [[`op ${e.operationId}`, "the foundation"], [`${e.method} ${e.path}`, "the foundation"]]));
  for (const { module, endpoints } of MODULE_APIS) {
    for (const e of endpoints as readonly Endpoint[]) {
      for (const id of [`op ${e.operationId}`, `${e.method} ${e.path}`]) {
        const other = seen.get(id);
        if (other) throw new Error(`The API endpoint ${id} of module ${module} is taken by ${other}.`);
        seen.set(id, `module ${module}`);
      }
      all.push(e);
    }
  }
  return all;
}

/** Every endpoint of the API; an operationId or a method and path registered twice is an error. */
export const API_ENDPOINTS: readonly Endpoint[] = collect();
