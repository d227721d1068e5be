import { createInvitation, listInvitations } from "@/lib/api/endpoints";
import { routeHandler } from "@/lib/api/route";

export const GET = routeHandler(listInvitations);
export const POST = routeHandler(createInvitation);
