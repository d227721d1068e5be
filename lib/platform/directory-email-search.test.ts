// The console's directory (/admin) says "Search by name, slug or a member's
// email address": a member's address is found by its start, in any case —
// "carol", "CAROL", "carol@walk2" and the whole address alike — and, through
// an index of users' addresses, without reading every membership.
import { describe, expect, it } from "vitest";
import { listWorkspaces } from "@/lib/platform/admin";
import { addMember, createTenantRow, createUser, credentialOf, owner, unique, type TestUser } from "@/test/fixtures";

async function platformAdmin(): Promise<TestUser> {
  const user = await createUser({ name: "Pat Platform" });
  await owner().query("UPDATE users SET is_platform_admin = true WHERE id = $1", [user.id]);
  return user;
}

describe("the directory's search by a member's email address", () => {
  it("finds a member's workspaces by the start of the address, case-insensitively, with or without its @", async () => {
    const admin = await platformAdmin();
    const tag = unique();
    const walk = await createTenantRow({ name: `Walkers ${unique()}` });
    const other = await createTenantRow({ name: `Others ${unique()}` });
    const carol = await createUser({ email: `carol${tag}@walk2-${tag}.test` });
    await addMember(walk.id, carol.id, "member");
    await addMember(other.id, (await createUser({ email: `dave${tag}@walk2-${tag}.test` })).id, "owner");
    const ids = async (q: string) => (await listWorkspaces(credentialOf(admin), { q })).rows.map((r) => r.id);

    for (const q of [carol.email, `carol${tag}`, `CAROL${tag}`, `carol${tag}@walk2`, `Carol${tag}@WALK2-${tag}`, `  carol${tag}  `]) {
      expect(await ids(q), q).toEqual([walk.id]);
    }
    // The start of an address, not any part of it; % and _ are taken literally.
    expect(await ids(`arol${tag}`)).toEqual([]);
    expect(await ids(`walk2-${tag}.test`)).toEqual([]);
    expect(await ids(`carol${tag}@walk2_`)).toEqual([]);
    expect(await ids(`carol${tag}%`)).toEqual([]);
    // A name fragment still finds the workspace by its name; an address's start finds both members' workspaces.
    expect(await ids(walk.name.slice(0, 12).toLowerCase())).toContain(walk.id);
    expect((await ids(`carol${tag}`)).concat(await ids(`dave${tag}`)).sort()).toEqual([walk.id, other.id].sort());
  });

  it("reads the members through the index of addresses, not every membership", async () => {
    // The member subquery as the function runs it, planned with sequential scans off the table: the index serves it.
    const client = await owner().connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL enable_seqscan = off");
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        "EXPLAIN SELECT m.tenant_id FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id WHERE u.email LIKE 'carol%'",
      );
      // Through an index of the addresses: the trigram index, or — where the database's collation lets a
      // prefix be a range (C, as an embedded Postgres has) — the unique index of addresses itself.
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toMatch(/(Index|Index Only|Bitmap Index) Scan (using|on) users_email_(name_trgm|key)\b/);
      expect(plan).not.toMatch(/Seq Scan on users/);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
  });
});
