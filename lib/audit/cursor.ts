import { createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "@/lib/errors";

/** A keyset position: the (created_at, id) of the row a page starts after or before. */
export interface AuditCursor {
  createdAt: Date;
  id: string;
}

const secret = () => process.env.AUTH_SECRET || "tenantry-development-cursor-key";
const sign = (payload: string) => createHmac("sha256", secret()).update(`audit-cursor:${payload}`).digest().subarray(0, 16);

/** Signed so that a hand-edited cursor is refused rather than trusted. */
export function encodeCursor(cursor: AuditCursor): string {
  const payload = Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString("base64url");
  return `${payload}.${sign(payload).toString("base64url")}`;
}

export const BAD_CURSOR = "This page link is not valid any more. Start again from the first page.";

export function decodeCursor(value: string): AuditCursor {
  const [payload, signature, extra] = value.split(".");
  if (!payload || !signature || extra !== undefined || value.length > 200) throw new DomainError("bad_cursor", BAD_CURSOR);
  const expected = sign(payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError("bad_cursor", BAD_CURSOR);
  const [iso, id] = Buffer.from(payload, "base64url").toString().split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || !/^\d{1,19}$/.test(id) || Number.isNaN(createdAt.getTime())) throw new DomainError("bad_cursor", BAD_CURSOR);
  return { createdAt, id };
}
