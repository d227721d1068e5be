// The foundation's own modules: the workspace, its members and invitations,
// and the audit log. Registered in lib/registry/index.ts like any resource.
import { formatBytes } from "@/lib/branding";
import { article, count, defineModule, str, type AuditMetadata } from "./define";

/** A logo's size as the General page shows it ("157 bytes", "20 KB"). */
const bytes = (n: unknown) => (typeof n === "number" ? formatBytes(n) : "size unknown");

/** What a tenant.branding.change did, one clause per change. */
function brandingChanges(m: AuditMetadata): string {
  const parts: string[] = [];
  const logo = m.logo && typeof m.logo === "object" ? (m.logo as AuditMetadata) : null;
  if (logo) {
    const size = `${str(logo.width)} × ${str(logo.height)} px, ${bytes(logo.bytes)}`;
    if (logo.change === "removed") parts.push(`removed the logo (${size})`);
    else parts.push(`${logo.change === "replaced" ? "replaced the logo with" : "set the logo to"} a new image (${size})`);
  }
  const accent = m.accent && typeof m.accent === "object" ? (m.accent as AuditMetadata) : null;
  if (accent) {
    const colour = (v: unknown) => (typeof v === "string" && v ? v : "none");
    parts.push(`changed the accent colour from ${colour(accent.from)} to ${colour(accent.to)}`);
  }
  const text = parts.join(" and ") || "changed the branding";
  return `${text[0]!.toUpperCase()}${text.slice(1)}`;
}

export const workspaceModule = defineModule({
  name: "workspace",
  permissions: {
    "dashboard.read": { roles: ["owner", "admin", "auditor", "member"], label: "See the dashboard", href: "/app/dashboard" },
    "tenant.rename": { roles: ["owner"], label: "Rename the workspace and change its slug", href: "/app/settings/general" },
    /** Branding (logo, accent colour) and notes. */
    "tenant.settings": { roles: ["owner"], label: "Change the workspace's logo, accent colour and notes", href: "/app/settings/general" },
    /** The workspace's notes are for those who manage it. */
    "tenant.notes.read": { roles: ["owner", "admin"], label: "Read the workspace's notes", href: "/app/settings/general" },
    "tenant.delete": { roles: ["owner"], label: "Delete the workspace, restore it from the trash", href: "/app/settings/general" },
    "ownership.transfer": { roles: ["owner"], label: "Transfer ownership", href: "/app/settings/transfer" },
    "apikeys.manage": { roles: ["owner", "admin"], label: "See and revoke every API key of the workspace", href: "/app/settings/api-keys" },
  },
  targetTypes: ["tenant"],
  auditEvents: {
    "tenant.create": { label: "Workspace created", describe: (m) => `Created the workspace “${str(m.name)}” (${str(m.slug)})` },
    "tenant.owner_email": {
      label: "Owner told of the new workspace",
      describe: (m) =>
        m.email_dispatched === false
          ? `Created the workspace for ${str(m.email)} · the email telling them was not sent`
          : `Emailed ${str(m.email)} that the workspace was created for them, with the link to sign in and open it`,
    },
    "tenant.switch": {
      label: "Switched to the workspace",
      describe: (m) => (m.remembered ? "Switched to this workspace and made it the default" : "Switched to this workspace"),
    },
    "tenant.delete": {
      label: "Workspace deleted",
      describe: (m) => `Deleted the workspace “${str(m.name)}” into the trash (purged after ${count(m.purge_after_days, "day")} unless restored)`,
    },
    "tenant.restore": { label: "Workspace restored", describe: (m) => `Restored the workspace “${str(m.name)}” from the trash` },
    "tenant.purge.request": { label: "Purge requested", describe: (m) => `Asked for the workspace “${str(m.name)}” to be purged now` },
    "tenant.block": {
      label: "Workspace suspended",
      describe: (m) => `The platform suspended this workspace${m.reason ? `: ${str(m.reason)}` : ""}`,
    },
    "tenant.unblock": { label: "Suspension lifted", describe: () => "The platform lifted this workspace's suspension" },
    "tenant.rename": { label: "Workspace renamed", describe: (m) => `Renamed the workspace from “${str(m.from)}” to “${str(m.to)}”` },
    "tenant.slug.change": { label: "Slug changed", describe: (m) => `Changed the workspace's slug from ${str(m.from)} to ${str(m.to)}` },
    "tenant.branding.change": { label: "Branding changed", describe: brandingChanges },
    "tenant.notes.change": {
      label: "Notes changed",
      describe: (m) => {
        if (m.to_length === 0) return "Cleared the workspace's notes";
        if (m.from_length === 0) return `Wrote the workspace's notes (${count(m.to_length, "character")})`;
        return `Changed the workspace's notes (${count(m.from_length, "character")} → ${count(m.to_length, "character")})`;
      },
    },
  },
});

const emailNote = (m: AuditMetadata) => (m.email_dispatched === false ? " · invite email not sent" : "");

export const membersModule = defineModule({
  name: "members",
  permissions: {
    "members.read": { roles: ["owner", "admin", "auditor", "member"], label: "See who belongs to the workspace", href: "/app/settings" },
    "members.manage": { roles: ["owner", "admin"], label: "Invite, remove and change the roles of members", href: "/app/settings" },
  },
  targetTypes: ["user", "invitation"],
  auditEvents: {
    "member.invite": {
      label: "Member invited",
      describe: (m) =>
        `Invited ${str(m.email)} as ${article(str(m.role))} ${str(m.role)}${m.replaced_invitation_id ? ", replacing an earlier invitation" : ""}${emailNote(m)}`,
    },
    "member.invite.revoke": {
      label: "Invitation revoked",
      describe: (m) => `Revoked the invitation for ${str(m.email)}${m.was_expired ? " (it had expired)" : ""}`,
    },
    "member.invite.resend": {
      label: "Invitation resent",
      describe: (m) => `Sent ${str(m.email)} a new invitation link (the previous one was revoked)${emailNote(m)}`,
    },
    "member.invite.accept": {
      label: "Invitation accepted",
      describe: (m) =>
        m.already_member
          ? `Accepted an invitation as ${str(m.email)}, already a member (role ${str(m.role)} kept)`
          : `Joined as ${article(str(m.role))} ${str(m.role)} by accepting the invitation to ${str(m.email)}`,
    },
    "member.invite.decline": {
      label: "Invitation declined",
      describe: (m) => `Declined the invitation to join as ${article(str(m.role))} ${str(m.role)} (sent to ${str(m.email)})`,
    },
    "member.remove": { label: "Member removed", describe: (m) => `Removed ${str(m.email)} (${str(m.role)})` },
    "member.role.change": {
      label: "Role changed",
      describe: (m) => `Changed ${str(m.email)}'s role from ${str(m.from)} to ${str(m.to)}`,
    },
    "member.leave": { label: "Member left", describe: (m) => `Left the workspace (was ${article(str(m.role))} ${str(m.role)})` },
  },
});

/** How an export ended (audit.export.finish's reason). */
const EXPORT_ENDS: Record<string, string> = {
  finished: "Export finished",
  cancelled: "Export cancelled by the download",
  idle_timeout: "Export ended because the download stopped reading",
  error: "Export failed",
};
const format = (m: AuditMetadata) => str(m.format).toUpperCase();

export const auditModule = defineModule({
  name: "audit",
  permissions: {
    "audit.read": { roles: ["owner", "admin", "auditor"], label: "Read the audit log", href: "/app/audit" },
    "audit.export": { roles: ["owner", "admin", "auditor"], label: "Export the audit log", href: "/app/audit" },
  },
  /** `audit_event`: another row of the log, by id (an export's end names its start). */
  targetTypes: ["audit_log", "audit_event"],
  nav: [{ href: "/app/audit", label: "Audit log", permission: "audit.read" }],
  auditEvents: {
    "audit.export": {
      label: "Export started",
      describe: (m) => {
        const filters = m.filters && typeof m.filters === "object" ? Object.keys(m.filters as object) : [];
        const filtered = filters.length ? ` (filtered by ${filters.join(", ")})` : "";
        // Exports recorded before audit.export.finish existed were one row, written at the end.
        if ("rows" in m) return `Exported ${count(m.rows, "event")} as ${format(m)}${filtered}${m.complete === false ? " — cancelled before the end" : ""}`;
        return `Started an export as ${format(m)}${filtered}`;
      },
    },
    // Written by the daily retention job (lib/jobs/retention.ts), no actor: the plan's retention applied.
    "audit.retention.apply": {
      label: "Retention applied",
      describe: (m) =>
        `Deleted ${count(m.deleted, "event")} older than ${str(m.cutoff).slice(0, 10) || "?"} (UTC), as the plan keeps the log ${count(m.retention_days, "day")}`,
    },
    "audit.export.finish": {
      label: "Export ended",
      describe: (m) =>
        `${EXPORT_ENDS[str(m.reason)] ?? (m.complete ? "Export finished" : "Export ended incomplete")}: ${count(m.rows, "event")} sent as ${format(m)}`,
    },
  },
});
