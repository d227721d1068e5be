"use client";

import { tableFeatures, useTable, type ColumnDef } from "@tanstack/react-table";
import { LocalTime } from "@/components/local-time";

export interface AuditEventView {
  id: string;
  createdAt: string;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetEmail: string | null;
  details: string;
  ip: string | null;
}

const features = tableFeatures({});

const columns: Array<ColumnDef<typeof features, AuditEventView>> = [
  {
    id: "time",
    header: "Time",
    cell: ({ row }) => <LocalTime iso={row.original.createdAt} />,
  },
  {
    id: "actor",
    header: "Actor",
    cell: ({ row }) => {
      const { actorName, actorEmail } = row.original;
      if (!actorEmail) return <span className="text-zinc-400">system</span>;
      return (
        // A plain link: prefetching every actor of a 50-row page is not worth it.
        <a href={`/app/audit?actor=${encodeURIComponent(actorEmail)}`} className="block hover:underline">
          {actorName ? <span className="block font-medium">{actorName}</span> : null}
          <span className="block muted">{actorEmail}</span>
        </a>
      );
    },
  },
  { id: "action", header: "Action", cell: ({ row }) => <code className="chip">{row.original.action}</code> },
  {
    id: "target",
    header: "Target",
    cell: ({ row }) => {
      const { targetType, targetId, targetEmail } = row.original;
      if (!targetType && !targetId) return <span className="text-zinc-400">—</span>;
      const uuid = targetId && /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(targetId);
      return (
        <span className="block max-w-56 text-xs break-words" title={uuid ? targetId! : undefined}>
          {targetType ? <span className="block text-zinc-500">{targetType}</span> : null}
          {targetEmail ?? (uuid ? <span className="font-mono">{targetId!.slice(0, 8)}…</span> : targetId)}
        </span>
      );
    },
  },
  { id: "details", header: "Details", cell: ({ row }) => row.original.details },
  { id: "ip", header: "IP", cell: ({ row }) => <span className="mono-xs">{row.original.ip ?? "—"}</span> },
];

export function AuditTable({ events }: { events: AuditEventView[] }) {
  const table = useTable({ features, columns, data: events });
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
      <table className="data-table" data-testid="audit-table">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} className="th">
                  <table.FlexRender header={header} />
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.original.id} data-testid="audit-row" data-id={row.original.id}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className="td-top">
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
