// Lag in time when the broker cannot say: filled from traces' time in queue, with its source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lagInTimeFromRates, withTracesLagInTime } from './lag-in-time';

test('traces fill a lag in time the broker could not give: the recent p95, else the window p95', () => {
  const none = { lagSeconds: null, lagSecondsSource: null };
  assert.deepEqual(withTracesLagInTime(250, none, { p50: 4000, p95: 9000, count: 80, recentP95: 21_000 }), { lagSeconds: 21, lagSecondsSource: 'traces' });
  assert.deepEqual(withTracesLagInTime(250, none, { p50: 4000, p95: 9000, count: 80, recentP95: null }), { lagSeconds: 9, lagSecondsSource: 'traces' });
  assert.deepEqual(withTracesLagInTime(250, none, null), none, 'no traces: still unknown');
  assert.deepEqual(withTracesLagInTime(250, none, { p50: 0, p95: 0, count: 0, recentP95: null }), none);
  assert.deepEqual(withTracesLagInTime(0, none, { p50: 4000, p95: 9000, count: 80, recentP95: 9000 }), { lagSeconds: 0, lagSecondsSource: 'empty' }, 'drained: nothing waits, whatever traces remember');
});

test("the broker's own figure wins over traces", () => {
  const broker = lagInTimeFromRates(100, 10, undefined);
  assert.deepEqual(broker, { lagSeconds: 10, lagSecondsSource: 'consume-rate' });
  assert.deepEqual(withTracesLagInTime(100, broker, { p50: 1, p95: 99_000, count: 5, recentP95: 99_000 }), broker);
});

test('publish counter only: consumption is publishes less growth; a queue nobody reads has no figure', () => {
  assert.deepEqual(lagInTimeFromRates(100, undefined, 10), { lagSeconds: 10, lagSecondsSource: 'net-rate' });
  assert.deepEqual(lagInTimeFromRates(100, undefined, 0), { lagSeconds: null, lagSecondsSource: null });
  assert.deepEqual(lagInTimeFromRates(100, 0, 10), { lagSeconds: null, lagSecondsSource: null }, 'a measured consumer that stands still wins');
});
