import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUCKET_COUNT,
  addToHistogram,
  bucketLowerUs,
  bucketOf,
  bucketUpperUs,
  emptyHistogram,
  histogramFromSql,
  histogramToSql,
  percentileUs,
} from './latency-histogram';
import { MinuteRollup, ServiceGraphRollups, emptyCounters, mergeCounters, minuteOf } from './rollup';

test('buckets are contiguous, log-scaled, and every latency falls in the bucket that bounds it', () => {
  assert.equal(bucketOf(0), 0);
  assert.equal(bucketOf(9.99), 0);
  assert.equal(bucketOf(10), 1);
  assert.equal(bucketOf(-5), 0);
  assert.equal(bucketOf(Number.NaN), 0);
  assert.equal(bucketOf(1e12), BUCKET_COUNT - 1);
  for (let i = 1; i < BUCKET_COUNT - 1; i++) {
    assert.ok(Math.abs(bucketUpperUs(i) / bucketLowerUs(i) - 2 ** (1 / 3)) < 1e-9);
    assert.equal(bucketLowerUs(i + 1), bucketUpperUs(i));
    assert.equal(bucketOf(bucketLowerUs(i)), i, `lower bound of ${i}`);
    assert.equal(bucketOf(bucketUpperUs(i) * 0.999999), i, `just under the upper bound of ${i}`);
  }
  assert.ok(bucketLowerUs(BUCKET_COUNT - 1) > 100e6, 'the last bucket starts past 100 s');
});

test('percentiles are within 13% of the truth on a known distribution', () => {
  const histogram = emptyHistogram();
  const values: number[] = [];
  // 10,000 latencies, log-uniform between 1 ms and 1 s.
  for (let i = 0; i < 10_000; i++) {
    const us = 1000 * 1000 ** (i / 9_999);
    values.push(us);
    addToHistogram(histogram, us);
  }
  for (const q of [0.5, 0.95, 0.99]) {
    const truth = values[Math.ceil(q * values.length) - 1]!;
    const estimate = percentileUs(histogram, q, values.at(-1))!;
    assert.ok(Math.abs(estimate / truth - 1) < 0.13, `p${q * 100}: ${estimate} vs ${truth}`);
  }
});

test('percentiles of one value are that value when the maximum is known; empty histograms have none', () => {
  const histogram = emptyHistogram();
  addToHistogram(histogram, 42_000);
  assert.equal(percentileUs(histogram, 0.99, 42_000), 42_000);
  assert.equal(percentileUs(emptyHistogram(), 0.5), undefined);
  const slow = emptyHistogram();
  addToHistogram(slow, 500e6);
  assert.equal(percentileUs(slow, 0.5, 500e6), 500e6, 'the last bucket answers with the maximum');
});

test('histograms travel to PostgreSQL as their non-empty range with explicit bounds', () => {
  const histogram = emptyHistogram();
  histogram[2] = 4;
  histogram[4] = 1;
  assert.equal(histogramToSql(histogram), '[3:5]={4,0,1}');
  assert.deepEqual(histogramFromSql('[3:5]={4,0,1}'), histogram);
  assert.equal(histogramToSql(emptyHistogram()), null);
  assert.deepEqual(histogramFromSql(null), emptyHistogram());
  const plain = histogramFromSql('{1,NULL,3}');
  assert.deepEqual(plain.slice(0, 3), [1, 0, 3]);
});

test('a minute rollup counts calls, errors, latency and keeps the slowest and latest failing traces', () => {
  const rollup = new MinuteRollup<{ edge: string }>((d) => d.edge, 10);
  const t = Date.UTC(2026, 10, 21, 10, 0, 30);
  rollup.add({ edge: 'a→b' }, t, 1_000, false, 'fast');
  rollup.add({ edge: 'a→b' }, t + 1_000, 9_000, false, 'slow');
  rollup.add({ edge: 'a→b' }, t + 2_000, 2_000, true, 'failed-1');
  rollup.add({ edge: 'a→b' }, t + 3_000, undefined, true, 'failed-2');
  rollup.add({ edge: 'a→b' }, t + 40_000, 5_000, false, 'next-minute');
  const rows = rollup.drain().sort((x, y) => x.minuteMs - y.minuteMs);
  assert.equal(rows.length, 2);
  const [first] = rows;
  assert.equal(first!.minuteMs, minuteOf(t));
  assert.equal(first!.calls, 4);
  assert.equal(first!.errors, 2);
  assert.equal(first!.latencyCount, 3, 'a call without a latency counts, but not in the histogram');
  assert.equal(first!.latencySumUs, 12_000);
  assert.equal(first!.latencyMaxUs, 9_000);
  assert.equal(first!.slowTraceId, 'slow');
  assert.equal(first!.errorTraceId, 'failed-2');
  assert.equal(rollup.size, 0, 'drained');
});

test('a rollup is bounded: new keys past the limit are dropped and counted; restore merges back', () => {
  const rollup = new MinuteRollup<string>((d) => d, 2);
  rollup.add('a', 0, 1, true, 'older-failure');
  rollup.add('b', 0, 1, false, 't');
  rollup.add('c', 0, 1, false, 't');
  rollup.add('a', 0, 1, false, 't');
  assert.equal(rollup.dropped, 1);
  const rows = rollup.drain();
  rollup.add('a', 0, 1, true, 'later');
  rollup.restore(rows);
  const merged = rollup.drain().find((r) => r.dims === 'a')!;
  assert.equal(merged.calls, 3);
  assert.equal(merged.errorTraceId, 'later', 'restore never overrides a newer failing exemplar with an older one');
});

test('merging counters keeps the slower exemplar', () => {
  const a = { ...emptyCounters(), calls: 1, latencyCount: 1, latencySumUs: 5, latencyMaxUs: 5, slowTraceId: 'a' };
  const b = { ...emptyCounters(), calls: 1, latencyCount: 1, latencySumUs: 9, latencyMaxUs: 9, slowTraceId: 'b' };
  assert.equal(mergeCounters(a, b).slowTraceId, 'b');
  assert.equal(a.latencyMaxUs, 9);
});

test('the service graph rollups split operations into per-service and per-operation rows', () => {
  const rollups = new ServiceGraphRollups(100);
  const op = { service: 'api', environment: 'prod', spanKind: 2, timeMs: 0, latencyUs: 10, error: false, traceId: 't' };
  rollups.addOperation({ ...op, operation: 'GET /a' });
  rollups.addOperation({ ...op, operation: 'GET /b', error: true });
  rollups.addOperation({ ...op, operation: 'GET /b', environment: 'staging' });
  const drained = rollups.drain();
  assert.equal(drained.operations.length, 3);
  const prod = drained.services.find((r) => r.dims.environment === 'prod')!;
  assert.equal(prod.calls, 2);
  assert.equal(prod.errors, 1);
  assert.equal(prod.errorTraceId, 't');
  assert.equal(drained.services.length, 2);
  assert.equal(rollups.size, 0);
});
