import { getTenant, patchTenant } from "@/lib/api/endpoints";
import { routeHandler } from "@/lib/api/route";

export const GET = routeHandler(getTenant);
export const PATCH = routeHandler(patchTenant);
