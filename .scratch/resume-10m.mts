import pg from 'pg';
import { insertGeneratedSpans } from '/work/wt/search/tests/support/generated-spans';
const NS_PER_MS = 1_000_000n;
const HOUR_NS = 3_600_000n * NS_PER_MS;
const DAY_NS = 24n * HOUR_NS;
const DATA_START_NS = BigInt(Date.UTC(2026, 10, 20)) * NS_PER_MS + 6n * HOUR_NS;
const traces = 500_000;
const spacingNs = DAY_NS / BigInt(traces);
const client = new pg.Client('postgresql://postgres@127.0.0.1:5432/meshlight_bench_search_10m');
await client.connect();
const from0 = Number(process.argv[2]);
for (let from = from0; from < traces; from += 25_000) {
  await insertGeneratedSpans(client, { fromTrace: from, toTrace: Math.min(traces, from + 25_000), startNs: DATA_START_NS, spacingNs });
  console.log(`${(from + 25_000) * 20} spans`);
}
const ref = new pg.Client('postgresql://postgres@127.0.0.1:5432/meshlight_bench_search_1m');
await ref.connect();
const { rows } = await ref.query(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'spans'`);
await ref.end();
await client.query(`SET maintenance_work_mem = '512MB'`);
for (const index of rows) {
  const t0 = performance.now();
  await client.query(index.def.replace(' ON ONLY ', ' ON '));
  console.log(index.name, ((performance.now() - t0) / 1000).toFixed(1), 's');
}
await client.query('VACUUM ANALYZE');
await client.query('CREATE TABLE bench_search_meta (spans BIGINT NOT NULL)');
await client.query('INSERT INTO bench_search_meta VALUES ($1)', [traces * 20]);
await client.end();
console.log('done');
