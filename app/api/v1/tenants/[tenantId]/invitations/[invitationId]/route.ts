import { deleteInvitation } from "@/lib/api/endpoints";
import { routeHandler } from "@/lib/api/route";

export const DELETE = routeHandler(deleteInvitation);
