// General settings against the real database: owners rename, change the
// slug, set the branding and the notes, each audited in the same
// transaction; everyone else is refused by the lib and, in raw SQL as the
// app role, by the database; bad input changes nothing.
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readWorkspacePlan } from "@/lib/billing/limits";
import { contrastWithWhite } from "@/lib/branding";
import { withTenant } from "@/lib/tenancy";
import { resolveWithData } from "@/lib/tenancy/resolve";
import { sql } from "@/lib/db";
import {
  brandingSchema,
  generalSettingsPage,
  getGeneralSettings,
  notesSchema,
  removeLogo,
  renameSchema,
  renameWorkspace,
  updateBranding,
  updateNotes,
} from "@/lib/workspace-settings";
import {
  actorFor,
  addMember,
  asApp,
  auditRows,
  createTenantRow,
  createUser,
  createWorkspace,
  credentialOf,
  domainCode,
  insertInvitation,
  owner,
  pgErrorCode,
  setTenantStatus,
  TEST_REQUEST,
  uniqueEmail,
  uniqueSlug,
  type TestUser,
} from "@/test/fixtures";

type Role = "owner" | "admin" | "auditor" | "member";

async function tenantRow(id: string) {
  const { rows } = await owner().query<{ name: string; slug: string; accent_color: string | null }>(
    "SELECT name, slug, accent_color FROM tenants WHERE id = $1",
    [id],
  );
  return rows[0]!;
}

async function storedLogo(tenantId: string) {
  const { rows } = await owner().query<{ content: Buffer; mime: string; width: number; height: number; bytes: number; updated_by: string }>(
    "SELECT content, mime, width, height, bytes, updated_by FROM tenant_logos WHERE tenant_id = $1",
    [tenantId],
  );
  return rows[0] ?? null;
}

async function storedNotes(tenantId: string) {
  const { rows } = await owner().query<{ body: string }>("SELECT body FROM tenant_notes WHERE tenant_id = $1", [tenantId]);
  return rows[0]?.body ?? null;
}

/** What a browser posts for a file input: a File with whatever name and type it claims. */
const upload = (bytes: Uint8Array, name = "logo.png", type = "image/png") => new File([Buffer.from(bytes)], name, { type });
const pngOf = (width: number, height: number) => sharp({ create: { width, height, channels: 4, background: "#2255aa" } }).png().toBuffer();

/** The branding form as the action parses it, then the lib call the action makes. */
async function brand(actor: ReturnType<typeof actorFor>, form: { accent?: string; logo?: File }) {
  const input = brandingSchema.parse({ accent: form.accent ?? "", logo: form.logo });
  return updateBranding(actor, { accent: input.accent, logo: input.logo ? new Uint8Array(await input.logo.arrayBuffer()) : undefined });
}

const settingsAs = (ws: Awaited<ReturnType<typeof createWorkspace>>, role: Role) =>
  withTenant(actorFor(ws.tenant, ws[role]), (tx, r) => getGeneralSettings(tx, { tenantId: ws.tenant.id, role: r }));

describe("renaming and changing the slug", () => {
  it("changes both for an owner, with one audit row each saying from what to what", async () => {
    const ws = await createWorkspace();
    const slug = uniqueSlug("renamed");
    const result = await renameWorkspace(actorFor(ws.tenant, ws.owner), renameSchema.parse({ name: "  Acme Production ", slug: slug.toUpperCase() }));
    expect(result).toEqual({ name: "Acme Production", slug, changed: ["name", "slug"] });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ name: "Acme Production", slug });
    const [rename] = await auditRows(ws.tenant.id, "tenant.rename");
    const [slugChange] = await auditRows(ws.tenant.id, "tenant.slug.change");
    expect(rename).toMatchObject({ actor_user_id: ws.owner.id, target_type: "tenant", target_id: ws.tenant.id, metadata: { from: ws.tenant.name, to: "Acme Production" } });
    expect(slugChange).toMatchObject({ actor_user_id: ws.owner.id, metadata: { from: ws.tenant.slug, to: slug } });
  });

  it("commits with its audit row or not at all: an audit row the database refuses undoes the rename", async () => {
    const ws = await createWorkspace();
    const trigger = `refuse_audit_${ws.tenant.id.replaceAll("-", "")}`;
    // A trigger of its own, for this workspace's rename only: other tests' rows pass.
    await owner().query(`CREATE FUNCTION public.${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit refused for this test'; END $$`);
    await owner().query(`CREATE TRIGGER ${trigger} BEFORE INSERT ON audit_log FOR EACH ROW
        WHEN (NEW.tenant_id = '${ws.tenant.id}' AND NEW.action = 'tenant.rename') EXECUTE FUNCTION public.${trigger}()`);
    try {
      const code = await domainCode(renameWorkspace(actorFor(ws.tenant, ws.owner), { name: "Never Committed", slug: uniqueSlug() }));
      expect(code).toMatch(/^unexpected: .*audit refused for this test/);
      expect(await tenantRow(ws.tenant.id)).toMatchObject({ name: ws.tenant.name, slug: ws.tenant.slug });
    } finally {
      await owner().query(`DROP TRIGGER ${trigger} ON audit_log`);
      await owner().query(`DROP FUNCTION public.${trigger}()`);
    }
  });

  it("writes no audit row when nothing changed, and only the changed field's row otherwise", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws.owner);
    expect((await renameWorkspace(actor, { name: ws.tenant.name, slug: ws.tenant.slug })).changed).toEqual([]);
    expect((await renameWorkspace(actor, { name: "Only The Name", slug: ws.tenant.slug })).changed).toEqual(["name"]);
    expect(await auditRows(ws.tenant.id, "tenant.rename")).toHaveLength(1);
    expect(await auditRows(ws.tenant.id, "tenant.slug.change")).toHaveLength(0);
  });

  it("refuses a slug another workspace holds as a field error, and changes nothing — not even the name sent with it", async () => {
    const ws = await createWorkspace();
    const other = await createTenantRow();
    const error = await renameWorkspace(actorFor(ws.tenant, ws.owner), { name: "New Name", slug: other.slug }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "slug_taken", field: "slug", message: `The slug “${other.slug}” is already taken. Choose another.` });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ name: ws.tenant.name, slug: ws.tenant.slug });
    expect(await auditRows(ws.tenant.id)).toHaveLength(0);
  });

  it("refuses names and slugs the rules refuse, before anything is written", () => {
    const fieldErrors = (input: unknown) => {
      const parsed = renameSchema.safeParse(input);
      return parsed.success ? null : Object.fromEntries(parsed.error.issues.map((i) => [i.path[0], i.message]));
    };
    expect(fieldErrors({ name: "   ", slug: "ok-slug" })).toEqual({ name: "Enter a workspace name." });
    expect(fieldErrors({ name: "x".repeat(81), slug: "ok-slug" })).toEqual({ name: "Keep the name to 80 characters or fewer." });
    expect(fieldErrors({ name: "Fine", slug: "-bad-" })).toEqual({
      slug: "Use lowercase letters, digits and single hyphens, with no hyphen at either end.",
    });
    expect(fieldErrors({ name: "Fine", slug: "ab" })).toEqual({ slug: "The slug needs at least 3 characters." });
    expect(fieldErrors({ name: "Fine", slug: "a b c" })).toMatchObject({ slug: expect.any(String) });
  });

  it.each(["admin", "auditor", "member"] as const)("is refused to the %s by the lib", async (role) => {
    const ws = await createWorkspace();
    expect(await domainCode(renameWorkspace(actorFor(ws.tenant, ws[role]), { name: "Taken Over", slug: uniqueSlug() }))).toBe("forbidden");
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ name: ws.tenant.name, slug: ws.tenant.slug });
    expect(await auditRows(ws.tenant.id)).toHaveLength(0);
  });
});

describe("the accent colour", () => {
  const problem = (accent: string) => {
    const parsed = brandingSchema.safeParse({ accent });
    return parsed.success ? null : parsed.error.issues[0]!.message;
  };

  it("takes #rrggbb in either case, stored lowercase, and empty for none", () => {
    expect(brandingSchema.parse({ accent: " #4F46E5 " }).accent).toBe("#4f46e5");
    expect(brandingSchema.parse({ accent: "" }).accent).toBeNull();
  });

  it("refuses anything but six hex digits", () => {
    for (const accent of ["#fff", "4f46e5", "red", "#4f46e5ff", "#gggggg", "rgb(0,0,0)", "#4f46e5;color:red"]) {
      expect(problem(accent), accent).toBe("Enter the colour as # and six hexadecimal digits, like #4f46e5.");
    }
  });

  it("refuses a colour white text is unreadable on, saying its contrast", () => {
    expect(problem("#ffff00")).toBe("White text on #ffff00 has a contrast of only 1.07:1; it needs at least 4.5:1. Choose a darker colour.");
    // #7c7290 is 4.5000006:1, just enough; #7c7291 just too little.
    expect(contrastWithWhite("#7c7290")).toBeGreaterThanOrEqual(4.5);
    expect(problem("#7c7290")).toBeNull();
    expect(problem("#7c7291")).toBe("White text on #7c7291 has a contrast of only 4.49:1; it needs at least 4.5:1. Choose a darker colour.");
  });

  it("is set by an owner and audited from what to what; unchanged is not audited", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws.owner);
    expect(await brand(actor, { accent: "#4f46e5" })).toEqual({ accent: "#4f46e5", logo: null, changed: ["accent"] });
    expect(await brand(actor, { accent: "#4f46e5" })).toMatchObject({ changed: [] });
    expect(await brand(actor, { accent: "" })).toMatchObject({ accent: null, changed: ["accent"] });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ accent_color: null });
    expect((await auditRows(ws.tenant.id, "tenant.branding.change")).map((r) => r.metadata)).toEqual([
      { accent: { from: null, to: "#4f46e5" } },
      { accent: { from: "#4f46e5", to: null } },
    ]);
  });

  it("is refused by the database too when it is not a colour or too light, even from an owner", async () => {
    const ws = await createWorkspace();
    await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      for (const accent of ["#ffff00", "red", "#4F46E5"]) {
        await client.query("SAVEPOINT probe");
        expect(await pgErrorCode(client.query("UPDATE tenants SET accent_color = $1", [accent])), accent).toBe("23514");
        await client.query("ROLLBACK TO SAVEPOINT probe");
      }
      expect((await client.query("UPDATE tenants SET accent_color = '#7c7290'")).rowCount).toBe(1);
    });
  });
});

describe("the logo", () => {
  it("is stored re-encoded as PNG for an owner, replaced, and removed — each audited with its size", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws.owner);
    const jpeg = await sharp({ create: { width: 1000, height: 500, channels: 3, background: "#aa2200" } }).jpeg().toBuffer();
    const set = await brand(actor, { logo: upload(jpeg, "photo.jpg", "image/jpeg"), accent: "#4f46e5" });
    expect(set).toMatchObject({ changed: ["accent", "logo"], logo: { width: 256, height: 128 } });
    const stored = await storedLogo(ws.tenant.id);
    expect(stored).toMatchObject({ mime: "image/png", width: 256, height: 128, updated_by: ws.owner.id });
    expect(stored!.bytes).toBe(stored!.content.byteLength);
    expect((await sharp(stored!.content).metadata()).format).toBe("png");
    expect(stored!.content.equals(jpeg)).toBe(false);

    await brand(actor, { logo: upload(await pngOf(40, 40)), accent: "#4f46e5" });
    expect(await storedLogo(ws.tenant.id)).toMatchObject({ width: 40, height: 40 });
    expect(await removeLogo(actor)).toBe(true);
    expect(await storedLogo(ws.tenant.id)).toBeNull();
    expect(await removeLogo(actor)).toBe(false);

    const rows = await auditRows(ws.tenant.id, "tenant.branding.change");
    expect(rows.map((r) => r.metadata)).toEqual([
      {
        accent: { from: null, to: "#4f46e5" },
        logo: { change: "set", width: 256, height: 128, bytes: stored!.bytes, uploaded: { format: "jpeg", bytes: jpeg.byteLength, width: 1000, height: 500 } },
      },
      { logo: { change: "replaced", width: 40, height: 40, bytes: expect.any(Number), uploaded: expect.objectContaining({ format: "png" }) } },
      { logo: { change: "removed", width: 40, height: 40, bytes: expect.any(Number) } },
    ]);
  });

  it("treats an empty file input as no new logo", () => {
    for (const name of ["", "blob"]) {
      expect(brandingSchema.parse({ accent: "", logo: new File([], name, { type: "application/octet-stream" }) }).logo).toBeUndefined();
    }
  });

  it("refuses a hostile upload whatever it claims to be, and then changes nothing — not even the colour sent with it", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws.owner);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const cases: Array<[File, string]> = [
      [upload(new TextEncoder().encode("not an image at all\n"), "logo.png", "image/png"), "logo_format"],
      [upload(new TextEncoder().encode(svg), "logo.png", "image/png"), "logo_svg"],
      [upload(new TextEncoder().encode(svg), "logo.svg", "image/svg+xml"), "logo_svg"],
      [upload(Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(64, 1)]), "logo.png", "image/png"), "logo_unreadable"],
    ];
    for (const [file, code] of cases) {
      expect(await domainCode(brand(actor, { logo: file, accent: "#4f46e5" })), file.name).toBe(code);
    }
    expect(await storedLogo(ws.tenant.id)).toBeNull();
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ accent_color: null });
    expect(await auditRows(ws.tenant.id)).toHaveLength(0);
  });

  it.each(["admin", "auditor", "member"] as const)("is refused to the %s by the lib", async (role) => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws[role]);
    expect(await domainCode(brand(actor, { logo: upload(await pngOf(8, 8)), accent: "#4f46e5" }))).toBe("forbidden");
    expect(await domainCode(removeLogo(actor))).toBe("forbidden");
    expect(await storedLogo(ws.tenant.id)).toBeNull();
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ accent_color: null });
  });

  it("stores only PNG or WebP bytes under their own type: the database refuses anything else, even from an owner", async () => {
    const ws = await createWorkspace();
    await asApp({ tenantId: ws.tenant.id, user: ws.owner }, async (client) => {
      const insert = (content: Buffer, mime: string) =>
        pgErrorCode(
          client.query("INSERT INTO tenant_logos (tenant_id, content, mime, width, height, updated_by) VALUES ($1, $2, $3, 1, 1, $4)", [
            ws.tenant.id,
            content,
            mime,
            ws.owner.id,
          ]),
        );
      await client.query("SAVEPOINT probe");
      expect(await insert(Buffer.from("<svg onload=alert(1)>"), "image/svg+xml")).toBe("23514");
      await client.query("ROLLBACK TO SAVEPOINT probe");
      expect(await insert(Buffer.from("<svg onload=alert(1)>"), "image/png")).toBe("23514");
      await client.query("ROLLBACK TO SAVEPOINT probe");
      expect(await insert(await pngOf(1, 1), "image/png")).toBe("ok");
    });
  });
});

describe("the notes", () => {
  it("are written by an owner, read by owners and admins, hidden from auditors and members", async () => {
    const ws = await createWorkspace();
    const notes = "Contract renews in March.\r\nBilling contact: finance@example.test";
    expect(await updateNotes(actorFor(ws.tenant, ws.owner), notesSchema.parse({ notes }))).toEqual({ changed: true });
    expect(await storedNotes(ws.tenant.id)).toBe("Contract renews in March.\nBilling contact: finance@example.test");
    expect((await settingsAs(ws, "owner")).notes).toBe("Contract renews in March.\nBilling contact: finance@example.test");
    expect((await settingsAs(ws, "admin")).notes).toBe("Contract renews in March.\nBilling contact: finance@example.test");
    expect((await settingsAs(ws, "auditor")).notes).toBeNull();
    expect((await settingsAs(ws, "member")).notes).toBeNull();
  });

  it("are audited by their lengths, never their text (auditors read the log, not the notes)", async () => {
    const ws = await createWorkspace();
    const actor = actorFor(ws.tenant, ws.owner);
    await updateNotes(actor, notesSchema.parse({ notes: "Secret plans" }));
    expect(await updateNotes(actor, notesSchema.parse({ notes: " Secret plans \n" }))).toEqual({ changed: false });
    await updateNotes(actor, notesSchema.parse({ notes: "" }));
    const rows = await auditRows(ws.tenant.id, "tenant.notes.change");
    expect(rows.map((r) => r.metadata)).toEqual([
      { from_length: 0, to_length: 12 },
      { from_length: 12, to_length: 0 },
    ]);
    expect(JSON.stringify(rows)).not.toContain("Secret");
    expect(await storedNotes(ws.tenant.id)).toBe("");
  });

  it("are at most 2,000 characters, a line break counting as one", () => {
    expect(notesSchema.safeParse({ notes: "x".repeat(2001) }).error?.issues[0]?.message).toBe("Keep the notes to 2,000 characters or fewer.");
    expect(notesSchema.parse({ notes: `${"x".repeat(999)}\r\n${"y".repeat(1000)}` }).notes).toHaveLength(2000);
  });

  it.each(["admin", "auditor", "member"] as const)("are refused to the %s by the lib", async (role) => {
    const ws = await createWorkspace();
    expect(await domainCode(updateNotes(actorFor(ws.tenant, ws[role]), { notes: "Taken over" }))).toBe("forbidden");
    expect(await storedNotes(ws.tenant.id)).toBeNull();
  });
});

describe("the database alone, as the app role in raw SQL", () => {
  it.each(["admin", "auditor", "member"] as const)("refuses the %s every settings write", async (role) => {
    const ws = await createWorkspace();
    await updateNotes(actorFor(ws.tenant, ws.owner), { notes: "Owner's notes" });
    await brand(actorFor(ws.tenant, ws.owner), { logo: upload(await pngOf(4, 4)) });
    const png = await pngOf(2, 2);
    await asApp({ tenantId: ws.tenant.id, user: ws[role] }, async (client) => {
      for (const statement of [
        "UPDATE tenants SET name = 'Taken Over'",
        "UPDATE tenants SET slug = 'taken-over'",
        "UPDATE tenants SET accent_color = '#4f46e5'",
        "DELETE FROM tenant_logos",
        "UPDATE tenant_notes SET body = 'Taken over'",
      ]) {
        expect((await client.query(statement)).rowCount, statement).toBe(0);
      }
      for (const [statement, values] of [
        ["UPDATE tenant_logos SET content = $1, updated_by = $2", [png, ws[role].id]],
        ["INSERT INTO tenant_notes (tenant_id, body, updated_by) VALUES ($1, 'x', $2) ON CONFLICT (tenant_id) DO UPDATE SET body = 'x'", [ws.tenant.id, ws[role].id]],
      ] as const) {
        await client.query("SAVEPOINT probe");
        const outcome = await client.query(statement, [...values]).then((r) => `${r.rowCount} rows`, (e: { code?: string }) => e.code);
        expect(["0 rows", "42501"], statement).toContain(outcome);
        await client.query("ROLLBACK TO SAVEPOINT probe");
      }
    });
    expect(await tenantRow(ws.tenant.id)).toMatchObject({ name: ws.tenant.name, slug: ws.tenant.slug, accent_color: null });
    expect(await storedLogo(ws.tenant.id)).toMatchObject({ width: 4 });
    expect(await storedNotes(ws.tenant.id)).toBe("Owner's notes");
  });

  it("lets every member read the logo, and only owners and admins the notes", async () => {
    const ws = await createWorkspace();
    await updateNotes(actorFor(ws.tenant, ws.owner), { notes: "Owner's notes" });
    await brand(actorFor(ws.tenant, ws.owner), { logo: upload(await pngOf(4, 4)) });
    const seen: Record<string, [number, number]> = {};
    for (const role of ["owner", "admin", "auditor", "member"] as const) {
      await asApp({ tenantId: ws.tenant.id, user: ws[role] }, async (client) => {
        const logos = (await client.query("SELECT tenant_id FROM tenant_logos")).rowCount!;
        const notes = (await client.query("SELECT body FROM tenant_notes")).rowCount!;
        seen[role] = [logos, notes];
      });
    }
    expect(seen).toEqual({ owner: [1, 1], admin: [1, 1], auditor: [1, 0], member: [1, 0] });
  });
});

describe("the general settings page's one statement", () => {
  // The page's data as the page reads it: its one statement sent with the entry
  // (it read the same with two statements after the entry: getGeneralSettings,
  // then readWorkspacePlan — the expectations below were checked against that).
  const pageAs = (user: TestUser, tenantId: string) => resolveWithData(credentialOf(user), tenantId, TEST_REQUEST, generalSettingsPage());
  const dataAs = async (user: TestUser, tenantId: string) => {
    const { resolution, data } = await pageAs(user, tenantId);
    expect(resolution.kind).toBe("tenant");
    return data!;
  };

  /** A plan of the test's own, the workspace put on it. */
  async function onOwnPlan(tenantId: string) {
    const id = `t-${randomUUID().slice(0, 8)}`;
    await owner().query(
      "INSERT INTO plans (id, name, seats, api_keys, child_workspaces, audit_retention_days, export_allowed) VALUES ($1, $2, 10, 3, NULL, 90, false)",
      [id, `Plan ${id}`],
    );
    await owner().query("UPDATE tenants SET plan_id = $2 WHERE id = $1", [tenantId, id]);
    return { id, name: `Plan ${id}`, seats: 10, apiKeys: 3, childWorkspaces: null, auditRetentionDays: 90, exportAllowed: false };
  }

  it("shows a bare workspace: no logo, no accent, empty notes to those who may read them, its plan and seats", async () => {
    const ws = await createWorkspace();
    const plan = await onOwnPlan(ws.tenant.id);
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail() });
    // Expired and revoked invitations take no seat.
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail(), expiresAt: new Date(Date.now() - 60_000) });
    await insertInvitation({ tenantId: ws.tenant.id, email: uniqueEmail(), status: "revoked" });
    const base = {
      name: ws.tenant.name,
      slug: ws.tenant.slug,
      accent: null,
      logo: null,
      plan: { ...plan, seatsUsed: 5, apiKeysUsed: 0, childWorkspacesUsed: 0 },
      transferTo: null,
    };
    for (const role of ["owner", "admin"] as const) expect(await dataAs(ws[role], ws.tenant.id)).toEqual({ ...base, notes: "", notesUpdatedAt: null });
    // The children in use only to those who may see them (tenant.children.manage).
    const withoutChildren = { ...base, plan: { ...base.plan, childWorkspacesUsed: null } };
    for (const role of ["auditor", "member"] as const) expect(await dataAs(ws[role], ws.tenant.id)).toEqual({ ...withoutChildren, notes: null, notesUpdatedAt: null });
  });

  it("shows the logo and accent to everyone, the notes and when they changed to owners and admins only", async () => {
    const ws = await createWorkspace();
    const plan = await onOwnPlan(ws.tenant.id);
    await brand(actorFor(ws.tenant, ws.owner), { accent: "#4f46e5", logo: upload(await pngOf(40, 20)) });
    await updateNotes(actorFor(ws.tenant, ws.owner), { notes: "Renews in March." });
    const { rows: [stored] } = await owner().query<{ width: number; height: number; bytes: number; version: string; updated_at: Date; notes_at: Date }>(
      `SELECT l.width, l.height, l.bytes, left(l.sha256, 16) AS version, l.updated_at, n.updated_at AS notes_at
         FROM tenant_logos l, tenant_notes n WHERE l.tenant_id = $1 AND n.tenant_id = $1`,
      [ws.tenant.id],
    );
    expect(stored).toMatchObject({ width: 40, height: 20 });
    const base = {
      name: ws.tenant.name,
      slug: ws.tenant.slug,
      accent: "#4f46e5",
      logo: { width: 40, height: 20, bytes: stored!.bytes, version: stored!.version, updatedAt: stored!.updated_at },
      plan: { ...plan, seatsUsed: 4, apiKeysUsed: 0, childWorkspacesUsed: 0 },
      transferTo: null,
    };
    for (const role of ["owner", "admin"] as const) {
      expect(await dataAs(ws[role], ws.tenant.id)).toEqual({ ...base, notes: "Renews in March.", notesUpdatedAt: stored!.notes_at });
    }
    const withoutChildren = { ...base, plan: { ...base.plan, childWorkspacesUsed: null } };
    for (const role of ["auditor", "member"] as const) expect(await dataAs(ws[role], ws.tenant.id)).toEqual({ ...withoutChildren, notes: null, notesUpdatedAt: null });
  });

  it("reads the same through the functions the rest of the app calls, inside a transaction", async () => {
    const ws = await createWorkspace();
    await brand(actorFor(ws.tenant, ws.owner), { logo: upload(await pngOf(8, 8)) });
    await updateNotes(actorFor(ws.tenant, ws.owner), { notes: "Hello" });
    for (const role of ["owner", "admin", "auditor", "member"] as const) {
      const { plan, transferTo, ...settings } = await dataAs(ws[role], ws.tenant.id);
      expect(transferTo).toBeNull();
      expect(await settingsAs(ws, role)).toEqual(settings);
      expect(await withTenant(actorFor(ws.tenant, ws[role]), (tx) => readWorkspacePlan(tx, ws.tenant.id))).toEqual(plan);
    }
  });

  it("names who a transfer of ownership in progress goes to, to those who may see it, and no one once it has ended", async () => {
    const ws = await createWorkspace();
    const { rows } = await owner().query<{ id: string }>(
      `INSERT INTO ownership_transfers (tenant_id, from_user_id, to_user_id, status, due_at) VALUES ($1, $2, $3, 'cooling', now() + interval '1 day') RETURNING id`,
      [ws.tenant.id, ws.owner.id, ws.member.id],
    );
    const to = { name: "Mel Member", email: ws.member.email };
    for (const role of ["owner", "admin", "member"] as const) expect((await dataAs(ws[role], ws.tenant.id)).transferTo).toEqual(to);
    // The policies show a transfer to its parties, owners and admins only.
    expect((await dataAs(ws.auditor, ws.tenant.id)).transferTo).toBeNull();
    await owner().query("UPDATE ownership_transfers SET status = 'cancelled', due_at = NULL, ended_at = now() WHERE id = $1", [rows[0]!.id]);
    expect((await dataAs(ws.owner, ws.tenant.id)).transferTo).toBeNull();
  });

  it("sent with an entry that enters no workspace, reads nothing and fails nothing", async () => {
    const ws = await createWorkspace();
    const [stranger, suspendedMember] = await Promise.all([createUser(), createUser()]);
    const suspended = await createTenantRow();
    await addMember(suspended.id, suspendedMember.id, "owner");
    await setTenantStatus(suspended.id, "blocked");
    expect(await pageAs(stranger, ws.tenant.id)).toMatchObject({ resolution: { kind: "no-tenant" }, data: null });
    expect(await pageAs(suspendedMember, suspended.id)).toMatchObject({ resolution: { kind: "suspended" }, data: null });
    expect(await pageAs({ ...stranger, sessionToken: randomUUID() }, ws.tenant.id)).toMatchObject({ resolution: { kind: "signed-out" }, data: null });
    // The statement itself, as the app role: in no context, as a user in no workspace, or in another workspace: no row.
    const { text, values } = generalSettingsPage().statement;
    expect(await asApp({}, async (c) => (await c.query(text, values)).rows)).toEqual([]);
    expect(await asApp({ user: stranger }, async (c) => (await c.query(text, values)).rows)).toEqual([]);
    const other = await createWorkspace();
    expect(await asApp({ tenantId: other.tenant.id, user: other.member }, async (c) => (await c.query(text, values)).rows)).toHaveLength(1);
    const { text: named, values: namedValues } = generalSettingsPage(sql`${ws.tenant.id}::uuid`).statement;
    expect(await asApp({ tenantId: other.tenant.id, user: other.owner }, async (c) => (await c.query(named, namedValues)).rows)).toEqual([]);
  });
});
