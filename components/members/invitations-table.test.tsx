// Pending invitations: one whose email could not be sent says so on its row,
// after a reload too (the invitation records it), not only in the form's
// notice when it was made.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { InvitationSent } from "./invitations-table";

const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("InvitationSent", () => {
  it("says 'Not delivered' for an invitation whose email could not be sent", () => {
    const html = renderToStaticMarkup(<InvitationSent createdAt="2026-12-05T10:00:00.000Z" emailDispatched={false} />);
    expect(text(html)).toMatch(/^.+Not delivered: the email could not be sent$/);
    expect(html).toContain('data-testid="invitation-not-delivered"');
    expect(html).toContain('<time dateTime="2026-12-05T10:00:00.000Z"');
  });

  it("shows only the date for one that was sent", () => {
    const html = renderToStaticMarkup(<InvitationSent createdAt="2026-12-05T10:00:00.000Z" emailDispatched />);
    expect(html).not.toContain("Not delivered");
    expect(html).toMatch(/^<time dateTime="2026-12-05T10:00:00.000Z"[^>]*>[^<]+<\/time>$/);
  });
});
