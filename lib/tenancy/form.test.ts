import { describe, expect, it } from "vitest";
import { NUL_BYTE_MESSAGE } from "@/lib/validation";
import { NOT_FORM_MESSAGE, readForm } from "./form";

const form = (entries: Array<[string, string | Blob]>) => {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
};

describe("readForm", () => {
  it.each([
    ["nothing", undefined],
    ["null", null],
    ["a string", "email=a@b.test"],
    ["a number", 42],
    ["an array", [["email", "a@b.test"]]],
    ["an object with the form's fields", { email: "a@b.test", _tenant: "x" }],
    ["an object that looks like FormData", { entries: () => [["email", "a@b.test"]][Symbol.iterator](), get: () => "a@b.test" }],
    ["URLSearchParams", new URLSearchParams("email=a@b.test")],
  ])("refuses %s as not a form", (_label, value) => {
    expect(readForm(value)).toEqual({ ok: false, refusal: { ok: false, error: NOT_FORM_MESSAGE } });
  });

  it("reads text fields, the last of a repeated one, and files apart from them, leaving out React's own fields", () => {
    const read = readForm(
      form([
        ["$ACTION_ID_abc", "x"],
        ["$ACTION_REF_1", ""],
        ["email", "first@b.test"],
        ["email", "second@b.test"],
        ["avatar", new Blob(["gif"])],
        ["avatar", new File(["png\u0000bytes"], "me.png", { type: "image/png" })],
        ["note", "日本語 é"],
      ]),
    );
    expect(read.ok && read.fields).toEqual({ email: "second@b.test", note: "日本語 é" });
    expect(read.ok && Object.keys(read.files)).toEqual(["avatar"]);
    expect(read.ok && read.files.avatar?.name).toBe("me.png");
  });

  it("keeps a field named __proto__ as a field, not a prototype", () => {
    const read = readForm(form([["__proto__", "x"], ["constructor", "y"]]));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(Object.getPrototypeOf(read.fields)).toBe(Object.prototype);
    expect(Object.hasOwn(read.fields, "__proto__")).toBe(true);
    expect(read.fields.constructor).toBe("y");
  });

  it("refuses a NUL byte in any field's value or name, naming the fields", () => {
    expect(readForm(form([["email", "a@b.test"], ["next", "/app\u0000"], ["name", "\u0000"]]))).toEqual({
      ok: false,
      refusal: { ok: false, error: NUL_BYTE_MESSAGE, fieldErrors: { next: NUL_BYTE_MESSAGE, name: NUL_BYTE_MESSAGE } },
    });
    expect(readForm(form([["na\u0000me", "x"]]))).toMatchObject({ ok: false, refusal: { fieldErrors: { name: NUL_BYTE_MESSAGE } } });
  });
});
