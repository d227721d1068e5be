// GET /app/logo/<tenantId>, as the route answers it (the route adds only the
// request's session cookie): the stored image with headers that keep it an
// image, cached privately and revalidated by ETag, for the workspace's
// members; the same 404 for everyone and everything else.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { logoResponse } from "@/lib/http/logo-response";
import { updateBranding } from "@/lib/workspace-settings";
import { actorFor, createUser, createWorkspace, credentialOf, owner, setTenantStatus } from "@/test/fixtures";

async function workspaceWithLogo() {
  const ws = await createWorkspace();
  const upload = await sharp({ create: { width: 300, height: 150, channels: 4, background: "#114488" } }).png().toBuffer();
  await updateBranding(actorFor(ws.tenant, ws.owner), { accent: null, logo: upload });
  const { rows } = await owner().query<{ content: Buffer; version: string }>(
    "SELECT content, left(sha256, 16) AS version FROM tenant_logos WHERE tenant_id = $1",
    [ws.tenant.id],
  );
  return { ...ws, logo: rows[0]! };
}

const get = (tenantId: string, headers: Record<string, string> = {}, search = "") =>
  new Request(`http://localhost/app/logo/${tenantId}${search}`, { headers });

describe("the logo route", () => {
  it("gives a member the stored image with headers that keep it an image, and an ETag", async () => {
    const ws = await workspaceWithLogo();
    for (const role of ["owner", "member", "auditor"] as const) {
      const response = await logoResponse(credentialOf(ws[role]), ws.tenant.id, get(ws.tenant.id));
      expect(response.status, role).toBe(200);
      expect(Object.fromEntries(response.headers)).toMatchObject({
        "content-type": "image/png",
        "content-length": String(ws.logo.content.byteLength),
        etag: `"${ws.logo.version}"`,
        "cache-control": "private, no-cache",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'",
        "cross-origin-resource-policy": "same-origin",
      });
      expect(Buffer.from(await response.arrayBuffer()).equals(ws.logo.content)).toBe(true);
    }
  });

  it("lets the browser keep a versioned URL for good, and only that one", async () => {
    const ws = await workspaceWithLogo();
    const current = await logoResponse(credentialOf(ws.member), ws.tenant.id, get(ws.tenant.id, {}, `?v=${ws.logo.version}`));
    expect(current.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const stale = await logoResponse(credentialOf(ws.member), ws.tenant.id, get(ws.tenant.id, {}, "?v=0123456789abcdef"));
    expect(stale.headers.get("cache-control")).toBe("private, no-cache");
    expect(stale.status).toBe(200);
  });

  it("answers 304 without the image when the browser holds the current version, 200 when it holds an old one", async () => {
    const ws = await workspaceWithLogo();
    for (const header of [`"${ws.logo.version}"`, `W/"${ws.logo.version}"`, `"0123456789abcdef", "${ws.logo.version}"`, "*"]) {
      const response = await logoResponse(credentialOf(ws.member), ws.tenant.id, get(ws.tenant.id, { "If-None-Match": header }));
      expect(response.status, header).toBe(304);
      expect(response.headers.get("etag")).toBe(`"${ws.logo.version}"`);
      expect((await response.arrayBuffer()).byteLength).toBe(0);
    }
    const old = await logoResponse(credentialOf(ws.member), ws.tenant.id, get(ws.tenant.id, { "If-None-Match": '"0123456789abcdef"' }));
    expect(old.status).toBe(200);
    expect(Buffer.from(await old.arrayBuffer()).equals(ws.logo.content)).toBe(true);
  });

  it("answers 404 alike to a non-member, the signed out, a forged session, a bad id, a workspace without a logo and a suspended one", async () => {
    const ws = await workspaceWithLogo();
    const stranger = await createUser();
    const bare = await createWorkspace();
    const suspended = await workspaceWithLogo();
    await setTenantStatus(suspended.tenant.id, "blocked");
    const cases: Array<[string, Response]> = [
      ["non-member", await logoResponse(credentialOf(stranger), ws.tenant.id, get(ws.tenant.id))],
      ["signed out", await logoResponse(null, ws.tenant.id, get(ws.tenant.id))],
      ["forged session", await logoResponse({ kind: "session", token: "f".repeat(64) }, ws.tenant.id, get(ws.tenant.id))],
      ["malformed id", await logoResponse(credentialOf(ws.owner), "../../etc/passwd", get("x"))],
      ["no logo", await logoResponse(credentialOf(bare.owner), bare.tenant.id, get(bare.tenant.id))],
      ["suspended", await logoResponse(credentialOf(suspended.owner), suspended.tenant.id, get(suspended.tenant.id))],
    ];
    for (const [label, response] of cases) {
      expect(response.status, label).toBe(404);
      expect(response.headers.get("content-type"), label).toBe("text/plain; charset=utf-8");
      expect(await response.text(), label).toBe("Not found\n");
    }
  });
});
