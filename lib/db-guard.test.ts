import { describe, expect, it } from "vitest";
import { single, sql } from "@/lib/db";
import { contextGuardEnabled, MissingTenantContextError } from "@/lib/db-guard";
import { withTenant, withUser } from "@/lib/tenancy";
import { createWorkspace, credentialOf } from "@/test/fixtures";

// Outside production a statement on a workspace's table that runs outside the
// workspace fails with a sentence saying so, instead of an empty result.
describe("the missing-workspace guard (development and tests)", () => {
  it("throws, naming the table and withTenant, when a user transaction reads a workspace-only table", async () => {
    const { owner } = await createWorkspace();
    const error = await withUser(credentialOf(owner), (tx) => tx.query(sql`SELECT id FROM audit_log ORDER BY created_at DESC LIMIT 5`)).catch((e) => e);
    expect(error).toBeInstanceOf(MissingTenantContextError);
    expect(error.message).toMatch(/"audit_log" belongs to a workspace/);
    expect(error.message).toMatch(/withTenant/);
  });

  it("throws for a write that changed nothing outside the workspace, too", async () => {
    const { owner, tenant } = await createWorkspace();
    const error = await withUser(credentialOf(owner), (tx) => tx.exec(sql`UPDATE tenant_notes SET body = 'x' WHERE tenant_id = ${tenant.id}::uuid`)).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(MissingTenantContextError);
    expect(error.table).toBe("tenant_notes");
  });

  it("throws for a statement on its own (no transaction, no context at all)", async () => {
    await expect(single(sql`SELECT * FROM "tenant_logos" LIMIT 1`)).rejects.toBeInstanceOf(MissingTenantContextError);
  });

  it("stays quiet inside the workspace, where an empty result is the truth (a member may not read the log)", async () => {
    const { tenant, member } = await createWorkspace();
    const rows = await withTenant({ tenantId: tenant.id, userId: member.id, credential: credentialOf(member) }, (tx) =>
      tx.query(sql`SELECT id FROM audit_log`),
    );
    expect(rows).toEqual([]);
  });

  it("stays quiet on tables a user reads across workspaces (their memberships) and on statements that found rows", async () => {
    const { owner } = await createWorkspace();
    const none = await withUser(credentialOf(owner), (tx) => tx.query(sql`SELECT tenant_id FROM tenant_members WHERE false`));
    expect(none).toEqual([]);
    const mine = await withUser(credentialOf(owner), (tx) => tx.query(sql`SELECT tenant_id FROM tenant_members`));
    expect(mine.length).toBeGreaterThan(0);
  });

  it("is off in production and when TENANTRY_CONTEXT_GUARD=off", () => {
    expect(contextGuardEnabled({ NODE_ENV: "development" } as NodeJS.ProcessEnv)).toBe(true);
    expect(contextGuardEnabled({ NODE_ENV: "test" } as NodeJS.ProcessEnv)).toBe(true);
    expect(contextGuardEnabled({ NODE_ENV: "production" } as NodeJS.ProcessEnv)).toBe(false);
    expect(contextGuardEnabled({ NODE_ENV: "development", TENANTRY_CONTEXT_GUARD: "off" } as NodeJS.ProcessEnv)).toBe(false);
  });
});
