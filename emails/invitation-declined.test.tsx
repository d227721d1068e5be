// The email to whoever sent an invitation that its addressee declined it.
import { render } from "@react-email/render";
import { describe, expect, it } from "vitest";
import InvitationDeclinedEmail, { invitationDeclinedSubject } from "./invitation-declined";

const props = { invitee: "Grace Hopper (grace@example.com)", workspaceName: "Acme Production", role: "admin", url: "http://localhost:3000/app/settings" };

describe("InvitationDeclinedEmail", () => {
  it("says who declined which workspace's invitation, in its subject and its text", async () => {
    expect(invitationDeclinedSubject(props)).toBe("Grace Hopper (grace@example.com) declined your invitation to Acme Production");
    const text = (await render(<InvitationDeclinedEmail {...props} />, { plainText: true })).replace(/\s+/g, " ");
    expect(text).toContain("Grace Hopper (grace@example.com) declined your invitation to join Acme Production as an admin.");
    expect(text).toContain("The Members page of Acme Production lists it as declined for 30 days");
  });

  it("links to the members page", async () => {
    const html = await render(<InvitationDeclinedEmail {...props} />);
    expect(html).toContain('href="http://localhost:3000/app/settings"');
    expect(html).toContain(">Open Members<");
  });
});
