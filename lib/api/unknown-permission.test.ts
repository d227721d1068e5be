// A permission the running server's registry does not hold — a resource
// `npm run new:resource` generated while `npm run dev` was running, whose
// routes are compiled on demand while the registry was loaded at start. The
// check fails with an error that names the permission and says to restart the
// server, logged; the API answers 500 problem+json (not from a TypeError).
import { afterEach, describe, expect, it, vi } from "vitest";
import { routeHandler } from "@/lib/api/route";
import { allows, can, UnknownPermissionError, type Permission } from "@/lib/tenancy/permissions";
import { answerOf, apiKeyFor, endpointsById } from "@/test/api";
import { createWorkspace } from "@/test/fixtures";
import { appBaseUrl } from "@/lib/urls";

const NEW = "widgets.read" as Permission;
const said = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map((args) => args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(" ")).join("\n");

afterEach(() => vi.restoreAllMocks());

describe("a permission the server's registry does not hold", () => {
  it("fails can() and allows() with an error naming it and saying to restart the server, logged", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const check of [() => can("owner", NEW), () => can(null, NEW), () => allows({ role: "owner", delegation: null }, NEW)]) {
      let thrown: unknown;
      try {
        check();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnknownPermissionError);
      expect((thrown as Error).message).toContain('"widgets.read"');
      expect((thrown as Error).message).toMatch(/restart/);
    }
    expect(said(log)).toContain('"widgets.read" is not in this server\'s registry');
  });

  it("is answered by the API as a 500 problem+json, logged as that error rather than a TypeError", async () => {
    const ws = await createWorkspace();
    const key = await apiKeyFor(ws, "owner");
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const listMembers = endpointsById().listMembers!;
    const request = new Request(`${appBaseUrl()}/api/v1/tenants/${ws.tenant.id}/members`, { headers: { authorization: `Bearer ${key}` } });
    const answer = await answerOf(await routeHandler({ ...listMembers, permission: NEW })(request, { params: Promise.resolve({ tenantId: ws.tenant.id }) }));
    expect(answer.status).toBe(500);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(answer.body).toMatchObject({ status: 500, title: "Internal Server Error" });
    const logged = said(log);
    expect(logged).toContain("UnknownPermissionError");
    expect(logged).toContain('"widgets.read"');
    expect(logged).not.toContain("TypeError");
  });
});
