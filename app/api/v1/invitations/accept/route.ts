import { acceptInvitation } from "@/lib/api/endpoints";
import { routeHandler } from "@/lib/api/route";

export const POST = routeHandler(acceptInvitation);
