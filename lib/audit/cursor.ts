import { DomainError } from "@/lib/errors";
import { openCursor, sealCursor } from "@/lib/cursor";

/** A keyset position: the (created_at, id) of the row a page starts after or before. */
export interface AuditCursor {
  createdAt: Date;
  id: string;
}

const PURPOSE = "audit-cursor";

/** Signed so that a hand-edited cursor is refused rather than trusted. */
export function encodeCursor(cursor: AuditCursor): string {
  return sealCursor(PURPOSE, `${cursor.createdAt.toISOString()}|${cursor.id}`);
}

export const BAD_CURSOR = "This page link is not valid any more. Start again from the first page.";

export function decodeCursor(value: string): AuditCursor {
  const text = openCursor(PURPOSE, value);
  if (text === null) throw new DomainError("bad_cursor", BAD_CURSOR);
  const [iso, id] = text.split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || !/^\d{1,19}$/.test(id) || Number.isNaN(createdAt.getTime())) throw new DomainError("bad_cursor", BAD_CURSOR);
  return { createdAt, id };
}
