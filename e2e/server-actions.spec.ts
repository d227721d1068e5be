// The HTTP action helper (server-actions.ts) against the production build:
// what it posts is what a browser posts, so an action acts, and what a
// browser would be refused is refused.
import { expect, test } from "@playwright/test";
import { db, workspaceWithRoles } from "./helpers";
import { formData, httpSession, postAction, serverAction, serverActions } from "./server-actions";

const REMOVE = "app/app/(workspace)/settings/actions.ts#removeMemberAction";
const isMember = async (tenantId: string, userId: string) =>
  (await db().query("SELECT 1 FROM tenant_members WHERE tenant_id = $1 AND user_id = $2", [tenantId, userId])).rowCount === 1;

test("finds every action of the build by module and name, with the pages that can post it", () => {
  const remove = serverAction(REMOVE);
  expect(remove.id).toMatch(/^[0-9a-f]{42}$/);
  expect(remove.pages).toEqual(["/app/settings"]);
  // The sign-in form, and the two-factor step's "send a new link".
  expect(serverAction("app/sign-in/actions.ts#requestMagicLink").pages).toEqual(["/sign-in", "/sign-in/two-factor"]);
  expect(serverActions().map((a) => a.name)).toEqual(expect.arrayContaining(["createWorkspace", "switchWorkspace", "inviteMemberAction", "signOutAction"]));
  expect(() => serverAction("app/app/actions.ts#noSuchAction")).toThrow(/No server action/);
});

test("an action posted with a session acts as the browser's would, and a form for another workspace changes nothing", async () => {
  const ws = await workspaceWithRoles("Helper Check");
  const other = await workspaceWithRoles("Helper Elsewhere");
  const owner = await httpSession(ws.users.owner, ws.tenantId);

  // `_tenant` is the workspace the form was rendered for: missing or another one, the form is refused.
  const refusals: Array<[string | undefined, RegExp]> = [
    [undefined, /^This page belongs to another workspace; you are now in Helper Check\./],
    // A workspace not among the owner's: as if they had been removed from it.
    [other.tenantId, /^You no longer have access to the workspace this page belongs to .*; you are now in Helper Check\./],
  ];
  for (const [tenant, error] of refusals) {
    const stale = await postAction(REMOVE, [null, formData({ ...(tenant ? { _tenant: tenant } : {}), userId: ws.users.member.id })], { session: owner });
    expect(stale.status).toBe(200);
    expect(stale.result).toEqual({ ok: false, error: expect.stringMatching(error) });
    expect(await isMember(ws.tenantId, ws.users.member.id)).toBe(true);
  }

  const removed = await postAction(REMOVE, [null, formData({ _tenant: ws.tenantId, userId: ws.users.member.id })], { session: owner });
  expect(removed.status).toBe(200);
  expect(removed.result).toMatchObject({ ok: true, message: `${ws.users.member.email} was removed from the workspace.` });
  expect(await isMember(ws.tenantId, ws.users.member.id)).toBe(false);

  // A redirect comes back as Next.js's X-Action-Redirect.
  const created = await postAction("app/app/actions.ts#createWorkspace", [null, formData({ name: `Helper Made ${Date.now()}` })], { session: owner });
  expect(created.redirect).toBe("/app/dashboard");
});

test("an action posted from another origin is refused with 403 and does nothing", async () => {
  const ws = await workspaceWithRoles("Helper Origin");
  const owner = await httpSession(ws.users.owner, ws.tenantId);
  const form = formData({ _tenant: ws.tenantId, userId: ws.users.member.id });
  for (const origin of ["https://evil.example", "null"]) {
    const answer = await postAction(REMOVE, [null, form], { session: owner, origin });
    expect(answer.status, origin).toBe(403);
  }
  expect(await isMember(ws.tenantId, ws.users.member.id)).toBe(true);
});
