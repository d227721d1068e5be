import { routeHandler } from "@/lib/api/route";
import { createProjectEndpoint, listProjectsEndpoint } from "@/lib/projects/api";

export const GET = routeHandler(listProjectsEndpoint);
export const POST = routeHandler(createProjectEndpoint);
