import { apiRoute } from "@/lib/api/route";
import { deleteProjectEndpoint, getProjectEndpoint, updateProjectEndpoint } from "@/lib/projects/api";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiRoute(getProjectEndpoint, updateProjectEndpoint, deleteProjectEndpoint);
