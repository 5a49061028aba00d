import pg from 'pg';
import { findTraceIds, searchLoadWindow } from '/work/wt/search/lib/db/trace-queries';
import { disconnectDb } from '/work/wt/search/lib/db/prisma';
import { recordQueries } from '/work/wt/search/tests/support/query-recorder';
import { loadTraceRows } from '/work/wt/search/lib/db/trace-queries';
const HOUR = 3_600_000_000_000n;
const start = BigInt(Date.UTC(2026, 10, 20)) * 1_000_000n + 6n * HOUR + BigInt(process.env.OFFSET_H ?? 0) * HOUR;
const end = start + 24n * HOUR;
const query: any = { service: 'svc-07', tags: JSON.parse(process.env.TAGS ?? '{}'), startNs: start, endNs: end, limit: Number(process.env.LIMIT ?? 1500) };
const ids = await findTraceIds(query);
const { queries } = await recordQueries(() => process.env.FIND ? findTraceIds(query) : loadTraceRows(ids, searchLoadWindow(query)));
const client = new pg.Client(process.env.DATABASE_URL);
await client.connect();
for (const q of queries.filter((q) => /FROM spans/.test(q.text)).slice(0, 2)) {
  const { rows } = await client.query({ text: 'EXPLAIN (ANALYZE, BUFFERS) ' + q.text, values: q.values });
  console.log(rows.map((r: any) => r['QUERY PLAN']).join('\n').replace(/'\{[^}]*\}'::bytea\[\]/g, "'{…}'::bytea[]").slice(0, 5000));
}
await client.end();
await disconnectDb();
