// Measures GET /api/traces/{id} for one synthetic 10,000-span trace on the real PostgreSQL:
// creates a scratch database, inserts the trace with SQL, calls the route handler in-process
// (query + Jaeger mapping + JSON serialisation, as Next would run it) and prints p50/p95.
//   npx tsx scripts/bench-trace-api.ts [spanCount] [iterations]
import pg from 'pg';
import { createScratchDatabase } from '../tests/support/scratch-database';
import { migrateDatabase } from '../tests/support/migrate';
import { createSpansPartition, insertSpans } from '../tests/support/insert-spans';
import { makeSyntheticTrace } from '../tests/support/synthetic-trace';

const spanCount = Number(process.argv[2] ?? 10_000);
const iterations = Number(process.argv[3] ?? 50);
const NANOS_PER_DAY = 86_400_000_000_000n;

const database = await createScratchDatabase('meshlight_bench');
try {
  await migrateDatabase(database.url);
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const day = (nowNs / NANOS_PER_DAY) * NANOS_PER_DAY;
  const trace = makeSyntheticTrace({ spanCount, startNs: nowNs - 60_000_000_000n });
  const client = new pg.Client(database.url);
  await client.connect();
  await createSpansPartition(client, 'spans_pbench', day - NANOS_PER_DAY, day + NANOS_PER_DAY);
  await insertSpans(client, trace.spans);
  // Some neighbours, so the trace is not alone in its partition.
  for (let seed = 1; seed <= 200; seed++) {
    await insertSpans(client, makeSyntheticTrace({ spanCount: 50, startNs: nowNs - BigInt(seed) * 1_000_000_000n, seed }).spans);
  }
  await client.query('ANALYZE');
  await client.end();

  process.env.DATABASE_URL = database.url;
  const { GET } = await import('../app/api/traces/[traceId]/route');
  const { disconnectDb } = await import('../lib/db/prisma');
  const call = async () => {
    const response = await GET(new Request(`http://localhost/api/traces/${trace.traceId}`), {
      params: Promise.resolve({ traceId: trace.traceId }),
    });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`status ${response.status}: ${new TextDecoder().decode(body.slice(0, 200))}`);
    return body.length;
  };
  const bytes = await call();
  for (let i = 0; i < 5; i++) await call(); // warm-up: JIT, pool, plan cache
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!;
  console.log(
    JSON.stringify({
      spans: spanCount,
      responseBytes: bytes,
      iterations,
      p50Ms: +pct(50).toFixed(1),
      p95Ms: +pct(95).toFixed(1),
      minMs: +times[0]!.toFixed(1),
      maxMs: +times[times.length - 1]!.toFixed(1),
    }),
  );
  await disconnectDb();
} finally {
  await database.drop();
}
