// Query timings over a large logs table: fills a scratch database with N synthetic records (SQL
// generate_series, spread over the last 24 h, 20 services, 1 in 50 with a trace id, 1 in 4 with a
// correlation id), then times what the targets name: by trace id, by correlation id, full
// text over the last hour, and the LogQL `sum by (service_name) (count_over_time({service_name=~".+"}
// |= "error" [1m]))` over 1 h through the Loki API handler. Medians of 5 runs.
//   npx tsx scripts/bench-logs-query.ts [records]
import { parseLogQuery } from '../lib/contracts/logs-api';
import { searchLogs } from '../lib/db/log-queries';
import { disconnectDb } from '../lib/db/prisma';
import { queryRange } from '../lib/http/loki-api';
import { createPgExecutor } from '../collector/store/pg-executor';
import { createLogPartitions } from '../collector/store/log-partitions';
import { applyMigrations } from '../lib/db/migrator';
import { databaseUrl, fmt, resetDatabase } from './bench-support';

const N = Number(process.argv[2] ?? 1_000_000);
const NAME = 'meshlight_bench_logs_query';

async function time(label: string, run: () => Promise<unknown>): Promise<void> {
  await run();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await run();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} ${runs[2]!.toFixed(1).padStart(8)} ms (min ${runs[0]!.toFixed(1)}, max ${runs[4]!.toFixed(1)})`);
}

async function main(): Promise<void> {
  await resetDatabase(NAME);
  const url = databaseUrl(NAME);
  const db = createPgExecutor(url, 1);
  const nowMs = Date.now();
  const nowNs = BigInt(nowMs) * 1_000_000n;
  try {
    await applyMigrations(db);
    const partitions = createLogPartitions(db, { retentionDays: 7, futureDays: 1 });
    await partitions.ensureDays([Math.floor(nowMs / 86_400_000) - 1, Math.floor(nowMs / 86_400_000)]);
    await db.query(`INSERT INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url)
      SELECT s, 'svc-' || s, jsonb_build_object('service.name', 'svc-' || s), 0, '' FROM generate_series(0, 19) s`);
    await db.query(`INSERT INTO scopes (id, name, version, attributes) VALUES (0, 'bench', '', '{}')`);
    const start = process.hrtime.bigint();
    const chunk = 250_000;
    for (let from = 0; from < N; from += chunk) {
      await db.query(
        `INSERT INTO logs (time_ns, observed_ns, service_name, severity_number, severity_text, body, trace_id, span_id, correlation_id, resource_id, scope_id, attributes)
         SELECT $1::bigint - i * $2::bigint, $1::bigint, 'svc-' || (i % 20), (ARRAY[9,9,9,13,17,5])[1 + i % 6], NULL,
                (ARRAY['order placed for customer','payment error: card declined','stock reserved in warehouse','GET /api/cart 200','db timeout after 5000ms','user logged in'])[1 + i % 6]
                  || ' id=' || i || ' ' || md5(i::text),
                CASE WHEN i % 50 = 0 THEN decode(md5('t' || (i / 50)), 'hex') END, NULL,
                CASE WHEN i % 4 = 0 THEN 'c-' || (i / 4) END, i % 20, 0,
                jsonb_build_object('http.route', '/api/' || (i % 30), 'user.id', 'u-' || (i % 1000))
           FROM generate_series($3::bigint, $4::bigint) i`,
        [nowNs.toString(), (86_400_000_000_000n / BigInt(N)).toString(), from, Math.min(N, from + chunk) - 1],
      );
    }
    await db.query('ANALYZE logs');
    console.log(`${fmt(N)} records inserted in ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(0)} s (SQL, no client encoding)`);
    const size = await db.query<{ bytes: string }>(`SELECT sum(pg_total_relation_size(inhrelid))::text AS bytes FROM pg_inherits WHERE inhparent = 'logs'::regclass`);
    console.log(`on disk: ${fmt(Number(size[0]!.bytes) / N)} bytes/record (heap + indexes)`);
  } finally {
    await db.close();
  }
  process.env.DATABASE_URL = url;
  const traceId = (await import('node:crypto')).createHash('md5').update(`t${Math.floor(N / 2 / 50)}`).digest('hex');
  const hourAgo = String(nowMs - 3_600_000);
  await time('GET /api/logs?traceId= (incl. correlation join)', () => searchLogs(parseLogQuery(new URLSearchParams({ traceId }))));
  await time('GET /api/logs?correlationId=', () => searchLogs(parseLogQuery(new URLSearchParams({ correlationId: `c-${Math.floor(N / 8)}` }))));
  await time('GET /api/logs?q=timeout over the last hour (100 newest)', () =>
    searchLogs(parseLogQuery(new URLSearchParams({ q: 'timeout', start: hourAgo, end: String(nowMs) }))),
  );
  await time('GET /api/logs?q=<rare token> over the last hour', () =>
    searchLogs(parseLogQuery(new URLSearchParams({ q: 'id=5000', start: hourAgo, end: String(nowMs) }))),
  );
  await time('LogQL sum by (service_name)(count_over_time(|= "error" [1m])) 1 h', async () => {
    const response = await queryRange(
      new URLSearchParams({ query: 'sum by (service_name) (count_over_time({service_name=~".+"} |= "error" [1m]))', start: `${nowMs - 3_600_000}000000`, end: `${nowMs}000000`, step: '60' }),
      nowNs,
    );
    if (response.status !== 200) throw new Error(await response.text());
  });
  await disconnectDb();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
