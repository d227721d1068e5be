import { refuseEmailSignIn } from "@/lib/http/rate-limited";
import { handlers } from "@/lib/auth";

export const { GET } = handlers;

export async function POST(request: Parameters<typeof handlers.POST>[0]) {
  return (await refuseEmailSignIn(request)) ?? handlers.POST(request);
}
