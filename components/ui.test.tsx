// A field's error is its control's description: a screen reader on the
// control reads why it was refused (aria-describedby), as aria-invalid says
// that it was. Every form's Field/Input pair gets it: the invite email, the
// new workspace's name and slug, an API key's name among them.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Field, Input, Select } from "./ui";

const attributes = (html: string, tag: string) => {
  const element = new RegExp(`<${tag}\\b[^>]*>`).exec(html)?.[0] ?? "";
  return Object.fromEntries([...element.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
};

describe("Field", () => {
  it("describes its control by the error it shows, and marks it invalid", () => {
    const html = renderToStaticMarkup(
      <Field label="Email address" htmlFor="invite-email" error="Enter a valid email address.">
        <Input id="invite-email" name="email" invalid />
      </Field>,
    );
    const input = attributes(html, "input");
    expect(input).toMatchObject({ id: "invite-email", "aria-invalid": "true", "aria-describedby": "invite-email-error" });
    expect(html).toContain('<p id="invite-email-error" class="text-sm text-red-600">Enter a valid email address.</p>');
  });

  it("does so for a control that does not say it is invalid itself, and for a select", () => {
    const input = attributes(
      renderToStaticMarkup(
        <Field label="Workspace name" htmlFor="name" error="Name the workspace." hint="Shown throughout the app.">
          <Input id="name" name="name" />
        </Field>,
      ),
      "input",
    );
    expect(input).toMatchObject({ "aria-invalid": "true", "aria-describedby": "name-error" });
    const select = attributes(
      renderToStaticMarkup(
        <Field label="Role" htmlFor="invite-role" error="Choose a role.">
          <Select id="invite-role" name="role">
            <option value="member">Member</option>
          </Select>
        </Field>,
      ),
      "select",
    );
    expect(select).toMatchObject({ "aria-invalid": "true", "aria-describedby": "invite-role-error" });
  });

  it("leaves a control with no error undescribed and valid, and keeps a description the control names itself", () => {
    const valid = attributes(
      renderToStaticMarkup(
        <Field label="Name" htmlFor="api-key-name" hint="What uses it.">
          <Input id="api-key-name" name="name" invalid={false} />
        </Field>,
      ),
      "input",
    );
    expect(valid["aria-describedby"]).toBeUndefined();
    expect(valid["aria-invalid"]).toBeUndefined();
    const own = attributes(
      renderToStaticMarkup(
        <Field label="Code" htmlFor="code" error="That code is not right.">
          <Input id="code" name="code" invalid aria-describedby="code-error code-help" />
        </Field>,
      ),
      "input",
    );
    expect(own["aria-describedby"]).toBe("code-error code-help");
  });
});
