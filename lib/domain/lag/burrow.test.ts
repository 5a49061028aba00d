// Burrow's rules with drawn offset histories: one row per quantity, one column per observation
// (a minute apart). Every status is reached, as in Burrow's own evaluator tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessGroup, evaluatePartition, groupStatus, lagTrend, type LagObservation } from './burrow';
import { LagWindows } from './lag-windows';

const MIN = 60_000;

/** Draws a window: `lag` and optional `consumed`/`consumers` rows, columns one minute apart. */
function draw(rows: { lag: string; consumed?: string; produced?: string; consumers?: string }): LagObservation[] {
  const col = (s: string | undefined) => (s === undefined ? undefined : s.trim().split(/\s+/).map(Number));
  const lag = col(rows.lag)!;
  const consumed = col(rows.consumed);
  const produced = col(rows.produced);
  const consumers = col(rows.consumers);
  return lag.map((l, i) => ({
    t: i * MIN,
    lag: l,
    ...(consumed ? { consumed: consumed[i]! } : {}),
    ...(produced ? { produced: produced[i]! } : {}),
    ...(consumers ? { consumers: consumers[i]! } : {}),
  }));
}
const nowAfter = (w: LagObservation[], ms = 0) => w[w.length - 1]!.t + ms;

test('lag that touched zero in the last three readings is OK, whatever else happened', () => {
  const w = draw({ lag: '5 6 0 9 12', consumed: '10 15 15 15 15' });
  assert.equal(evaluatePartition(w, nowAfter(w)), 'OK');
});

test('a backlog that built since the last catch-up is judged on its own readings', () => {
  const growing = draw({ lag: '0 0 4 9 15', consumed: '10 12 14 16 18', consumers: '1 1 1 1 1' });
  assert.equal(evaluatePartition(growing, nowAfter(growing)), 'WARN', 'moving, but further behind at every reading since it was caught up');
  const stuck = draw({ lag: '5 0 7 9 12', consumed: '10 15 15 15 15', consumers: '1 1 1 1 1' });
  assert.equal(evaluatePartition(stuck, nowAfter(stuck)), 'STALL');
});

test('no lag now is OK', () => {
  const w = draw({ lag: '5 6 7 0', consumed: '1 1 1 1' });
  assert.equal(evaluatePartition(w, nowAfter(w)), 'OK');
});

test('a consumer offset that moved backwards is REWIND', () => {
  const w = draw({ lag: '5 6 7 8 9', consumed: '100 110 90 95 99' });
  assert.equal(evaluatePartition(w, nowAfter(w)), 'REWIND');
});

test('offsets that never move while the consumer is attached are STALL', () => {
  const w = draw({ lag: '5 6 7 8 9', consumed: '100 100 100 100 100', consumers: '1 1 1 1 1' });
  assert.equal(evaluatePartition(w, nowAfter(w)), 'STALL');
});

test('no consumer attached and messages waiting is STOP, even right after the lag was zero', () => {
  const fresh = draw({ lag: '0 0 40', consumers: '0 0 0' });
  assert.equal(evaluatePartition(fresh, nowAfter(fresh)), 'STOP');
  const w = draw({ lag: '5 6 7 8 9', consumed: '100 100 100 100 100', consumers: '1 1 0 0 0' });
  assert.equal(evaluatePartition(w, nowAfter(w)), 'STOP');
});

test('without a consumer count, a consumer quiet for longer than the window spans is STOP (Burrow rule 4)', () => {
  const w = draw({ lag: '5 5 5 5 5', consumed: '100 100 100 100 100' });
  assert.equal(evaluatePartition(w, nowAfter(w, 0)), 'STALL');
  assert.equal(evaluatePartition(w, nowAfter(w, 5 * MIN)), 'STOP');
});

test('a consumer that moves but falls further behind at every step is WARN', () => {
  const w = draw({ lag: '5 8 12 15 20', consumed: '100 110 120 130 140' });
  assert.equal(evaluatePartition(w, nowAfter(w)), 'WARN');
});

test('a consumer that moves and whose lag went down at least once is OK', () => {
  const w = draw({ lag: '5 8 6 9 12', consumed: '100 110 120 130 140' });
  assert.equal(evaluatePartition(w, nowAfter(w)), 'OK');
});

test('the group takes the worst partition, naming STOP/STALL/REWIND', () => {
  assert.equal(groupStatus(['OK', 'WARN', 'OK']), 'WARN');
  assert.equal(groupStatus(['OK', 'STALL', 'WARN']), 'STALL');
  assert.equal(groupStatus(['STOP', 'REWIND']), 'REWIND');
  assert.equal(groupStatus([]), 'OK');
});

test('trend: growing, steady, draining', () => {
  assert.equal(lagTrend(draw({ lag: '10 20 30 40 50' })), 'growing');
  assert.equal(lagTrend(draw({ lag: '50 50 51 50 50' })), 'steady');
  assert.equal(lagTrend(draw({ lag: '50 40 30 20 10' })), 'draining');
});

test('rates, lag in seconds and time to drain from a draining queue', () => {
  // consumes 600/min = 10/s, produces 300/min = 5/s: net drain 5/s; 100 waiting → 20 s.
  const w = draw({ lag: '400 300 200 100', consumed: '0 600 1200 1800', produced: '400 700 1000 1300' });
  const a = assessGroup([w], nowAfter(w));
  assert.equal(a.status, 'OK');
  assert.equal(a.trend, 'draining');
  assert.equal(a.lag, 100);
  assert.equal(a.consumeRate, 10);
  assert.equal(a.produceRate, 5);
  assert.equal(a.drainSeconds, 20);
  assert.equal(a.lagSeconds, 10);
});

test('a growing queue never drains: drainSeconds null, status WARN', () => {
  const w = draw({ lag: '100 200 300 400', consumed: '0 60 120 180' });
  const a = assessGroup([w], nowAfter(w));
  assert.equal(a.status, 'WARN');
  assert.equal(a.trend, 'growing');
  assert.equal(a.drainSeconds, null);
  assert.ok(a.produceRate! > a.consumeRate!);
});

test('partitions add up; the status is the worst', () => {
  const p0 = draw({ lag: '0 0 0 0', consumed: '1 2 3 4' });
  const p1 = draw({ lag: '5 6 7 8', consumed: '9 9 9 9', consumers: '1 1 1 1' });
  const a = assessGroup([p0, p1], nowAfter(p0));
  assert.deepEqual(a.partitionStatuses, ['OK', 'STALL']);
  assert.equal(a.status, 'STALL');
  assert.equal(a.lag, 8);
});

test('a counter reset counts as a restart, not a rewind of the rate', () => {
  const w = draw({ lag: '1 1 1 0', produced: '100 160 20 80' });
  const a = assessGroup([w], nowAfter(w));
  assert.equal(a.produceRate, (60 + 20 + 60) / 180);
});

test('windows keep the newest observations, bounded in count and age', () => {
  const windows = new LagWindows({ maxObservations: 3, maxAgeMs: 10 * MIN, maxPartitions: 2 });
  for (let i = 0; i < 5; i++) windows.add('a', { t: i * MIN, lag: i });
  assert.deepEqual(windows.get('a').map((o) => o.lag), [2, 3, 4]);
  windows.add('a', { t: 4 * MIN, lag: 99 });
  assert.deepEqual(windows.get('a').map((o) => o.lag), [2, 3, 4], 'not newer: ignored');
  windows.add('a', { t: 30 * MIN, lag: 7 });
  assert.deepEqual(windows.get('a').map((o) => o.lag), [7], 'older than the age bound: forgotten');
  windows.add('b', { t: 0, lag: 1 });
  windows.add('c', { t: 0, lag: 1 });
  assert.equal(windows.size, 2);
  assert.deepEqual(windows.get('a'), [], 'least recently seen partition dropped');
});

test('lag in time says where it comes from: the consume counter, else publishes less growth, else nothing', () => {
  // Kafka-like: a consumed position. 600 consumed a minute = 10/s; 300 waiting → 30 s.
  const kafka = assessGroup([draw({ lag: '300 300 300', consumed: '0 600 1200' })], 2 * MIN);
  assert.deepEqual([kafka.lagSeconds, kafka.lagSecondsSource], [30, 'consume-rate']);
  // RabbitMQ with publish totals only: 1200 published a minute = 20/s while the lag grows 600 a
  // minute = 10/s, so 10/s are consumed; 1800 waiting → 180 s. The consume rate shown is that 10/s.
  const published = assessGroup([draw({ lag: '600 1200 1800', produced: '0 1200 2400' })], 2 * MIN);
  assert.deepEqual([published.lagSeconds, published.lagSecondsSource, published.consumeRate], [180, 'net-rate', 10]);
  // RabbitMQ's /metrics/per-object: ready + unacked only. No figure of its own (traces fill it in).
  const perObject = assessGroup([draw({ lag: '100 200 300', consumers: '1 1 1' })], 2 * MIN);
  assert.deepEqual([perObject.lagSeconds, perObject.lagSecondsSource, perObject.consumeRate], [null, null, undefined]);
  assert.equal(perObject.trend, 'growing');
  // Published to with nobody reading: the backlog grew by exactly what was published — no consumption
  // invented from the noise of a fitted slope, so no figure (readings at uneven times, as scrapes are).
  const unread = assessGroup([[{ t: 0, lag: 0, produced: 100 }, { t: 4000, lag: 13, produced: 113 }, { t: 11_000, lag: 40, produced: 140 }]], 11_000);
  assert.deepEqual([unread.lagSeconds, unread.lagSecondsSource, unread.consumeRate], [null, null, 0]);
  // Nothing waiting: zero, whatever is counted.
  const empty = assessGroup([draw({ lag: '3 1 0' })], 2 * MIN);
  assert.deepEqual([empty.lagSeconds, empty.lagSecondsSource], [0, 'empty']);
  // A consumer counter that stood still: the broker cannot say how long (not "infinite").
  const stalled = assessGroup([draw({ lag: '5 6 7', consumed: '9 9 9', consumers: '1 1 1' })], 2 * MIN);
  assert.deepEqual([stalled.lagSeconds, stalled.lagSecondsSource], [null, null]);
});

test('a constant in-flight lag (one unacked message at every scrape) is not WARN; one that grows is', () => {
  const inFlight = draw({ lag: '0 1 1 1 1 1', produced: '0 240 480 720 960 1200', consumers: '1 1 1 1 1 1' });
  assert.equal(evaluatePartition(inFlight, nowAfter(inFlight)), 'OK');
  const growing = draw({ lag: '0 1 1 2 2 3', produced: '0 240 480 720 960 1200', consumers: '1 1 1 1 1 1' });
  assert.equal(evaluatePartition(growing, nowAfter(growing)), 'WARN');
});
