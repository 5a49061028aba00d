// The metrics write and read sides on the real PostgreSQL: MetricStore.append → flush →
// PgSeriesQueryable.select returns the same samples (NaN bits intact), across closed and open
// chunks, daily partitions, the cardinality limit and a restarted store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MetricPartitionManager } from '../../collector/store/metric-partitions';
import { MetricStore } from '../../collector/store/metric-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { PgSeriesQueryable } from '../../lib/db/metrics/pg-series-queryable';
import { isStaleNaN, staleNaN, type MetricBatch, type SeriesSamples } from '../../lib/domain/metrics/types';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

const T0 = Date.UTC(2026, 10, 28, 23, 50); // ten minutes before midnight: chunks land on two days
const NOW = T0 + 60 * 60 * 1000;

function batch(series: SeriesSamples[]): MetricBatch {
  return { series, metadata: [], sampleCount: series.reduce((n, s) => n + s.samples.length, 0), rejectedSamples: 0, rejectionMessage: '' };
}

const bits = new DataView(new ArrayBuffer(8));
function bitsOf(v: number): bigint {
  bits.setFloat64(0, v);
  return bits.getBigUint64(0);
}

describe('metric store round trip', () => {
  let scratch: ScratchDatabase;
  let db: SqlExecutor;

  before(async () => {
    scratch = await createScratchDatabase('meshlight_metric_store');
    await migrateDatabase(scratch.url);
    db = createPgExecutor(scratch.url, 2);
  });
  after(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it('returns every appended sample, bit for bit, from closed and open chunks', async () => {
    const partitions = new MetricPartitionManager(db, 30, () => NOW);
    await partitions.load();
    const store = new MetricStore(db, { maxSeriesPerMetric: 1000, flushIntervalMs: 60_000, partitions, now: () => NOW });
    await store.init();
    const labelsA = { __name__: 'http_requests_total', job: 'api', instance: 'a:9090' };
    const labelsB = { __name__: 'http_requests_total', job: 'api', instance: 'b:9090' };
    const expected = new Map<string, { t: number; bits: bigint }[]>();
    // 300 samples, 15 s apart (3 closed chunks of 120 and an open one), sent one per batch as scrapes do.
    for (let i = 0; i < 300; i++) {
      const t = T0 + i * 15_000;
      const va = i === 150 ? staleNaN() : i * 2.5;
      const vb = i % 7 === 0 ? Infinity : i % 11 === 0 ? -Infinity : Math.sin(i);
      const result = store.append(batch([{ labels: labelsA, samples: [{ t, v: va }] }, { labels: labelsB, samples: [{ t, v: vb }] }]));
      assert.equal(result.appended, 2);
      for (const [key, v] of [['a', va], ['b', vb]] as const) {
        const list = expected.get(key) ?? [];
        list.push({ t, bits: bitsOf(v) });
        expected.set(key, list);
      }
      if (i === 100 || i === 200) await store.flush(); // flushes in the middle rewrite open chunks
    }
    // Out of order and duplicate samples are refused.
    assert.equal(store.append(batch([{ labels: labelsA, samples: [{ t: T0, v: 1 }] }])).outOfOrder, 1);
    await store.flush();

    const queryable = new PgSeriesQueryable(db);
    const found = await queryable.select([{ name: '__name__', type: '=', value: 'http_requests_total' }], T0, T0 + 300 * 15_000);
    assert.equal(found.length, 2);
    for (const series of found) {
      const want = expected.get(series.labels.instance === 'a:9090' ? 'a' : 'b')!;
      assert.deepEqual(series.samples.map((s) => ({ t: s.t, bits: bitsOf(s.v) })), want);
    }
    const a = found.find((s) => s.labels.instance === 'a:9090')!;
    assert.ok(isStaleNaN(a.samples[150]!.v), 'the staleness marker comes back as itself');

    // Range and matcher filtering.
    const window = await queryable.select(
      [{ name: '__name__', type: '=', value: 'http_requests_total' }, { name: 'instance', type: '=~', value: 'b:.*' }],
      T0 + 10 * 15_000,
      T0 + 20 * 15_000,
    );
    assert.equal(window.length, 1);
    assert.deepEqual(window[0]!.samples.map((s) => s.t), Array.from({ length: 11 }, (_, i) => T0 + (10 + i) * 15_000));
    assert.equal((await queryable.select([{ name: 'job', type: '!=', value: 'api' }], T0, NOW)).length, 0);
    assert.equal((await queryable.select([{ name: 'missing', type: '=', value: '' }, { name: 'job', type: '=', value: 'api' }], T0, NOW)).length, 2);

    const chunks = await db.query<{ n: number; partition: string }>('SELECT n, tableoid::regclass::text AS partition FROM metric_chunks ORDER BY series_id, start_ms');
    assert.equal(chunks.length, 4, 'two closed chunks per series (the third closes with the next sample)');
    assert.ok(chunks.some((c) => c.partition === 'metric_chunks_p20261128') && chunks.some((c) => c.partition === 'metric_chunks_p20261129'));
    // Both series are in one group: each flush wrote one head block for them, and a block is gone
    // once both series' chunks closed past it, so only the last flush's is left: the open chunks
    // (samples 240..299; 201..239 went with the chunk that closed).
    const blocks = await db.query<{ start_ms: string; end_ms: string }>('SELECT start_ms::text, end_ms::text FROM metric_head_blocks');
    assert.deepEqual(blocks, [{ start_ms: String(T0 + 240 * 15_000), end_ms: String(T0 + 299 * 15_000) }]);
  });

  it('a new store keeps series ids and the cardinality limit refuses new series and counts them', async () => {
    const store = new MetricStore(db, { maxSeriesPerMetric: 3, flushIntervalMs: 60_000, now: () => NOW });
    await store.init();
    const t = T0 + 400 * 15_000;
    const result = store.append(
      batch([0, 1, 2, 3].map((i) => ({ labels: { __name__: 'http_requests_total', job: 'api', instance: i < 2 ? `${'ab'[i]}:9090` : `c${i}:9090` }, samples: [{ t, v: 1 }] }))),
    );
    // a and b exist already (2 of 3), so one new series fits and one is refused.
    assert.deepEqual({ appended: result.appended, refused: result.refusedSeries }, { appended: 3, refused: 1 });
    await store.flush();
    const series = await db.query<{ n: string }>('SELECT sum(n)::text AS n FROM metric_series_blocks');
    assert.equal(series[0]!.n, '3');
    const refusals = await db.query<{ metric: string; refused: string }>('SELECT metric, refused::text FROM metric_cardinality_refusals');
    assert.deepEqual(refusals, [{ metric: 'http_requests_total', refused: '1' }]);
    assert.match(store.metricsText(), /meshlight_metric_series_refused_total\{metric="http_requests_total"\} 1/);
  });

  it('retention drops whole daily partitions and series not seen since', async () => {
    // The first test wrote chunks on 2026-11-28 and 2026-11-29; 30 days later, with 7 days kept, both go.
    const later = Date.UTC(2026, 11, 29);
    const partitions = new MetricPartitionManager(db, 7, () => later);
    await partitions.load();
    const report = await partitions.applyRetention();
    assert.deepEqual(report.droppedPartitions.sort(), ['metric_chunks_p20261128', 'metric_chunks_p20261129']);
    assert.equal(report.deletedSeries, 3);
    const left = await db.query<{ n: string }>('SELECT (SELECT count(*) FROM metric_chunks) + (SELECT count(*) FROM metric_head_segments) + (SELECT count(*) FROM metric_head_blocks) AS n');
    assert.equal(Number(left[0]!.n), 0);
  });
});
