import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drainText, formatCount, formatSeconds, historyUrl, lagInTime } from './lag-view';

test('figures a person reads at a glance', () => {
  assert.equal(formatCount(147481), '147k');
  assert.equal(formatCount(25), '25');
  assert.equal(formatSeconds(0.25), '250 ms');
  assert.equal(formatSeconds(95), '1m 35s');
  assert.equal(lagInTime({ lagSeconds: 12, tracesQueueMs: { p50: 400, p95: 2500, count: 10 } }), '12 s · traces p95 2.5 s');
  assert.equal(lagInTime({ lagSeconds: null, tracesQueueMs: null }), '–');
  assert.equal(drainText({ lag: 0, drainSeconds: 0, trend: 'steady' }), '—');
  assert.equal(drainText({ lag: 50, drainSeconds: null, trend: 'growing' }), 'not draining');
  assert.equal(drainText({ lag: 50, drainSeconds: 20, trend: 'draining' }), '20 s');
  assert.equal(historyUrl({ system: 'rabbitmq', destination: 'order.created', group: 'a/b' }, 1, 2), '/api/lag/rabbitmq/order.created/a%2Fb/history?start=1&end=2');
});
