"use client";

import { ScrollTable } from "@/components/scroll-table";
import type { AuditEventView } from "@/lib/audit/describe";
import { formatInstant } from "@/lib/time-zone";

const UUID = /^[0-9a-f]{8}-[0-9a-f-]{27}$/i;

/**
 * An address is read whole: it does not break at its hyphens or anywhere else
 * while the table has room (the Details column's sentences wrap instead). One
 * longer than most (over 40 characters) may break anywhere, rather than
 * widen its column past the table's box.
 */
const address = (email: string) => (email.length <= 40 ? "addr" : "wrap-anywhere");

function Target({ event }: { event: AuditEventView }) {
  const { targetType, targetId, targetEmail } = event;
  if (!targetType && !targetId) return <span className="text-zinc-400">—</span>;
  const uuid = targetId !== null && UUID.test(targetId);
  return (
    <span className="block max-w-72 text-xs" title={uuid ? targetId : undefined}>
      {targetType ? <span className="block text-zinc-500">{targetType}</span> : null}
      {targetEmail ? <span className={address(targetEmail)}>{targetEmail}</span> : uuid ? <span className="font-mono">{targetId.slice(0, 8)}…</span> : targetId}
    </span>
  );
}

/**
 * A page of the audit log. Nothing in it is interactive (filters and paging
 * are links and a form beside it), and yet a client component: as a server
 * component each row's markup travelled twice, as HTML and again as React's
 * payload of elements (about 1.4 KB a row), and was built, serialised and
 * parsed back on the server; as a client component the payload carries only
 * the events (about 0.3 KB a row). The page's response shrank from 163 KB to
 * 100 KB and its server CPU per view by about a third (bench/pages.ts). Times
 * are formatted with the zone the server read from the viewer's cookie, so
 * hydration finds the same text. An actor's name filters the log of the page
 * the table is on (`basePath`): a workspace's own audit page, or the
 * platform's view of that workspace's log.
 */
export function AuditTable({ events, timeZone, basePath }: { events: AuditEventView[]; timeZone: string; basePath: string }) {
  return (
    <ScrollTable label="Audit log" className="rounded-lg border border-zinc-200 bg-white">
      <table className="data-table min-w-4xl" data-testid="audit-table">
        <thead>
          <tr>
            <th className="th">Time</th>
            <th className="th">Actor</th>
            <th className="th">Action</th>
            <th className="th">Target</th>
            <th className="th">Details</th>
            <th className="th">IP</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} data-testid="audit-row" data-id={e.id}>
              <td className="td-top">
                {/* Date over time, each on one line (a <time> never wraps): the column stays two lines high at any width. */}
                <time dateTime={e.createdAt.toISOString()} title={e.createdAt.toISOString()}>
                  <span className="block">{formatInstant(e.createdAt, timeZone, "date")}</span>
                  <span className="block text-xs text-zinc-500">{formatInstant(e.createdAt, timeZone, "time")}</span>
                </time>
              </td>
              <td className="td-top">
                {e.actorEmail ? (
                  // A plain link: prefetching every actor of a 50-row page is not worth it.
                  <a href={`${basePath}?actor=${encodeURIComponent(e.actorEmail)}`} className="block hover:underline">
                    {e.actorName ? <span className="block font-medium">{e.actorName}</span> : null}
                    <span className={`block muted ${address(e.actorEmail)}`}>{e.actorEmail}</span>
                  </a>
                ) : (
                  // No person: the schedule (SYSTEM_ACTOR in lib/audit/filters.ts, which the actor filter takes).
                  <a href={`${basePath}?actor=system`} className="block text-zinc-400 hover:underline">
                    system
                  </a>
                )}
              </td>
              <td className="td-top">
                <code className="chip">{e.action}</code>
              </td>
              <td className="td-top">
                <Target event={e} />
              </td>
              <td className="td-top">{e.details}</td>
              <td className="td-top">
                <span className="mono-xs">{e.ip ?? "—"}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
