import "server-only";
import { MODULES } from "@/lib/registry";
import type { ModuleDefinition } from "@/lib/registry/define";
import { ENDPOINTS } from "./endpoints";
import type { Endpoint } from "./route";

// Every endpoint of /api/v1: the foundation's (lib/api/endpoints.ts) and
// those each registered module names in its definition (`api: () =>
// import("./api")`), in the registry's order. The OpenAPI document and the
// tests read this list; the route files under app/api/v1 export the same
// endpoints. A resource's endpoints are thus documented by the one line that
// registers the module, with nothing central to edit.

let loaded: Promise<Endpoint[]> | null = null;

async function load(): Promise<Endpoint[]> {
  const modules = (MODULES as readonly ModuleDefinition[]).filter((m) => m.api);
  const apis = await Promise.all(modules.map(async (m) => ({ name: m.name, endpoints: (await m.api!()).endpoints as readonly Endpoint[] })));
  const all = [...ENDPOINTS];
  const seen = new Map<string, string>(all.flatMap((e) => [[`op ${e.operationId}`, "the foundation"], [`${e.method} ${e.path}`, "the foundation"]]));
  for (const { name, endpoints } of apis) {
    for (const e of endpoints) {
      for (const id of [`op ${e.operationId}`, `${e.method} ${e.path}`]) {
        const other = seen.get(id);
        if (other) throw new Error(`The API endpoint ${id} of module ${name} is taken by ${other}.`);
        seen.set(id, `module ${name}`);
      }
      all.push(e);
    }
  }
  return all;
}

/** Every endpoint of the API; an operationId or a method and path registered twice is an error. */
export function apiEndpoints(): Promise<Endpoint[]> {
  loaded ??= load().catch((error: unknown) => {
    loaded = null;
    throw error;
  });
  return loaded;
}
