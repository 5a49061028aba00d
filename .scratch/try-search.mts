import { findTraceIds, loadTraceRows, searchLoadWindow, summarizeTraces } from '/work/wt/search/lib/db/trace-queries';
import { disconnectDb } from '/work/wt/search/lib/db/prisma';
const HOUR = 3_600_000_000_000n;
const start = BigInt(Date.UTC(2026, 10, 20)) * 1_000_000n + 6n * HOUR;
const end = start + 24n * HOUR;
const q = (extra: object, limit = 20, s = start) => ({ service: 'svc-07', tags: {}, startNs: s, endNs: end, limit, ...extra });
const cases: [string, any][] = [
  ['1h', q({}, 20, end - HOUR)],
  ['24h', q({})],
  ['500', q({ tags: { 'http.response.status_code': '500' } })],
  ['op', q({ operation: 'GET /api/v1/op-3', minDurationNs: 100_000_000n })],
  ['rare', q({ tags: { 'app.order.id': 'ord-' + (Math.floor(Number(process.env.TRACES ?? 50000) / 2 / 50) * 50 + 7) } })],
  ['1500', q({}, 1500)],
  ['noservice 1h', { tags: {}, startNs: end - HOUR, endNs: end, limit: 20 }],
];
for (const [name, query] of cases) {
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const ids = await findTraceIds(query);
    const t1 = performance.now();
    const rows = await loadTraceRows(ids, searchLoadWindow(query));
    const t2 = performance.now();
    await summarizeTraces(ids, searchLoadWindow(query));
    const t3 = performance.now();
    n = rows.traces.length;
    times.push(t1 - t0, t2 - t1, t3 - t2);
  }
  console.log(name, n, 'find/load/summary last:', times.slice(-3).map((t) => t.toFixed(1)).join(' / '));
}
await disconnectDb();
