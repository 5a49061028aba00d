import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drainText, formatCount, formatSeconds, historyUrl, lagBadgeText, lagBadgeTitle, lagInTime } from './lag-view';

test('figures a person reads at a glance', () => {
  assert.equal(formatCount(147481), '147k');
  assert.equal(formatCount(25), '25');
  assert.equal(formatSeconds(0.25), '250 ms');
  assert.equal(formatSeconds(95), '1m 35s');
  assert.equal(lagInTime({ lagSeconds: 12, tracesQueueMs: { p50: 400, p95: 2500, count: 10, recentP95: null } }), '12 s · traces p95 2.5 s');
  assert.equal(lagInTime({ lagSeconds: 12, lagSecondsSource: 'consume-rate', tracesQueueMs: null }), '12 s consume rate');
  assert.equal(lagInTime({ lagSeconds: 21, lagSecondsSource: 'traces', tracesQueueMs: { p50: 400, p95: 9000, count: 10, recentP95: 21_000 } }), '21 s from traces');
  assert.equal(lagInTime({ lagSeconds: null, tracesQueueMs: null }), '–');
  assert.equal(drainText({ lag: 0, drainSeconds: 0, trend: 'steady' }), '—');
  assert.equal(drainText({ lag: 50, drainSeconds: null, trend: 'growing' }), 'not draining');
  assert.equal(drainText({ lag: 50, drainSeconds: 20, trend: 'draining' }), '20 s');
  const waiting = { destination: 'order.created', lag: 312, lagSeconds: 24, lagSecondsSource: 'traces' as const, status: 'WARN' as const, trend: 'growing' as const, drainSeconds: null, tracesQueueMs: null };
  assert.equal(lagBadgeText(waiting), 'lag 312 · 24 s · WARN ↗');
  assert.equal(lagBadgeText({ ...waiting, lag: 0, lagSeconds: 0, status: 'OK', trend: 'draining' }), 'lag 0 · OK ↘');
  assert.equal(lagBadgeTitle(waiting), 'order.created: WARN, 312 messages, 24 s behind (time in queue from traces (p95, last 2 min)); growing; not draining');
  assert.equal(lagBadgeTitle({ ...waiting, lagSecondsSource: 'consume-rate', trend: 'draining', drainSeconds: 40 }), 'order.created: WARN, 312 messages, 24 s behind (lag ÷ consume rate (broker counters)); draining; drains in 40 s');
  assert.equal(historyUrl({ system: 'rabbitmq', destination: 'order.created', group: 'a/b' }, 1, 2), '/api/lag/rabbitmq/order.created/a%2Fb/history?start=1&end=2');
});
