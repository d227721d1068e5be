import { exportAudit } from "@/lib/api/endpoints";
import { apiRoute } from "@/lib/api/route";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = apiRoute(exportAudit);
