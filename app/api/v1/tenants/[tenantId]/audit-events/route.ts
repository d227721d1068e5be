import { listAudit } from "@/lib/api/endpoints";
import { routeHandler } from "@/lib/api/route";

export const GET = routeHandler(listAudit);
