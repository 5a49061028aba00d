// The rate series behind /breakers' sparklines: a drawn opossum-style history through the tracker,
// sampled as the health monitor samples it, bucketed as the history API answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BreakerTracker, type BreakerCounters } from './model';
import { bucketRateSamples, layOutRateSeries, rateSeriesLength, rateSeriesStep, sampleDue, type BreakerRatePoint } from './rate-series';

const S = 1000;
const T0 = 1_700_000_000_000;

test('the step keeps a window within maxPoints, in whole seconds, never under 10 s (twice the sampling interval)', () => {
  assert.equal(rateSeriesStep(T0, T0 + 3600 * S), 30 * S);
  assert.equal(rateSeriesStep(T0, T0 + 20 * 60 * S), 10 * S);
  assert.equal(rateSeriesStep(T0, T0 + 30 * 60 * S), 15 * S);
  assert.equal(rateSeriesStep(T0, T0 + 60 * S), 10 * S);
  assert.equal(rateSeriesStep(T0, T0 + 60 * S, 120, 5 * S), 5 * S);
  assert.equal(rateSeriesStep(T0, T0 + 24 * 3600 * S, 120), 720 * S);
  assert.equal(rateSeriesLength(T0, T0 + 3600 * S, 30 * S), 120);
  assert.equal(rateSeriesLength(T0, T0 + 61 * S, 5 * S), 13);
});

/**
 * One reading every 5 s, one column each; per column calls let through and calls rejected in those
 * 5 s, as a library's counters would grow: the breaker opens at column 3 (everything rejected),
 * half-opens at 6 (one trial call), closes at 7. `.` = no reading (a missed scrape).
 *
 *   column     0  1  2  3  4  5  6  7  8  .  10
 *   permitted 40 40 40  0  0  0  1 40 40  .  40
 *   rejected   0  0  0 40 40 40  0  0  0  .   0
 *   event      -  -  - open - - half close - . -
 */
const COLUMNS: Array<[permitted: number, rejected: number, event: 'open' | 'half' | 'close' | null] | null> = [
  [40, 0, null], [40, 0, null], [40, 0, null], [0, 40, 'open'], [0, 40, null], [0, 40, null], [1, 0, 'half'], [40, 0, 'close'], [40, 0, null], null, [40, 0, null],
];

function drivenSamples(): { samples: BreakerRatePoint[]; states: string[] } {
  const tracker = new BreakerTracker();
  const c: Required<Pick<BreakerCounters, 'calls' | 'failures' | 'rejected' | 'opens' | 'halfOpens' | 'closes'>> = { calls: 0, failures: 0, rejected: 0, opens: 0, halfOpens: 0, closes: 0 };
  const samples: BreakerRatePoint[] = [];
  const states: string[] = [];
  let last: { t: number; state: string } | undefined;
  COLUMNS.forEach((col, i) => {
    if (!col) return;
    const [permitted, rejected, event] = col;
    c.calls += permitted + rejected;
    c.rejected += rejected;
    if (event === 'open') c.opens++;
    if (event === 'half') c.halfOpens++;
    if (event === 'close') c.closes++;
    const t = T0 + i * 5 * S;
    tracker.observe({ service: 'orders', name: 'payments', t, source: 'opossum', counters: { ...c } });
    const b = tracker.get({ service: 'orders', name: 'payments' })!;
    states.push(b.state);
    if (sampleDue(last?.t, last?.state, t, b.state)) {
      samples.push({ t, callsPerSecond: b.callsPerSecond, rejectedPerSecond: b.rejectedPerSecond, failureRate: b.failureRate, slowCallRate: b.slowCallRate });
      last = { t, state: b.state };
    }
  });
  return { samples, states };
}

test('a drawn open → half-open → closed history becomes calls/s and rejected/s per step, with a gap for the missed scrape', () => {
  const { samples, states } = drivenSamples();
  assert.deepEqual(states, ['closed', 'closed', 'closed', 'open', 'open', 'open', 'half_open', 'closed', 'closed', 'closed']);
  const series = bucketRateSamples(samples, T0, T0 + 55 * S, 5 * S);
  assert.equal(series.length, 11);
  const calls = series.map((p) => p.callsPerSecond);
  const rejected = series.map((p) => p.rejectedPerSecond);
  // The first reading has no earlier counters: no rate yet. After the missed scrape the 40 calls
  // spread over the 10 s since the previous reading.
  assert.deepEqual(calls, [null, 8, 8, 8, 8, 8, 0.2, 8, 8, null, 4]);
  assert.deepEqual(rejected, [null, 0, 0, 8, 8, 8, 0, 0, 0, null, 0]);
  assert.deepEqual(
    series.map((p) => p.t - T0),
    Array.from({ length: 11 }, (_, i) => i * 5 * S),
  );
});

test('coarser steps average the samples they hold; gaps stay null, not zero', () => {
  const { samples } = drivenSamples();
  const series = bucketRateSamples(samples, T0, T0 + 60 * S, 15 * S);
  assert.deepEqual(
    series.map((p) => p.rejectedPerSecond),
    [0, 8, 0, 0],
  );
  const calls = series.map((p) => p.callsPerSecond!);
  assert.deepEqual([calls[0], calls[1], calls[3]], [8, 8, 4]);
  assert.ok(Math.abs(calls[2]! - (0.2 + 8 + 8) / 3) < 1e-9);
  const empty = bucketRateSamples([], T0, T0 + 60 * S, 15 * S);
  assert.ok(empty.every((p) => p.callsPerSecond === null && p.failureRate === null));
});

test('aggregates outside the grid are dropped and non-finite figures become gaps', () => {
  const series = layOutRateSeries(
    [
      { bucket: 0, callsPerSecond: 3, rejectedPerSecond: Number.NaN, failureRate: 50, slowCallRate: null },
      { bucket: 7, callsPerSecond: 9, rejectedPerSecond: 9, failureRate: 9, slowCallRate: 9 },
      { bucket: -1, callsPerSecond: 9, rejectedPerSecond: 9, failureRate: 9, slowCallRate: 9 },
    ],
    T0,
    T0 + 10 * S,
    5 * S,
  );
  assert.deepEqual(series, [
    { t: T0, callsPerSecond: 3, rejectedPerSecond: null, failureRate: 50, slowCallRate: null },
    { t: T0 + 5 * S, callsPerSecond: null, rejectedPerSecond: null, failureRate: null, slowCallRate: null },
  ]);
});

test('a sample is due first, on a state change, and every 5 s otherwise', () => {
  assert.equal(sampleDue(undefined, undefined, T0, 'closed'), true);
  assert.equal(sampleDue(T0, 'closed', T0 + 1 * S, 'closed'), false);
  assert.equal(sampleDue(T0, 'closed', T0 + 1 * S, 'open'), true);
  assert.equal(sampleDue(T0, 'closed', T0 + 5 * S, 'closed'), true);
});
