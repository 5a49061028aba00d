import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaToCumulative } from './delta-to-cumulative';

const s = (n: number): bigint => BigInt(n) * 1_000_000_000n;

test('sums: deltas add up in time order; stale and duplicate points are dropped', () => {
  const d = new DeltaToCumulative({ now: () => 0 });
  assert.equal(d.addSum('a', s(1), 5), 5);
  assert.equal(d.addSum('a', s(2), 2), 7);
  assert.equal(d.addSum('a', s(2), 2), undefined, 'same time again');
  assert.equal(d.addSum('a', s(1), 9), undefined, 'older than the last');
  assert.equal(d.addSum('b', s(1), -1), -1, 'series are independent');
  assert.equal(d.addSum('a', s(3), 0.5), 7.5);
});

test('histograms: bucket-wise totals; changed bounds or bucket count start over', () => {
  const d = new DeltaToCumulative({ now: () => 0 });
  assert.deepEqual(d.addHistogram('h', s(1), [1], { count: 2, sum: 3, bucketCounts: [1, 1] }), { count: 2, sum: 3, bucketCounts: [1, 1] });
  assert.deepEqual(d.addHistogram('h', s(2), [1], { count: 1, sum: 0.5, bucketCounts: [1, 0] }), { count: 3, sum: 3.5, bucketCounts: [2, 1] });
  assert.deepEqual(d.addHistogram('h', s(3), [1, 5], { count: 1, sum: 4, bucketCounts: [0, 1, 0] }), { count: 1, sum: 4, bucketCounts: [0, 1, 0] });
  assert.deepEqual(d.addHistogram('h', s(4), [1, 5], { count: 1, sum: undefined, bucketCounts: [1, 0, 0] }), { count: 2, sum: undefined, bucketCounts: [1, 1, 0] });
});

test('bounded memory: idle series are forgotten by the injected clock; past maxSeries new series are refused', () => {
  let now = 0;
  const d = new DeltaToCumulative({ now: () => now, maxSeries: 2, idleMs: 60_000 });
  d.addSum('a', s(1), 1);
  d.addSum('b', s(1), 1);
  assert.equal(d.addSum('c', s(1), 1), undefined);
  assert.equal(d.refusedForLimit, 1);
  assert.equal(d.size, 2);

  now = 30_000;
  assert.equal(d.addSum('a', s(2), 1), 2, 'a stays alive');
  now = 61_000; // b idle for 61 s: swept, so c fits
  assert.equal(d.addSum('c', s(2), 4), 4);
  assert.equal(d.size, 2);
  assert.equal(d.addSum('b', s(3), 1), undefined, 'a and c are live; b was forgotten and there is no room');

  now = 200_000; // everything idle: a starts over from its delta
  assert.equal(d.addSum('a', s(9), 3), 3);
});
