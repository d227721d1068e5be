import { NextResponse } from "next/server";

/** Liveness for process managers and the browser suite's server start; touches no database. */
export function GET() {
  return NextResponse.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
}
