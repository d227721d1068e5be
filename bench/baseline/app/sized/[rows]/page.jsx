// Added in this repository (not in the shared baseline): /static's table
// with any number of rows, 1 to 1,000 (/sized/50 is /static's page). The page
// benchmark renders it at the size of each signed-in page it loads, to
// compare the app's pages with a plain page of their own size as well.
import { Table } from '../../../lib/table';
export const dynamic = 'force-dynamic';

const MAX_ROWS = 1000;
// /static's rows, generated the same way, as many as asked for.
const ROWS = Array.from({ length: MAX_ROWS }, (_, i) => {
  const r = i + 1;
  return {
    id: r, name: `Customer 1-${r}`, email: `user${r}@tenant1.example`,
    status: ['active', 'trialing', 'past_due', 'canceled'][r % 4],
    amount: (r * 137) % 100000,
    created_at: new Date(Date.UTC(2024, 0, 1) + r * 3600e3).toISOString(),
  };
});

export default async function Page({ params }) {
  const n = Math.min(Math.max(Math.trunc(Number((await params).rows)) || 0, 1), MAX_ROWS);
  return <Table title="Static rows" rows={ROWS.slice(0, n)} />;
}
