import { openApiDocument } from "@/lib/api/openapi";

/** The OpenAPI 3.1 document of /api/v1, rendered from the handlers' own schemas. */
export async function GET() {
  return Response.json(await openApiDocument(), { headers: { "Cache-Control": "no-store" } });
}
