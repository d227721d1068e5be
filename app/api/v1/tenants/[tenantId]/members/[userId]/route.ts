import { deleteMember, patchMember } from "@/lib/api/endpoints";
import { routeHandler } from "@/lib/api/route";

export const PATCH = routeHandler(patchMember);
export const DELETE = routeHandler(deleteMember);
