// The console's directory (/admin) says "Search by name, slug or a member's
// email address": a member's address is found by its start, in any case —
// "carol", "CAROL", "carol@walk2" and the whole address alike. How fast it
// is at 10,000 workspaces is bench/platform-directory.ts's to show (the
// README's figures): on this suite's small tables the planner's choice of
// index is not the one it makes at scale.
import { describe, expect, it } from "vitest";
import { listWorkspaces } from "@/lib/platform/admin";
import { addMember, createTenantRow, createUser, credentialOf, platformAdmin, unique } from "@/test/fixtures";

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
});
