import { findTraceIds, loadTraceRows, searchLoadWindow, loadDictionaries, traceIdFilter } from '/work/wt/search/lib/db/trace-queries';
import { jaegerTracesFromRows } from '/work/wt/search/lib/jaeger/rows-to-jaeger';
import { disconnectDb, getDb } from '/work/wt/search/lib/db/prisma';
const HOUR = 3_600_000_000_000n;
const start = BigInt(Date.UTC(2026, 10, 20)) * 1_000_000n + 6n * HOUR;
const query: any = { service: 'svc-07', tags: {}, startNs: start, endNs: start + 24n * HOUR, limit: Number(process.env.LIMIT ?? 1500) };
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const ids = await findTraceIds(query);
  const t1 = performance.now();
  const values: unknown[] = [];
  const where = traceIdFilter(ids, searchLoadWindow(query), values);
  await loadDictionaries(where, values, getDb());
  const t2 = performance.now();
  const rows = await loadTraceRows(ids, searchLoadWindow(query));
  const t3 = performance.now();
  let bytes = 0;
  for (const chunk of jaegerTracesFromRows(rows)) bytes += chunk.length;
  const t4 = performance.now();
  console.log(`find ${(t1 - t0).toFixed(0)} dict ${(t2 - t1).toFixed(0)} load ${(t3 - t2).toFixed(0)} json ${(t4 - t3).toFixed(0)} ms, ${bytes} bytes`);
}
await disconnectDb();
