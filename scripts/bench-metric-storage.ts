// Metrics storage cost: appends SERIES series × SAMPLES samples (15 s apart, 6 labels each; a mix of
// counters, noisy gauges and constants, half with scrape jitter) through MetricStore into a scratch
// database, flushing every FLUSH_EVERY samples per series, then prints bytes on disk per sample
// (pg_total_relation_size: tables, TOAST and indexes) and the store's write rate. This is the
// store alone (no HTTP, no decoding): the end-to-end ingest figures belong to the receivers' bench.
//   npx tsx scripts/bench-metric-storage.ts [SERIES=100000] [SAMPLES=240] [FLUSH_EVERY=30]
import os from 'node:os';
import { MetricPartitionManager } from '../collector/store/metric-partitions';
import { MetricStore } from '../collector/store/metric-store';
import { createPgExecutor } from '../collector/store/pg-executor';
import type { SeriesSamples } from '../lib/domain/metrics/types';
import { fmt, resetDatabase } from './bench-support';
import { applyMigrations } from '../lib/db/migrator';

const SERIES = Number(process.argv[2] ?? 100_000);
const SAMPLES = Number(process.argv[3] ?? 240);
const FLUSH_EVERY = Number(process.argv[4] ?? 30);
const BATCH_SERIES = 2000;

let seed = 42;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const url = await resetDatabase('meshlight_bench_metric_storage');
const db = createPgExecutor(url, 4);
await applyMigrations(db);
const start = Date.UTC(2026, 10, 28, 6);
let clock = start;
const partitions = new MetricPartitionManager(db, 30, () => clock);
await partitions.load();
const store = new MetricStore(db, { maxSeriesPerMetric: 1_000_000, flushIntervalMs: 3_600_000, partitions, now: () => clock });
await store.init();

const labels = Array.from({ length: SERIES }, (_, i) => ({
  __name__: `bench_metric_${i % 50}`,
  job: `job-${i % 10}`,
  instance: `10.0.${(i >> 8) & 255}.${i & 255}:9100`,
  region: ['eu-west-1', 'us-east-1', 'ap-south-1'][i % 3]!,
  pod: `pod-${Math.floor(i / 50)}`,
  handler: `/api/v1/resource/${i % 37}`,
}));
const kind = labels.map((_, i) => (i % 10 < 5 ? 'counter' : i % 10 < 8 ? 'gauge' : 'constant'));
const value = labels.map(() => Math.floor(random() * 1000));

const began = performance.now();
let samples = 0;
let appendMs = 0;
let flushMs = 0;
let flushes = 0;
const flushTimes: number[] = [];
for (let s = 0; s < SAMPLES; s++) {
  clock = start + s * 15_000;
  const t0 = performance.now();
  for (let b = 0; b < SERIES; b += BATCH_SERIES) {
    const series: SeriesSamples[] = [];
    for (let i = b; i < Math.min(SERIES, b + BATCH_SERIES); i++) {
      if (kind[i] === 'counter') value[i]! += Math.floor(random() * 20);
      else if (kind[i] === 'gauge') value[i] = Math.round((value[i]! + (random() - 0.5) * 10) * 1000) / 1000;
      const jitter = i % 2 ? Math.floor(random() * 5) : 0;
      series.push({ labels: labels[i]!, samples: [{ t: clock + jitter, v: value[i]! }] });
    }
    store.append({ series, metadata: [], sampleCount: series.length, rejectedSamples: 0, rejectionMessage: '' });
    samples += series.length;
  }
  appendMs += performance.now() - t0;
  if ((s + 1) % FLUSH_EVERY === 0 || s === SAMPLES - 1) {
    const t1 = performance.now();
    await store.flush();
    flushMs += performance.now() - t1;
    flushTimes.push(Math.round(performance.now() - t1));
    flushes++;
  }
}
const seconds = (performance.now() - began) / 1000;
await db.query('VACUUM ANALYZE');
const sizes = await db.query<{ name: string; bytes: string }>(
  `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes FROM pg_class c
    WHERE c.relkind = 'r' AND c.relname LIKE 'metric\\_%'`,
);
const bytes = (prefix: RegExp) => sizes.filter((r) => prefix.test(r.name)).reduce((n, r) => n + Number(r.bytes), 0);
const chunkBytes = bytes(/^metric_chunks/);
const segmentBytes = bytes(/^metric_head_(segments|blocks)$/);
const [segmentRows] = await db.query<{ n: string }>('SELECT ((SELECT count(*) FROM metric_head_segments) + (SELECT count(*) FROM metric_head_blocks))::text AS n');
const seriesBytes = bytes(/^metric_(series|label_pairs)$/);
const total = sizes.reduce((n, r) => n + Number(r.bytes), 0);
const [chunks] = await db.query<{ n: string; avg: string }>('SELECT count(*)::text AS n, avg(octet_length(data))::text AS avg FROM metric_chunks');

console.log(`metric storage: ${fmt(SERIES)} series × ${fmt(SAMPLES)} samples = ${fmt(samples)} samples, flushed every ${FLUSH_EVERY} samples`);
console.log(`  on disk: ${fmt(total / 1024 / 1024, 1)} MiB = ${fmt(total / samples, 2)} bytes/sample (tables + TOAST + indexes)`);
console.log(`    closed chunks ${fmt(chunkBytes / 1024 / 1024, 1)} MiB (${fmt(Number(chunks!.n))} chunks, ${fmt(Number(chunks!.avg), 0)} B of data each), head blocks ${fmt(segmentBytes / 1024 / 1024, 1)} MiB (${fmt(Number(segmentRows!.n))} rows), series ${fmt(seriesBytes / 1024 / 1024, 1)} MiB`);
console.log(`    without the series table: ${fmt((total - seriesBytes) / samples, 2)} bytes/sample`);
console.log(`  flush times (ms): ${flushTimes.join(' ')}`);
console.log(`  store write rate: ${fmt(samples / seconds)} samples/s (append ${fmt(appendMs / 1000, 1)} s, flush ${fmt(flushMs / 1000, 1)} s in ${flushes} flushes, one process, shared 2-core machine, load average ${os.loadavg().map((l) => fmt(l, 2)).join(' ')})`);
await db.close();
