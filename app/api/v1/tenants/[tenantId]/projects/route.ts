import { apiRoute } from "@/lib/api/route";
import { createProjectEndpoint, listProjectsEndpoint } from "@/lib/projects/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiRoute(listProjectsEndpoint, createProjectEndpoint);
