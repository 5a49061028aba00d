// Measures GET /api/traces/{id} for one synthetic 10,000-span trace on the real PostgreSQL:
// creates a scratch database, inserts the trace with SQL, calls the route handler in-process
// (query + Jaeger mapping + JSON serialisation, as Next would run it) and prints p50/p95.
//   npx tsx scripts/bench-trace-api.ts [spanCount] [iterations]
import { createScratchDatabase } from '../tests/support/scratch-database';
import { migrateDatabase } from '../tests/support/migrate';
import { seedBenchTrace } from '../tests/support/insert-spans';

const spanCount = Number(process.argv[2] ?? 10_000);
const iterations = Number(process.argv[3] ?? 50);

const database = await createScratchDatabase('meshlight_bench');
try {
  await migrateDatabase(database.url);
  // Some neighbours, so the trace is not alone in its partition.
  const traceId = await seedBenchTrace(database.url, spanCount, 200);

  process.env.DATABASE_URL = database.url;
  const { GET } = await import('../app/api/traces/[traceId]/route');
  const { disconnectDb } = await import('../lib/db/prisma');
  const call = async () => {
    const response = await GET(new Request(`http://localhost/api/traces/${traceId}`), {
      params: Promise.resolve({ traceId }),
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
