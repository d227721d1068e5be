// The email to the first owner of a workspace the platform created: its link
// signs them in to the app, which opens the workspace they used last, so the
// button promises no more than signing in, and the text says where to find the
// new workspace.
import { render } from "@react-email/render";
import { describe, expect, it } from "vitest";
import WorkspaceCreatedEmail from "./workspace-created";

const props = { url: "http://localhost:3000/sign-in?email=ada%40example.com&next=%2Fapp%2Fdashboard", workspaceName: "Acme Production", email: "ada@example.com" };

describe("WorkspaceCreatedEmail", () => {
  it("has a button that signs in to Tenantry, not one that claims to open the workspace", async () => {
    const html = await render(<WorkspaceCreatedEmail {...props} />);
    expect(html).toContain(">Sign in to Tenantry<");
    expect(html).not.toContain("Sign in to open");
  });

  it("says to choose the workspace in the switcher, since signing in opens the one used last", async () => {
    const text = (await render(<WorkspaceCreatedEmail {...props} />, { plainText: true })).replace(/\s+/g, " ");
    expect(text).toContain(
      "Sign in with this address, ada@example.com. If you belong to other workspaces, Tenantry opens the one you used last: choose Acme Production in the workspace switcher.",
    );
    expect(text).not.toContain("to open it");
  });
});
