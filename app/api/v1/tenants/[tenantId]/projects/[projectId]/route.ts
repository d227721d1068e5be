import { routeHandler } from "@/lib/api/route";
import { deleteProjectEndpoint, getProjectEndpoint, updateProjectEndpoint } from "@/lib/projects/api";

export const GET = routeHandler(getProjectEndpoint);
export const PATCH = routeHandler(updateProjectEndpoint);
export const DELETE = routeHandler(deleteProjectEndpoint);
