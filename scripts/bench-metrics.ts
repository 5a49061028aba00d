// `npm run bench`'s metrics part (BENCH_SKIP_METRICS=1 skips it), the figures issue 10 asks for:
//  1. remote_write ingest, realistic shape: BENCH_METRIC_SERIES (100,000) series of 7 labels, one
//     sample per series per request, 2,000 series per request, 4 concurrent senders, one warm-up
//     round (series creation) then BENCH_METRIC_ROUNDS rounds, into a collector child process: the
//     rate acknowledged (durable in the write-ahead log) and the rate committed to PostgreSQL (until
//     the head holds no unwritten sample); the same requests into the real Prometheus 2.42 as a
//     remote_write receiver, side by side, when `prometheus` is installed; the direct-COPY ceiling
//     (the same samples as one chunk per series, COPY in 2 streams) and the ratios;
//  1d. the dense shape: 1,000 series per request with 100 samples each (BENCH_METRIC_DENSE_REQUESTS,
//     5, per sender after one warm-up request), each of the 4 senders owning its own 1,000 series
//     as Prometheus's remote_write shards do (a series' samples arrive in time order), into a fresh
//     collector and a fresh Prometheus: acknowledged and committed rates, CPU and bytes per sample;
//  2. bytes on disk per sample (tables + indexes) after the load, beside Prometheus's data dir;
//  3. query_range over 1 h at 15 s step of the two queries of scripts/bench-promql.ts through our
//     storage (PgSeriesQueryable + the engine, in process) and through Prometheus's HTTP API, on the
//     same data (1,000 counters, 100 histograms × 12 buckets, remote-written into both).
// The machine is shared: the load average is printed with the figures.
//   npx tsx scripts/bench-metrics.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { compressSync } from 'snappy';
import { MetricStore } from '../collector/store/metric-store';
import { MetricPartitionManager } from '../collector/store/metric-partitions';
import { createPgExecutor } from '../collector/store/pg-executor';
import { encodeChunk } from '../lib/domain/metrics/chunk-codec';
import { decodeSeriesBlock } from '../lib/domain/metrics/series-block';
import type { Labels, SeriesSamples } from '../lib/domain/metrics/types';
import { PgSeriesQueryable } from '../lib/db/metrics/pg-series-queryable';
import { applyMigrations } from '../lib/db/migrator';
import { evaluateRange, parsePromQL } from '../lib/domain/promql/index';
import { buildBenchStore } from './bench-promql';
import { copyByteaFromHex } from '../collector/store/copy-text';
import { closeSenders, cpuSeconds, fmt, resetDatabase, sendRequests, startCollectorChild, stopChild, type IngestRoute } from './bench-support';

const SERIES = Number(process.env.BENCH_METRIC_SERIES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_METRIC_ROUNDS ?? 10);
const PER_REQUEST = 2000;
const SENDERS = 4;
const FLUSH_MS = Number(process.env.BENCH_METRIC_FLUSH_MS ?? 10_000);
const DENSE_SERIES = 1000;
const DENSE_SAMPLES = 100;
const DENSE_REQUESTS = Number(process.env.BENCH_METRIC_DENSE_REQUESTS ?? 5);
const SCRAPE_MS = 15_000;
const HOUR_MS = 3_600_000;
const QUERY_START_MS = 1_700_000_000_000;
// BENCH_METRIC_DB: a prefix for the two databases (sessions sharing a PostgreSQL each use their own).
const DB_PREFIX = process.env.BENCH_METRIC_DB ?? 'meshlight_bench_metrics';
const QUERIES = ['sum by (job) (rate(x_total[5m]))', 'histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))'];

// --- a minimal prompb.WriteRequest encoder over Buffers (labels pre-encoded once per series) ---
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}
const field = (no: number, body: Buffer): Buffer => Buffer.concat([varint((no << 3) | 2), varint(body.length), body]);
function labelsBytes(labels: Labels): Buffer {
  return Buffer.concat(
    Object.keys(labels)
      .sort()
      .map((name) => field(1, Buffer.concat([field(1, Buffer.from(name)), field(2, Buffer.from(labels[name]!))]))),
  );
}
function sampleBytes(t: number, v: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = (1 << 3) | 1;
  b.writeDoubleLE(v, 1);
  return Buffer.concat([b, varint((2 << 3) | 0), varint(t)]);
}
function writeRequest(series: Array<{ labels: Buffer; samples: Array<[number, number]> }>): Buffer {
  const parts = series.map((s) => field(1, Buffer.concat([s.labels, ...s.samples.map(([t, v]) => field(2, sampleBytes(t, v)))])));
  return compressSync(Buffer.concat(parts));
}

// --- sending ---
const REMOTE_WRITE: IngestRoute = {
  path: '/api/v1/write',
  headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
  accepted: [200, 204],
};
const send = (port: number, requests: Buffer[], senders = SENDERS) => sendRequests(port, requests, senders, REMOTE_WRITE, 100);

async function collectorGauge(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return Number(match?.[1] ?? NaN);
}

async function waitCommitted(port: number, appended: number): Promise<void> {
  for (;;) {
    const [a, unwritten] = await Promise.all([collectorGauge(port, 'meshlight_metric_samples_appended_total'), collectorGauge(port, 'meshlight_metric_head_unwritten_samples')]);
    if (a >= appended && unwritten === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// --- the realistic shape ---
function seriesLabels(i: number): Labels {
  return {
    __name__: `bench_metric_${i % 50}`,
    job: `job-${i % 10}`,
    instance: `10.0.${(i >> 8) & 255}.${i & 255}:9100`,
    region: ['eu-west-1', 'us-east-1', 'ap-south-1'][i % 3]!,
    pod: `pod-${Math.floor(i / 50)}`,
    handler: `/api/v1/resource/${i % 37}`,
    code: String(200 + (i % 5)),
  };
}

function realisticRequests(startMs: number): { rounds: Buffer[][]; values: number[][] } {
  const labels = Array.from({ length: SERIES }, (_, i) => labelsBytes(seriesLabels(i)));
  const rounds: Buffer[][] = [];
  const values: number[][] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const value = labels.map(() => Math.floor(random() * 1000));
  for (let r = 0; r <= ROUNDS; r++) {
    const t = startMs + r * SCRAPE_MS;
    const requests: Buffer[] = [];
    for (let b = 0; b < SERIES; b += PER_REQUEST) {
      const series = [];
      for (let i = b; i < Math.min(SERIES, b + PER_REQUEST); i++) {
        value[i]! += i % 3 === 0 ? 0 : Math.floor(random() * 20);
        series.push({ labels: labels[i]!, samples: [[t, value[i]!] as [number, number]] });
      }
      requests.push(writeRequest(series));
    }
    rounds.push(requests);
    values.push(value.slice());
  }
  return { rounds, values };
}

// --- the dense shape: per sender (shard), its own series; requests in time order ---
function denseRequests(startMs: number): Buffer[][] {
  const shards: Buffer[][] = [];
  for (let shard = 0; shard < SENDERS; shard++) {
    const labels = Array.from({ length: DENSE_SERIES }, (_, i) => labelsBytes({ ...seriesLabels(i), __name__: `bench_dense_${i % 50}`, shard: String(shard) }));
    const requests: Buffer[] = [];
    for (let r = 0; r <= DENSE_REQUESTS; r++) {
      const series = labels.map((l, i) => ({
        labels: l,
        samples: Array.from({ length: DENSE_SAMPLES }, (_, k): [number, number] => {
          const n = r * DENSE_SAMPLES + k;
          return [startMs + n * SCRAPE_MS, i % 3 === 0 ? i : n * (i % 7)];
        }),
      }));
      requests.push(writeRequest(series));
    }
    shards.push(requests);
  }
  return shards;
}

const sendShards = (port: number, shards: Buffer[][], from: number, to: number) =>
  Promise.all(shards.map((requests) => sendRequests(port, requests.slice(from, to), 1, REMOTE_WRITE, 100)));

// --- Prometheus ---
interface Prometheus {
  port: number;
  dataDir: string;
  child: ChildProcess;
}

function prometheusInstalled(): boolean {
  if (process.env.BENCH_METRIC_PROMETHEUS === 'off') return false;
  return spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function startPrometheus(): Promise<Prometheus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-bench-prom-'));
  writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const port = 19_000 + Math.floor(Math.random() * 900);
  const dataDir = path.join(dir, 'data');
  const child = spawn(
    'prometheus',
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=error'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) return { port, dataDir, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('prometheus did not become ready');
}

async function stopPrometheus(prom: Prometheus): Promise<void> {
  if (prom.child.exitCode === null) {
    prom.child.kill('SIGTERM');
    await new Promise((resolve) => prom.child.once('exit', resolve));
  }
  rmSync(path.dirname(prom.dataDir), { recursive: true, force: true });
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    n += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

// --- query data: the series of scripts/bench-promql.ts ---
async function queryData(): Promise<SeriesSamples[]> {
  const store = buildBenchStore();
  return store.select([{ type: '=~', name: '__name__', value: '.+' }], 0, Number.MAX_SAFE_INTEGER);
}

function timeOrderedRequests(series: SeriesSamples[]): Buffer[] {
  const steps = new Map<number, Array<{ labels: Buffer; samples: Array<[number, number]> }>>();
  for (const s of series) {
    const labels = labelsBytes(s.labels);
    for (const p of s.samples) {
      let list = steps.get(p.t);
      if (!list) steps.set(p.t, (list = []));
      list.push({ labels, samples: [[p.t, p.v]] });
    }
  }
  return [...steps.keys()].sort((a, b) => a - b).map((t) => writeRequest(steps.get(t)!));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A collector child process on `dbUrl` as the bench runs it; its OTLP/HTTP port. */
function startBenchCollector(dbUrl: string, maxSeriesPerMetric: number): Promise<{ child: ChildProcess; port: number }> {
  return startCollectorChild(
    dbUrl,
    { MESHLIGHT_SERVICE_GRAPH: 'off', MESHLIGHT_METRICS_FLUSH_MS: String(FLUSH_MS), MESHLIGHT_METRICS_MAX_SERIES_PER_METRIC: String(maxSeriesPerMetric) },
    // BENCH_METRIC_CPU_PROF=<dir>: the collector writes a V8 CPU profile there when it exits.
    process.env.BENCH_METRIC_CPU_PROF,
  );
}

/** The metric tables' bytes on disk (tables + indexes, after VACUUM), and the series tables' share. */
async function storedBytes(dbUrl: string): Promise<{ bytes: number; seriesBytes: number }> {
  const db = createPgExecutor(dbUrl, 1);
  try {
    await db.query('VACUUM ANALYZE');
    const [size] = await db.query<{ bytes: string; series: string }>(
      `SELECT sum(pg_total_relation_size(c.oid))::text AS bytes, sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname IN ('metric_series_blocks', 'metric_label_pairs'))::text AS series
         FROM pg_class c WHERE c.relkind = 'r' AND (c.relname LIKE 'metric\\_chunks%' OR c.relname IN ('metric_head_segments', 'metric_head_blocks', 'metric_series_blocks', 'metric_label_pairs'))`,
    );
    return { bytes: Number(size!.bytes), seriesBytes: Number(size!.series) };
  } finally {
    await db.close();
  }
}

export async function runMetricsBench(): Promise<void> {
  const load0 = os.loadavg();
  console.log('');
  console.log(`metrics bench: remote_write, ${fmt(SERIES)} series × 7 labels, 1 sample per series per request, ${PER_REQUEST} series per request, ${SENDERS} senders, 1 warm-up + ${ROUNDS} rounds; flush every ${FLUSH_MS} ms`);
  const startMs = Date.now() - (ROUNDS + 1) * SCRAPE_MS;
  const { rounds, values } = realisticRequests(startMs);
  const measured = SERIES * ROUNDS;
  const total = SERIES * (ROUNDS + 1);

  // 1. ours, end to end
  const dbUrl = await resetDatabase(DB_PREFIX);
  const { child: collector, port } = await startBenchCollector(dbUrl, SERIES);
  let ours: { acked: number; committed: number; retries: number; bytes: number; seriesBytes: number; cpuUsPerSample: number };
  try {
    await send(port, rounds[0]!);
    await waitCommitted(port, SERIES);
    const t0 = performance.now();
    const cpu0 = cpuSeconds(collector.pid);
    let retries = 0;
    for (const round of rounds.slice(1)) retries += (await send(port, round)).retries;
    const tAcked = performance.now();
    await waitCommitted(port, total);
    const tCommitted = performance.now();
    const cpuUsPerSample = ((cpuSeconds(collector.pid) - cpu0) * 1e6) / measured;
    ours = { acked: measured / ((tAcked - t0) / 1000), committed: measured / ((tCommitted - t0) / 1000), retries, ...(await storedBytes(dbUrl)), cpuUsPerSample };
  } finally {
    await stopChild(collector);
  }

  // 1d. the dense shape, ours (a fresh database and collector)
  const denseStartMs = Date.now() - (DENSE_REQUESTS + 1) * DENSE_SAMPLES * SCRAPE_MS;
  const dense = denseRequests(denseStartMs);
  const denseSeries = SENDERS * DENSE_SERIES;
  const denseMeasured = denseSeries * DENSE_SAMPLES * DENSE_REQUESTS;
  const denseTotal = denseMeasured + denseSeries * DENSE_SAMPLES;
  const denseUrl = await resetDatabase(`${DB_PREFIX}_dense`);
  const denseCollector = await startBenchCollector(denseUrl, denseSeries);
  let oursDense: { acked: number; committed: number; bytes: number; cpuUsPerSample: number };
  try {
    await sendShards(denseCollector.port, dense, 0, 1);
    await waitCommitted(denseCollector.port, denseSeries * DENSE_SAMPLES);
    const t0 = performance.now();
    const cpu0 = cpuSeconds(denseCollector.child.pid);
    await sendShards(denseCollector.port, dense, 1, DENSE_REQUESTS + 1);
    const tAcked = performance.now();
    await waitCommitted(denseCollector.port, denseTotal);
    const tCommitted = performance.now();
    const cpuUsPerSample = ((cpuSeconds(denseCollector.child.pid) - cpu0) * 1e6) / denseMeasured;
    oursDense = { acked: denseMeasured / ((tAcked - t0) / 1000), committed: denseMeasured / ((tCommitted - t0) / 1000), bytes: (await storedBytes(denseUrl)).bytes, cpuUsPerSample };
  } finally {
    await stopChild(denseCollector.child);
  }

  // 1b. the direct-COPY ceiling: every series' samples as one chunk row, 2 COPY streams
  const copyDb = createPgExecutor(dbUrl, 2);
  const blocks = await copyDb.query<{ data: Uint8Array }>('SELECT data FROM metric_series_blocks');
  let firstId = Infinity;
  for (const row of blocks) for (const e of decodeSeriesBlock(row.data)) firstId = Math.min(firstId, e.id);
  const texts = ['', ''];
  for (let i = 0; i < SERIES; i++) {
    const times = new Float64Array(ROUNDS);
    const vals = new Float64Array(ROUNDS);
    for (let r = 1; r <= ROUNDS; r++) {
      times[r - 1] = startMs + r * SCRAPE_MS;
      vals[r - 1] = values[r]![i]!;
    }
    const data = encodeChunk(times, vals, ROUNDS);
    texts[i % 2] += `${firstId + i}\t${times[0]}\t${times[ROUNDS - 1]}\t${ROUNDS}\t${copyByteaFromHex(Buffer.from(data).toString('hex'))}\n`;
  }
  await copyDb.query('TRUNCATE metric_chunks, metric_head_segments, metric_head_blocks');
  const c0 = performance.now();
  await Promise.all(texts.map((text) => copyDb.copyFrom('metric_chunks (series_id, start_ms, end_ms, n, data)', text)));
  const copyRate = measured / ((performance.now() - c0) / 1000);
  await copyDb.close();

  // 1c. Prometheus, the same requests
  let prom = prometheusInstalled() ? await startPrometheus() : undefined;
  let theirs: { acked: number; bytes: number } | undefined;
  let theirsDense: { acked: number; bytes: number } | undefined;
  let theirQueries: number[] | undefined;
  try {
    if (prom) {
      await send(prom.port, rounds[0]!);
      const t0 = performance.now();
      for (const round of rounds.slice(1)) await send(prom.port, round);
      theirs = { acked: measured / ((performance.now() - t0) / 1000), bytes: dirBytes(prom.dataDir) };
      // The dense shape into a fresh Prometheus.
      await stopPrometheus(prom);
      prom = await startPrometheus();
      await sendShards(prom.port, dense, 0, 1);
      const t1 = performance.now();
      await sendShards(prom.port, dense, 1, DENSE_REQUESTS + 1);
      theirsDense = { acked: denseMeasured / ((performance.now() - t1) / 1000), bytes: dirBytes(prom.dataDir) };
    }

    // 3. query_range on the same data in both
    const data = await queryData();
    const qUrl = await resetDatabase(`${DB_PREFIX}_query`);
    const qDb = createPgExecutor(qUrl, 2);
    await applyMigrations(qDb);
    const partitions = new MetricPartitionManager(qDb, 3650, () => QUERY_START_MS);
    await partitions.load();
    const store = new MetricStore(qDb, { maxSeriesPerMetric: 1_000_000, flushIntervalMs: 3_600_000, partitions });
    await store.init();
    store.append({ series: data, metadata: [], sampleCount: data.reduce((n, s) => n + s.samples.length, 0), rejectedSamples: 0, rejectionMessage: '' });
    await store.flush();
    await qDb.query('VACUUM ANALYZE');
    const queryable = new PgSeriesQueryable(qDb);
    const ourQueries: number[] = [];
    for (const q of QUERIES) {
      const expr = parsePromQL(q);
      const runs: number[] = [];
      for (let r = 0; r < 7; r++) {
        const t0 = performance.now();
        await evaluateRange(queryable, expr, QUERY_START_MS, QUERY_START_MS + HOUR_MS, SCRAPE_MS);
        runs.push(performance.now() - t0);
      }
      ourQueries.push(median(runs));
    }
    await store.stop();
    await qDb.close();
    if (prom) {
      // A fresh Prometheus: its head takes these (older) samples as long as they arrive in time order.
      await stopPrometheus(prom);
      prom = await startPrometheus();
      await send(prom.port, timeOrderedRequests(data), 1);
      theirQueries = [];
      for (const q of QUERIES) {
        const url = `http://127.0.0.1:${prom.port}/api/v1/query_range?query=${encodeURIComponent(q)}&start=${QUERY_START_MS / 1000}&end=${(QUERY_START_MS + HOUR_MS) / 1000}&step=15`;
        const runs: number[] = [];
        for (let r = 0; r < 7; r++) {
          const t0 = performance.now();
          const res = await fetch(url);
          const body = (await res.json()) as { status: string };
          if (body.status !== 'success') throw new Error(`prometheus: ${JSON.stringify(body).slice(0, 200)}`);
          runs.push(performance.now() - t0);
        }
        theirQueries.push(median(runs));
      }
    }

    const ratio = (a: number, b: number) => fmt(a / b, 2);
    console.log('  ingest, realistic shape (remote_write → committed in PostgreSQL)');
    console.log(`    acknowledged         ${fmt(ours.acked)} samples/s   (durable in the write-ahead log; ${ours.retries} 503 retries)`);
    console.log(`    committed            ${fmt(ours.committed)} samples/s   (until the head held no unwritten sample; includes up to one flush interval)`);
    if (theirs) console.log(`    Prometheus 2.42      ${fmt(theirs.acked)} samples/s   (remote_write receiver, same requests; ratio acknowledged ${ratio(ours.acked, theirs.acked)}, committed ${ratio(ours.committed, theirs.acked)}; target ≥ 1.0 and ≥ 180,000/s)`);
    console.log(`    collector CPU        ${fmt(ours.cpuUsPerSample, 1)} µs per sample   (user + system, decode to commit; the rates above move with the machine's load, this much less)`);
    console.log(`    direct COPY ceiling  ${fmt(copyRate)} samples/s   (the same samples as one chunk row per series, 2 streams; ratio committed ${ratio(ours.committed, copyRate)})`);
    console.log(`  ingest, dense shape (${fmt(DENSE_SERIES)} series × ${DENSE_SAMPLES} samples per request, each of ${SENDERS} senders its own series, ${DENSE_REQUESTS} requests each after a warm-up)`);
    console.log(`    acknowledged         ${fmt(oursDense.acked)} samples/s${theirsDense ? `   (Prometheus 2.42 ${fmt(theirsDense.acked)} samples/s; ratio ${ratio(oursDense.acked, theirsDense.acked)})` : ''}`);
    console.log(`    committed            ${fmt(oursDense.committed)} samples/s`);
    console.log(`    collector CPU        ${fmt(oursDense.cpuUsPerSample, 2)} µs per sample`);
    console.log(
      `    stored               ${fmt(oursDense.bytes / denseTotal, 2)} bytes/sample (${fmt(denseTotal)} samples of ${fmt(denseSeries)} series)${theirsDense ? `; Prometheus data dir ${fmt(theirsDense.bytes / denseTotal, 2)} bytes/sample` : ''}`,
    );
    console.log(
      `  stored: ${fmt(ours.bytes / total, 2)} bytes/sample (metric tables + indexes, ${fmt(total)} samples incl. warm-up; target ≤ 16)${theirs ? `; Prometheus data dir ${fmt(theirs.bytes / total, 2)} bytes/sample` : ''}`,
    );
    console.log(
      `    of which the series and label-pair tables ${fmt(ours.seriesBytes / total, 2)} bytes/sample (${fmt(ours.seriesBytes / SERIES)} B per series: amortized over a series' life, large after only ${ROUNDS + 1} samples each)`,
    );
    console.log('  query_range 1 h at 15 s step (median of 7)');
    QUERIES.forEach((q, i) => {
      console.log(`    ${q}: ours ${fmt(ourQueries[i]!, 1)} ms (PgSeriesQueryable + engine, in process)${theirQueries ? `, Prometheus ${fmt(theirQueries[i]!, 1)} ms (HTTP)` : ''}; target ${i === 0 ? 200 : 300} ms`);
    });
  } finally {
    if (prom) await stopPrometheus(prom);
    closeSenders();
  }
  console.log(`  machine load average (1/5/15 min) at start ${load0.map((l) => fmt(l, 2)).join(' ')}, at end ${os.loadavg().map((l) => fmt(l, 2)).join(' ')} on ${os.cpus().length} cores`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runMetricsBench();
}
