// The route files under app/api/v1, as Next.js calls them: every endpoint of
// the catalog is served at its path and method; every other method is a
// problem (405, with Allow); HEAD reads as GET without the body, except where
// the GET itself writes (an export, audited and counted); OPTIONS lists the
// methods. Next.js's routing of a path no file serves to the catch-all is
// checked over HTTP by e2e/api-keys.spec.ts.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_ENDPOINTS } from "@/lib/api/catalog";
import { answerOf, apiKeyFor, expectProblem, type Answer } from "@/test/api";
import { auditRows, createWorkspace, uniqueIp } from "@/test/fixtures";
import { SOCKET_ADDRESS_HEADER } from "@/lib/http/client-address";
import { appBaseUrl } from "@/lib/urls";

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
const METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
const V1 = path.join(process.cwd(), "app/api/v1");

/** The route file serving an OpenAPI path: /tenants/{tenantId}/members → app/api/v1/tenants/[tenantId]/members/route.ts. */
const fileOf = (apiPath: string) => path.join(V1, apiPath.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");

async function answer(handler: Handler, method: string, url: string, params: Record<string, string>, key?: string): Promise<Answer> {
  // From a client address of its own, so that the address's limit (and its RateLimit headers) applies.
  const headers: Record<string, string> = { [SOCKET_ADDRESS_HEADER]: uniqueIp(), ...(key ? { authorization: `Bearer ${key}` } : {}) };
  return answerOf(await handler(new Request(url, { method, headers }), { params: Promise.resolve(params) }));
}

describe("the route files under app/api/v1", () => {
  it("serve every endpoint at its path and method, and answer every other method with a 405 problem naming what the path takes", async () => {
    const byFile = new Map<string, string[]>();
    for (const e of API_ENDPOINTS) byFile.set(fileOf(e.path), [...(byFile.get(fileOf(e.path)) ?? []), e.method.toUpperCase()]);
    // No route file serves anything the catalog does not list.
    const files = readdirSync(V1, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith("route.ts") && !f.startsWith("[[...path]]") && !f.startsWith("openapi.json"))
      .map((f) => path.join(V1, f));
    expect(files.sort()).toEqual([...byFile.keys()].sort());

    for (const [file, methods] of byFile) {
      const mod = (await import(file)) as Record<string, Handler>;
      const allow = (mod.OPTIONS ? (await mod.OPTIONS(new Request(`${appBaseUrl()}/api/v1`, { method: "OPTIONS" }), { params: Promise.resolve({}) })).headers.get("allow") : null) ?? "";
      expect(allow.split(", ").filter((m) => m !== "HEAD" && m !== "OPTIONS").sort(), file).toEqual([...methods].sort());
      for (const method of METHODS) {
        expect(typeof mod[method], `${file} exports ${method}`).toBe("function");
        if (methods.includes(method) || method === "OPTIONS" || (method === "HEAD" && allow.includes("HEAD"))) continue;
        const refused = await answer(mod[method]!, method, `${appBaseUrl()}/api/v1/x`, {});
        expectProblem(refused, "method-not-allowed");
        expect(refused.headers.allow, file).toBe(allow);
        expect(refused.headers["ratelimit-limit"]).toBeDefined();
      }
    }
  });

  it("answer HEAD as GET without the body where the GET reads, and run no export for a HEAD", async () => {
    const ws = await createWorkspace();
    const key = await apiKeyFor(ws, "owner");
    const members = (await import(fileOf("/tenants/{tenantId}/members"))) as Record<string, Handler>;
    const url = `${appBaseUrl()}/api/v1/tenants/${ws.tenant.id}/members`;
    const head = await answer(members.HEAD!, "HEAD", url, { tenantId: ws.tenant.id }, key);
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(head.headers["content-type"]).toBe("application/json");
    expect(head.headers["ratelimit-limit"]).toBeDefined();
    // A key that is no longer valid is told so on HEAD as on GET.
    expect((await answer(members.HEAD!, "HEAD", url, { tenantId: ws.tenant.id }, "tnty_notakey")).status).toBe(401);

    const exportRoute = (await import(fileOf("/tenants/{tenantId}/audit-events/export"))) as Record<string, Handler>;
    const refused = await answer(exportRoute.HEAD!, "HEAD", `${url.replace(/members$/, "audit-events/export")}?format=csv`, { tenantId: ws.tenant.id }, key);
    expectProblem(refused, "method-not-allowed");
    expect(refused.headers.allow).toBe("GET, OPTIONS");
    expect(await auditRows(ws.tenant.id, "audit.export")).toEqual([]);
  });

  it("answer a path no endpoint has with a problem+json 404, whatever the method", async () => {
    const catchAll = (await import(path.join(V1, "[[...path]]", "route.ts"))) as Record<string, Handler>;
    for (const method of METHODS) {
      const missing = await answer(catchAll[method]!, method, `${appBaseUrl()}/api/v1/tenants/nope`, {});
      if (method === "HEAD") {
        expect(missing.status).toBe(404);
        continue;
      }
      expectProblem(missing, "not-found");
      expect(missing.body.detail).toContain("/api/v1/openapi.json");
      expect(missing.body.instance).toBe("/api/v1/tenants/nope");
      expect(missing.headers["ratelimit-limit"]).toBeDefined();
    }
  });
});
