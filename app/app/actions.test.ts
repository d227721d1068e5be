// The sidebar switcher's action as a stale page calls it: a workspace the
// page still lists but the user can no longer enter (deleted, or purged, or
// they were removed) is said as a form of that workspace says it — not as a
// membership the user never had. The session and the entry are real; only the
// request's cookie jar and headers are given here.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { addMember, createTenantRow, createUser, owner, setTenantStatus } from "@/test/fixtures";
import { clearCookies, form, jar } from "@/test/next-request";

vi.mock("next/headers", async () => (await import("@/test/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ refresh: () => {}, revalidatePath: () => {} }));

const { switchWorkspace } = await import("./actions");
const { SESSION_COOKIES, TENANT_COOKIE } = await import("@/lib/tenancy/cookie");
const { sealSeenWorkspace, seenWorkspaceSecret, SEEN_WORKSPACE_COOKIE } = await import("@/lib/tenancy/seen-workspace");

beforeEach(() => clearCookies());

/** A user in two workspaces, signed in and in the first; the second is the one a stale switcher lists. */
async function inTwo() {
  const user = await createUser();
  const here = await createTenantRow({ name: "Here Ltd" });
  const there = await createTenantRow({ name: "Gone Gmbh" });
  await addMember(here.id, user.id, "owner");
  await addMember(there.id, user.id, "owner");
  jar.set(SESSION_COOKIES[1], user.sessionToken);
  jar.set(TENANT_COOKIE, here.id);
  return { user, here, there };
}

describe("the switcher's action for a workspace gone since the page was shown", () => {
  it("says a deleted workspace was deleted or the user removed, as a form of it does", async () => {
    const { there } = await inTwo();
    await setTenantStatus(there.id, "deleted");
    expect(await switchWorkspace(null, form({ tenantId: there.id }))).toEqual({
      ok: false,
      error: "You no longer have access to that workspace: you were removed from it, or it was deleted. Reload the page.",
    });
    expect(jar.get(TENANT_COOKIE)).not.toBe(there.id);
  });

  it("says the same of a purged workspace, by its name when the browser's receipt names it", async () => {
    const { user, there } = await inTwo();
    jar.set(SEEN_WORKSPACE_COOKIE, sealSeenWorkspace(seenWorkspaceSecret()!, user.id, { tenantId: there.id, name: there.name }));
    await owner().query("DELETE FROM tenants WHERE id = $1", [there.id]);
    expect(await switchWorkspace(null, form({ tenantId: there.id }))).toEqual({
      ok: false,
      error: "You no longer have access to Gone Gmbh: you were removed from it, or it was deleted. Reload the page.",
    });
  });
});
