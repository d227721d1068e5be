// After /admin/workspaces/new, an email to the first owner that did not go out
// is said on the workspace's overview, with the sign-in link to send by hand
// and a Copy button — it went unsaid (only the audit log knew).
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { OwnerEmailUnsent } from "@/components/platform/owner-email-unsent";
import { createdWorkspaceHref, UNSENT_PARAM, unsentOwnerEmail } from "./created-notice";

const id = "6f1c2d3e-0000-4000-8000-000000000001";
const members = [
  { email: "ada@example.com", role: "owner" },
  { email: "bob@example.com", role: "member" },
];

describe("the notice of a new workspace's unsent email", () => {
  it("goes to the overview flagged with the owner's address only when the email did not go out", () => {
    expect(createdWorkspaceHref(id, true, "ada@example.com")).toBe(`/admin/workspaces/${id}`);
    const href = new URL(createdWorkspaceHref(id, false, "ada+x@example.com"), "http://localhost");
    expect(href.pathname).toBe(`/admin/workspaces/${id}`);
    expect(href.searchParams.get(UNSENT_PARAM)).toBe("ada+x@example.com");
  });

  it("names only an owner among the members the page read", () => {
    expect(unsentOwnerEmail("ADA@example.com", members)).toBe("ada@example.com");
    expect(unsentOwnerEmail("bob@example.com", members)).toBeNull();
    expect(unsentOwnerEmail("eve@example.com", members)).toBeNull();
    expect(unsentOwnerEmail(["ada@example.com"], members)).toBeNull();
    expect(unsentOwnerEmail(undefined, members)).toBeNull();
  });

  it("says the email could not be sent, with the link and a Copy button", () => {
    const link = "http://localhost:3000/sign-in?email=ada%40example.com&next=%2Fapp%2Fdashboard";
    const html = renderToStaticMarkup(<OwnerEmailUnsent email="ada@example.com" link={link} />).replaceAll("&amp;", "&");
    expect(html).toContain("The email to ada@example.com could not be sent: send them this link yourself.");
    expect(html).toContain(`value="${link}"`);
    expect(html).toContain('aria-label="Sign-in link"');
    expect(html).toMatch(/<button[^>]*>Copy<\/button>/);
    expect(html).toContain('tabindex="-1"');
  });
});
