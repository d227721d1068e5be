import { RoleBadge } from "@/components/ui";

export interface AdminMemberRow {
  userId: string;
  name: string | null;
  email: string;
  role: string;
  joinedAt: Date;
}

/** A workspace's members as the platform's pages list them: name, email, role, when they joined (UTC date). */
export function AdminMembersTable({ members, testId, className = "" }: { members: AdminMemberRow[]; testId: string; className?: string }) {
  return (
    <table className={`w-full min-w-[480px] text-left text-sm ${className}`} data-testid={testId}>
      <tbody className="divide-y divide-zinc-100">
        {members.map((m) => (
          <tr key={m.userId}>
            <td className="px-4 py-2">
              {m.name ? <div className="font-medium">{m.name}</div> : null}
              <div className="text-zinc-600">{m.email}</div>
            </td>
            <td className="px-4 py-2">
              <RoleBadge role={m.role} />
            </td>
            <td className="px-4 py-2 text-zinc-500 tabular-nums">joined {m.joinedAt.toISOString().slice(0, 10)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
