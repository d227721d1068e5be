import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { workspacePlanStatement, type WorkspacePlan } from "@/lib/billing/limits";
import { accentSchema, NOTES_MAX } from "@/lib/branding";
import { enteredTenant, runRead, sql, type Read, type Sql, type Tx } from "@/lib/db";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import { processLogo, type ProcessedLogo } from "@/lib/logo-image";
import { can, withTenant, type Permission, type Role, type TenantActor, type TenantScope } from "@/lib/tenancy";
import { slugSchema, tenantNameSchema } from "@/lib/validation";

// A workspace's general settings (issue 11): its name and slug, its branding
// (seed 002: a logo and an accent colour) and its notes. Owners change them
// (tenant.rename, tenant.settings); every change is audited in the same
// transaction, and the policies refuse anyone else's write in the database.
// Notes are read by owners and admins only (tenant.notes.read; so is
// tenant_notes' SELECT policy).

export const renameSchema = z.object({
  name: tenantNameSchema,
  slug: z.string({ error: "Enter a URL slug." }).trim().toLowerCase().pipe(slugSchema),
});

/**
 * The branding form: the accent colour (empty for none) and, optionally, a
 * new logo. A file input left empty posts an empty file (React's encoding
 * names it "blob"): no new logo.
 */
export const brandingSchema = z.object({
  accent: accentSchema,
  logo: z
    .file({ error: "Choose an image file for the logo." })
    .optional()
    .transform((file) => (file && file.size > 0 ? file : undefined)),
});

export const notesSchema = z.object({
  notes: z
    .string({ error: "Notes are text." })
    // A textarea posts its line breaks as CRLF; they are counted (and kept) as one character.
    .transform((text) => text.replace(/\r\n?/g, "\n").trim())
    .pipe(z.string().max(NOTES_MAX, `Keep the notes to ${NOTES_MAX.toLocaleString("en")} characters or fewer.`)),
});

export interface LogoInfo {
  width: number;
  height: number;
  bytes: number;
  /** The first 16 hex digits of its SHA-256: its ETag and the version in its URL. */
  version: string;
  updatedAt: Date;
}

export interface GeneralSettings {
  name: string;
  slug: string;
  accent: string | null;
  logo: LogoInfo | null;
  /** null when the viewer may not read them (auditors and members); "" when there are none. */
  notes: string | null;
  notesUpdatedAt: Date | null;
}

export interface GeneralSettingsPage extends GeneralSettings {
  /** The workspace's plan and its seats in use (lib/billing/limits.ts). */
  plan: WorkspacePlan | null;
  /**
   * Who an ownership transfer in progress goes to, for the danger zone: deleting the workspace cancels it.
   * Null without one, or when the viewer may not see it (ownership_transfers' policies: its parties, owners and admins).
   */
  transferTo: { name: string | null; email: string } | null;
}

interface GeneralSettingsRow {
  name: string;
  slug: string;
  accent_color: string | null;
  width: number | null;
  height: number | null;
  bytes: number | null;
  version: string | null;
  logo_updated_at: Date | null;
  notes: string | null;
  notes_updated_at: Date | null;
  /** The role the notes are shown for (tenant.notes.read). */
  viewer_role: Role;
  plan: WorkspacePlan | null;
  transfer_to: { name: string | null; email: string } | null;
}

/** The role the transaction's entry signed for the entered workspace (null in none). */
const enteredRole = sql`(SELECT app_current_role())`;

/**
 * The general settings page's one statement: the workspace's row, its logo,
 * its notes (the policies show them to owners and admins only), its plan
 * and who a transfer of ownership in progress goes to (as JSON: no dates). `tenant` names the workspace, `role` the
 * viewer's role in it: by default as the transaction's entry signed them, so
 * that the page sends the statement with its entry. In no workspace it reads
 * no row (and calls nothing that could fail).
 */
function generalSettingsStatement(tenant: Sql, role: Sql): Sql {
  return sql`
    SELECT t.name, t.slug, t.accent_color, l.width, l.height, l.bytes, left(l.sha256, 16) AS version, l.updated_at AS logo_updated_at,
           n.body AS notes, n.updated_at AS notes_updated_at, ${role} AS viewer_role,
           (SELECT row_to_json(p) FROM (${workspacePlanStatement(sql`t.id`)}) p) AS plan,
           (SELECT json_build_object('name', u.name, 'email', u.email) FROM ownership_transfers x JOIN users u ON u.id = x.to_user_id
             WHERE x.tenant_id = t.id AND x.status IN ('pending_confirmation', 'confirmed', 'awaiting_final', 'cooling', 'awaiting_acceptance')) AS transfer_to
      FROM tenants t
      LEFT JOIN tenant_logos l ON l.tenant_id = t.id
      LEFT JOIN tenant_notes n ON n.tenant_id = t.id
     WHERE t.id = ${tenant}`;
}

function settingsFrom(row: GeneralSettingsRow | undefined): GeneralSettings {
  if (!row) throw new DomainError("not_member", "You are not a member of that workspace.");
  const mayReadNotes = can(row.viewer_role, "tenant.notes.read");
  return {
    name: row.name,
    slug: row.slug,
    accent: row.accent_color,
    logo:
      row.version && row.width && row.height && row.bytes && row.logo_updated_at
        ? { width: row.width, height: row.height, bytes: row.bytes, version: row.version, updatedAt: row.logo_updated_at }
        : null,
    notes: mayReadNotes ? (row.notes ?? "") : null,
    notesUpdatedAt: mayReadNotes ? row.notes_updated_at : null,
  };
}

/**
 * The general settings page's data as a Read of the workspace the
 * transaction entered, for the viewer's role there: what the page sends with
 * its entry (one round trip).
 */
export function generalSettingsPage(tenant: Sql = enteredTenant, role: Sql = enteredRole): Read<GeneralSettingsPage, GeneralSettingsRow> {
  return {
    statement: generalSettingsStatement(tenant, role),
    result: ([row]) => ({ ...settingsFrom(row), plan: row?.plan ?? null, transferTo: row?.transfer_to ?? null }),
  };
}

/** The settings (without the plan) of the actor's workspace for their role, inside a transaction in it: the page's statement. */
export async function getGeneralSettings(tx: Tx, actor: Pick<TenantActor, "tenantId"> & { role: Role }): Promise<GeneralSettings> {
  return runRead(tx, {
    statement: generalSettingsStatement(sql`${actor.tenantId}::uuid`, sql`${actor.role}::member_role`),
    result: ([row]: GeneralSettingsRow[]) => settingsFrom(row),
  });
}

/** Enters the tenant as the actor and refuses unless their live role holds `permission` (the policies agree). */
function asPermitted<T>(actor: TenantActor, permission: Permission, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTenant(actor, async (tx, role) => {
    if (!can(role, permission)) throw new DomainError("forbidden", "Only an owner can change the workspace's settings.");
    return fn(tx);
  });
}

/** The tenant's row, locked: concurrent changes queue, so each audit row's "from" is what it replaced. */
async function lockedTenant(tx: Tx, tenantId: string) {
  const row = await tx.one<{ name: string; slug: string; accent_color: string | null }>(
    sql`SELECT name, slug, accent_color FROM tenants WHERE id = ${tenantId}::uuid FOR UPDATE`,
  );
  // FOR UPDATE sees the row only through the owners' UPDATE policy.
  if (!row) throw new DomainError("forbidden", "Only an owner can change the workspace's settings.");
  return row;
}

export interface RenameResult {
  name: string;
  slug: string;
  changed: Array<"name" | "slug">;
}

/**
 * Renames the workspace and/or changes its slug. What is not given stays as
 * it is when the row is locked — not as the caller last read it (the API's
 * PATCH sends one field; a rename made meanwhile is kept). Each change is its
 * own audit row (tenant.rename, tenant.slug.change), in the same transaction;
 * a slug another workspace holds is a field error and changes nothing.
 * Slug changes take turns (migration 20261212000000_slug_changes_in_turn):
 * one meeting another's uncommitted change waits for it, then gets the slug
 * if that change freed it, or "taken" — never a deadlock. Two workspaces
 * swapping slugs (a→b, b→a) are both refused as taken, whichever goes first,
 * as they would be one after the other: each's slug is still held when the
 * other asks for it; a swap goes through a third, free slug.
 */
export async function renameWorkspace(actor: TenantActor, given: Partial<z.output<typeof renameSchema>>): Promise<RenameResult> {
  try {
    return await asPermitted(actor, "tenant.rename", async (tx) => {
      // A slug change waits its turn before it locks the row, not while holding it: a transaction
      // that needs the row (a sub-workspace being created under it) while the change ahead waits
      // for that transaction would otherwise close a circle of waits. The trigger's lock is then ours.
      if (given.slug !== undefined) await tx.exec(sql`SELECT app_slug_change_turn()`);
      const current = await lockedTenant(tx, actor.tenantId);
      const input = { name: given.name ?? current.name, slug: given.slug ?? current.slug };
      const changed: RenameResult["changed"] = [];
      if (input.name !== current.name) changed.push("name");
      if (input.slug !== current.slug) changed.push("slug");
      if (!changed.length) return { name: current.name, slug: current.slug, changed };
      await tx.exec(sql`UPDATE tenants SET name = ${input.name}, slug = ${input.slug} WHERE id = ${actor.tenantId}::uuid`);
      const audit = (action: "tenant.rename" | "tenant.slug.change", from: string, to: string) =>
        recordAudit(tx, {
          tenantId: actor.tenantId,
          actor: actor.user,
          action,
          target: { type: "tenant", id: actor.tenantId },
          metadata: { from, to },
          request: actor.request,
        });
      if (changed.includes("name")) await audit("tenant.rename", current.name, input.name);
      if (changed.includes("slug")) await audit("tenant.slug.change", current.slug, input.slug);
      return { name: input.name, slug: input.slug, changed };
    });
  } catch (error) {
    if (isUniqueViolation(error, "tenants_slug_key")) {
      throw new DomainError("slug_taken", `The slug “${given.slug}” is already taken. Choose another.`, "slug");
    }
    throw error;
  }
}

export interface BrandingResult {
  accent: string | null;
  /** The logo this call stored, if it was given one. */
  logo: { width: number; height: number; bytes: number } | null;
  changed: Array<"accent" | "logo">;
}

/**
 * Sets the accent colour (null for none) and, when `logo` holds an upload,
 * replaces the logo with its re-encoded image. The upload is checked and
 * re-encoded before the transaction starts (a refusal changes nothing);
 * what changed is one tenant.branding.change audit row.
 */
export async function updateBranding(
  actor: TenantActor,
  input: { accent: string | null; logo?: Uint8Array },
): Promise<BrandingResult> {
  const logo: ProcessedLogo | null = input.logo ? await processLogo(input.logo) : null;
  return asPermitted(actor, "tenant.settings", async (tx) => {
    const current = await lockedTenant(tx, actor.tenantId);
    const metadata: Record<string, unknown> = {};
    const changed: BrandingResult["changed"] = [];
    if (input.accent !== current.accent_color) {
      await tx.exec(sql`UPDATE tenants SET accent_color = ${input.accent} WHERE id = ${actor.tenantId}::uuid`);
      metadata.accent = { from: current.accent_color, to: input.accent };
      changed.push("accent");
    }
    if (logo) {
      const previous = await tx.one<{ bytes: number }>(sql`SELECT bytes FROM tenant_logos WHERE tenant_id = ${actor.tenantId}::uuid`);
      await tx.exec(sql`
        INSERT INTO tenant_logos (tenant_id, content, mime, width, height, updated_by)
        VALUES (${actor.tenantId}::uuid, ${logo.content}, ${logo.mime}, ${logo.width}, ${logo.height}, ${actor.userId}::uuid)
        ON CONFLICT (tenant_id) DO UPDATE
          SET content = EXCLUDED.content, mime = EXCLUDED.mime, width = EXCLUDED.width, height = EXCLUDED.height,
              updated_at = now(), updated_by = EXCLUDED.updated_by`);
      metadata.logo = {
        change: previous ? "replaced" : "set",
        width: logo.width,
        height: logo.height,
        bytes: logo.content.byteLength,
        uploaded: logo.source,
      };
      changed.push("logo");
    }
    if (changed.length) {
      await recordAudit(tx, {
        tenantId: actor.tenantId,
        actor: actor.user,
        action: "tenant.branding.change",
        target: { type: "tenant", id: actor.tenantId },
        metadata,
        request: actor.request,
      });
    }
    return {
      accent: input.accent,
      logo: logo ? { width: logo.width, height: logo.height, bytes: logo.content.byteLength } : null,
      changed,
    };
  });
}

/** Removes the logo (the workspace falls back to its initial), audited; false when there was none. */
export async function removeLogo(actor: TenantActor): Promise<boolean> {
  return asPermitted(actor, "tenant.settings", async (tx) => {
    const removed = await tx.one<{ bytes: number; width: number; height: number }>(
      sql`DELETE FROM tenant_logos WHERE tenant_id = ${actor.tenantId}::uuid RETURNING bytes, width, height`,
    );
    if (!removed) return false;
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "tenant.branding.change",
      target: { type: "tenant", id: actor.tenantId },
      metadata: { logo: { change: "removed", width: removed.width, height: removed.height, bytes: removed.bytes } },
      request: actor.request,
    });
    return true;
  });
}

/**
 * Replaces the workspace's notes ("" clears them). The audit row says how
 * long they were and are, never what they say: auditors read the audit log
 * but not the notes.
 */
export async function updateNotes(actor: TenantActor, input: z.output<typeof notesSchema>): Promise<{ changed: boolean }> {
  return asPermitted(actor, "tenant.settings", async (tx) => {
    const current = await tx.one<{ body: string }>(sql`SELECT body FROM tenant_notes WHERE tenant_id = ${actor.tenantId}::uuid FOR UPDATE`);
    const before = current?.body ?? "";
    if (before === input.notes) return { changed: false };
    await tx.exec(sql`
      INSERT INTO tenant_notes (tenant_id, body, updated_by) VALUES (${actor.tenantId}::uuid, ${input.notes}, ${actor.userId}::uuid)
      ON CONFLICT (tenant_id) DO UPDATE SET body = EXCLUDED.body, updated_at = now(), updated_by = EXCLUDED.updated_by`);
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actor: actor.user,
      action: "tenant.notes.change",
      target: { type: "tenant", id: actor.tenantId },
      metadata: { from_length: before.length, to_length: input.notes.length },
      request: actor.request,
    });
    return { changed: true };
  });
}

export interface StoredLogo {
  mime: string;
  /** The first 16 hex digits of the image's SHA-256. */
  version: string;
  /** null when the caller already holds this version (no need to send it). */
  content: Buffer | null;
}

/**
 * A workspace's logo for its route, read as a member of that workspace (the
 * entry refuses anyone else, and the SELECT policy shows only members). The
 * image is left in the database when `knownVersion` is the current one.
 */
export async function readLogo(scope: Omit<TenantScope, "userId">, knownVersion: string | null): Promise<StoredLogo | null> {
  return withTenant(scope, (tx) =>
    tx.one<StoredLogo>(sql`
      SELECT mime, left(sha256, 16) AS version, CASE WHEN left(sha256, 16) = ${knownVersion} THEN NULL ELSE content END AS content
        FROM tenant_logos WHERE tenant_id = ${scope.tenantId}::uuid`),
  );
}
