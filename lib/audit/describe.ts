// One readable sentence per audit event, for the audit page and exports.
// Pure: the same text on the server, in the browser and in a CSV.

type Metadata = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const article = (role: string) => (/^[aeiou]/.test(role) ? "an" : "a");

const events = (n: unknown) => (typeof n === "number" ? `${n.toLocaleString("en")} event${n === 1 ? "" : "s"}` : "? events");
const format = (m: Metadata) => str(m.format).toUpperCase();

/** How an export ended (audit.export.finish's reason). */
const EXPORT_ENDS: Record<string, string> = {
  finished: "Export finished",
  cancelled: "Export cancelled by the download",
  idle_timeout: "Export ended because the download stopped reading",
  error: "Export failed",
};

const kilobytes = (n: unknown) => (typeof n === "number" ? `${Math.max(1, Math.round(n / 1024)).toLocaleString("en")} KB` : "? KB");

const characters = (n: unknown) => (typeof n === "number" ? `${n.toLocaleString("en")} character${n === 1 ? "" : "s"}` : "? characters");

/** What a tenant.branding.change did, one clause per change. */
function brandingChanges(m: Metadata): string {
  const parts: string[] = [];
  const logo = m.logo && typeof m.logo === "object" ? (m.logo as Metadata) : null;
  if (logo) {
    const size = `${str(logo.width)} × ${str(logo.height)} px, ${kilobytes(logo.bytes)}`;
    if (logo.change === "removed") parts.push(`removed the logo (${size})`);
    else parts.push(`${logo.change === "replaced" ? "replaced the logo with" : "set the logo to"} a new image (${size})`);
  }
  const accent = m.accent && typeof m.accent === "object" ? (m.accent as Metadata) : null;
  if (accent) {
    const colour = (v: unknown) => (typeof v === "string" && v ? v : "none");
    parts.push(`changed the accent colour from ${colour(accent.from)} to ${colour(accent.to)}`);
  }
  const text = parts.join(" and ") || "changed the branding";
  return `${text[0]!.toUpperCase()}${text.slice(1)}`;
}

function emailNote(m: Metadata): string {
  return m.email_dispatched === false ? " · invite email not sent" : "";
}

export function describeAuditEvent(action: string, metadata: unknown): string {
  const m: Metadata = metadata && typeof metadata === "object" && !Array.isArray(metadata) ? (metadata as Metadata) : {};
  const email = str(m.email);
  const role = str(m.role);
  switch (action) {
    case "tenant.create":
      return `Created the workspace “${str(m.name)}” (${str(m.slug)})`;
    case "tenant.switch":
      return m.remembered ? "Switched to this workspace and made it the default" : "Switched to this workspace";
    case "tenant.delete":
      return `Deleted the workspace “${str(m.name)}” into the trash (purged after ${str(m.purge_after_days)} days unless restored)`;
    case "tenant.restore":
      return `Restored the workspace “${str(m.name)}” from the trash`;
    case "tenant.purge.request":
      return `Asked for the workspace “${str(m.name)}” to be purged now`;
    case "tenant.block":
      return `The platform suspended this workspace${m.reason ? `: ${str(m.reason)}` : ""}`;
    case "tenant.unblock":
      return "The platform lifted this workspace's suspension";
    case "tenant.rename":
      return `Renamed the workspace from “${str(m.from)}” to “${str(m.to)}”`;
    case "tenant.slug.change":
      return `Changed the workspace's slug from ${str(m.from)} to ${str(m.to)}`;
    case "tenant.branding.change":
      return brandingChanges(m);
    case "tenant.notes.change":
      if (m.to_length === 0) return "Cleared the workspace's notes";
      if (m.from_length === 0) return `Wrote the workspace's notes (${characters(m.to_length)})`;
      return `Changed the workspace's notes (${characters(m.from_length)} → ${characters(m.to_length)})`;
    case "member.invite":
      return `Invited ${email} as ${article(role)} ${role}${m.replaced_invitation_id ? ", replacing an earlier invitation" : ""}${emailNote(m)}`;
    case "member.invite.resend":
      return `Sent ${email} a new invitation link (the previous one was revoked)${emailNote(m)}`;
    case "member.invite.revoke":
      return `Revoked the invitation for ${email}${m.was_expired ? " (it had expired)" : ""}`;
    case "member.invite.accept":
      return m.already_member
        ? `Accepted an invitation as ${email}, already a member (role ${role} kept)`
        : `Joined as ${article(role)} ${role} by accepting the invitation to ${email}`;
    case "member.remove":
      return `Removed ${email} (${role})`;
    case "member.role.change":
      return `Changed ${email}'s role from ${str(m.from)} to ${str(m.to)}`;
    case "member.leave":
      return `Left the workspace (was ${article(role)} ${role})`;
    case "audit.export": {
      const filters = m.filters && typeof m.filters === "object" ? Object.keys(m.filters as object) : [];
      const filtered = filters.length ? ` (filtered by ${filters.join(", ")})` : "";
      // Exports recorded before audit.export.finish existed were one row, written at the end.
      if ("rows" in m) return `Exported ${events(m.rows)} as ${format(m)}${filtered}${m.complete === false ? " — cancelled before the end" : ""}`;
      return `Started an export as ${format(m)}${filtered}`;
    }
    case "audit.export.finish":
      return `${EXPORT_ENDS[str(m.reason)] ?? (m.complete ? "Export finished" : "Export ended incomplete")}: ${events(m.rows)} sent as ${format(m)}`;
    default:
      return Object.entries(m)
        .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
        .join(", ");
  }
}
