// X-Act-As-Tenant naming a workspace the key may not act in: the 403 says
// that (not "not a member"), in the same words for an unrelated workspace
// and a made-up id, so that it tells nothing about whether the id exists.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ACT_AS_NOT_A_CHILD } from "@/lib/api/route";
import { createChildWorkspace } from "@/lib/hierarchy/workspaces";
import { apiCaller, apiKeyFor, contractViolations, expectProblem, type Answer, type Recorded } from "@/test/api";
import { actorFor, createWorkspace, owner } from "@/test/fixtures";

const recorded: Recorded[] = [];
const { call } = apiCaller(recorded);
const actAs = (tenantId: string) => ({ "x-act-as-tenant": tenantId });
const refusal = (a: Answer) => ({ status: a.status, detail: a.body.detail as string });

describe("X-Act-As-Tenant naming a workspace the key may not act in", () => {
  it("is refused 403 as not a child workspace the key may act in, alike for an unrelated workspace and a made-up id", async () => {
    const reseller = await createWorkspace();
    const child = await createChildWorkspace({ ...actorFor(reseller.tenant, reseller.admin), delegation: null }, { name: "Customer", slug: `customer-${randomBytes(4).toString("hex")}` });
    const key = await apiKeyFor(reseller, "owner");
    // The child itself is entered.
    expect((await call("listMembers", { key, params: { tenantId: child.id }, headers: actAs(child.id) })).status).toBe(200);

    const stranger = await createWorkspace();
    const unrelated = await call("listMembers", { key, params: { tenantId: stranger.tenant.id }, headers: actAs(stranger.tenant.id) });
    const madeUpId = randomUUID();
    const madeUp = await call("listMembers", { key, params: { tenantId: madeUpId }, headers: actAs(madeUpId) });
    expectProblem(unrelated, "forbidden");
    expectProblem(madeUp, "forbidden");
    expect(refusal(unrelated)).toEqual({ status: 403, detail: ACT_AS_NOT_A_CHILD });
    expect(refusal(madeUp)).toEqual(refusal(unrelated));
    expect(unrelated.body.detail).not.toContain("not a member");
    // A member of the reseller manages no children: the child is not one its key may act in either.
    const byMember = await call("listMembers", { key: await apiKeyFor(reseller, "member"), params: { tenantId: child.id }, headers: actAs(child.id) });
    expect(refusal(byMember)).toEqual({ status: 403, detail: ACT_AS_NOT_A_CHILD });
    expect(contractViolations(recorded)).toEqual([]);
  });

  it("tells a key whose user left its own workspace that it is no longer valid, not that the child is none it may act in", async () => {
    const reseller = await createWorkspace();
    const child = await createChildWorkspace({ ...actorFor(reseller.tenant, reseller.admin), delegation: null }, { name: "Customer", slug: `customer-${randomBytes(4).toString("hex")}` });
    const key = await apiKeyFor(reseller, "admin");
    await owner().query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [reseller.tenant.id, reseller.admin.id]);
    const answer = await call("listMembers", { key, params: { tenantId: child.id }, headers: actAs(child.id) });
    // Leaving revokes the key: it is told so, not that the child is none it may act in.
    expectProblem(answer, "unauthorized");
    expect(answer.body.detail).not.toBe(ACT_AS_NOT_A_CHILD);
  });
});
