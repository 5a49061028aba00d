// `npx tsx scripts/bench-promql.ts`: the PromQL engine's in-process evaluation time (no storage):
// query_range over 1 h at 15 s step of
//   sum by (job) (rate(x_total[5m]))                           across 1,000 counter series, and
//   histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))  across 100 histograms × 12 buckets,
// all scraped every 15 s, held in a MemoryQueryable. Prints the median and best of several runs: with
// the in-memory select, engine only (selects cached), and engine with columnar input (selectColumns).
// Exported for scripts/bench.ts (the lead may wire it in): runPromqlBench().
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { MemoryQueryable, evaluateRange, parsePromQL, type ColumnarQueryable, type ColumnarSeries } from '../lib/domain/promql/index';
import type { LabelMatcher, Sample, SeriesQueryable, SeriesSamples } from '../lib/domain/metrics/types';

const SCRAPE_MS = 15_000;
const HOUR_MS = 3_600_000;
const START_MS = 1_700_000_000_000;
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

function counterSamples(seed: number, fromMs: number, toMs: number, rate: number): Sample[] {
  const out: Sample[] = [];
  let v = seed % 1000;
  for (let t = fromMs; t <= toMs; t += SCRAPE_MS) {
    v += rate * (SCRAPE_MS / 1000) * (0.5 + ((t / SCRAPE_MS + seed) % 7) / 7);
    out.push({ t, v });
  }
  return out;
}

export function buildBenchStore(): MemoryQueryable {
  const store = new MemoryQueryable();
  const from = START_MS - 10 * 60_000;
  const to = START_MS + HOUR_MS;
  for (let i = 0; i < 1000; i++) {
    store.add({ __name__: 'x_total', job: `job-${i % 10}`, instance: `10.0.${Math.floor(i / 250)}.${i % 250}:9100`, path: `/api/${i % 7}` }, counterSamples(i, from, to, 1 + (i % 13)));
  }
  for (let h = 0; h < 100; h++) {
    BUCKETS.forEach((le, b) => {
      store.add({ __name__: 'h_bucket', job: `job-${h % 10}`, instance: `10.1.0.${h}:9100`, le }, counterSamples(h, from, to, (b + 1) * 2));
    });
  }
  return store;
}

/** Answers each select from a cache filled on first use, so a run times the engine, not the store. */
class CachedQueryable implements SeriesQueryable {
  private readonly cache = new Map<string, Promise<SeriesSamples[]>>();
  constructor(private readonly inner: SeriesQueryable) {}
  select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    const key = JSON.stringify([matchers, startMs, endMs]);
    let hit = this.cache.get(key);
    if (!hit) this.cache.set(key, (hit = this.inner.select(matchers, startMs, endMs)));
    return hit;
  }
}

/** The same cache, answering selectColumns with typed arrays (the path a chunk-decoding store takes). */
class ColumnarCache extends CachedQueryable implements ColumnarQueryable {
  private readonly columns = new Map<string, Promise<ColumnarSeries[]>>();
  selectColumns(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<ColumnarSeries[]> {
    const key = JSON.stringify([matchers, startMs, endMs]);
    let hit = this.columns.get(key);
    if (!hit) {
      hit = this.select(matchers, startMs, endMs).then((series) =>
        series.map((s) => ({ labels: s.labels, t: Float64Array.from(s.samples, (p) => p.t), v: Float64Array.from(s.samples, (p) => p.v) })),
      );
      this.columns.set(key, hit);
    }
    return hit;
  }
}

/** A fixed CPU reference (sum of 10M floats), to read the timings against a loaded machine. */
function referenceLoop(): { wall: number; cpu: number } {
  const a = new Float64Array(1_000_000).map((_, i) => i);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let s = 0;
  for (let r = 0; r < 10; r++) for (let i = 0; i < a.length; i++) s += a[i]!;
  if (s < 0) console.log(s);
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

interface Timing {
  median: number;
  best: number;
  /** Median CPU time (user + system) of this process per run: less distorted by other load than wall time. */
  cpuMedian: number;
  series: number;
}

async function time(store: SeriesQueryable, query: string, runs: number): Promise<Timing> {
  const expr = parsePromQL(query);
  const wall: number[] = [];
  const cpu: number[] = [];
  let series = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = await evaluateRange(store, expr, START_MS, START_MS + HOUR_MS, 15_000);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (res.resultType === 'matrix') series = res.result.length;
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { median: wall[Math.floor(runs / 2)]!, best: wall[0]!, cpuMedian: cpu[Math.floor(runs / 2)]!, series };
}

export async function runPromqlBench(runs = 9): Promise<void> {
  const store = buildBenchStore();
  const cached = new CachedQueryable(store);
  const columnar = new ColumnarCache(store);
  const ref = referenceLoop();
  console.log(
    `promql bench: load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores; reference loop (10M float adds) ${ref.wall.toFixed(1)} ms wall, ${ref.cpu.toFixed(1)} ms CPU (read the timings below against it)`,
  );
  for (const q of ['sum by (job) (rate(x_total[5m]))', 'histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))']) {
    const all = await time(store, q, runs);
    const engine = await time(cached, q, runs);
    const cols = await time(columnar, q, runs);
    console.log(
      `promql query_range 1h/15s  ${q}  (${all.series} result series)\n` +
        `    with in-memory select: median ${all.median.toFixed(1)} ms wall, ${all.cpuMedian.toFixed(1)} ms CPU (best ${all.best.toFixed(1)} ms)\n` +
        `    engine only:           median ${engine.median.toFixed(1)} ms wall, ${engine.cpuMedian.toFixed(1)} ms CPU (best ${engine.best.toFixed(1)} ms)\n` +
        `    engine, columnar input: median ${cols.median.toFixed(1)} ms wall, ${cols.cpuMedian.toFixed(1)} ms CPU (best ${cols.best.toFixed(1)} ms)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPromqlBench();
}
